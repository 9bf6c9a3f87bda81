"""Issue 6's acceptance: a seeded 贵池区 and a seeded 贵阳贵安, their reports against figures
computed here from the seeding plan and the notices' own tables.

Persons are generated in the notices' towns and districts, some with hardship identities; some
enrol, some of those pay (the quote's amount), one payment is reversed. The expected progress,
hardship coverage and (for 贵阳) funding-source totals are summed from the plan below, never read
back from the services; the targets are typed from 贵医保组〔2023〕1号 附件2 and 筑医保通〔2021〕34号 附件.
"""

import csv
import io
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from tests.support.graphql_client import gql
from tests.support.henan import channel, resident
from yibao.core.audit import Actor
from yibao.core.money import fen_to_yuan
from yibao.core.plugins import load_registry
from yibao.core.reports import ReportArgs
from yibao.core.scope import Scope
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.payments import PaymentInput, ReversalInput, record_payment, reverse_payment

REGISTRY = load_registry()
EVERYTHING = Scope(path=None)

# 贵医保组〔2023〕1号 附件2 (typed from the notice): 乌沙镇, 秋江街道, 殷汇镇, 高校; district 510,000.
GUICHI = "anhui/341702/2024"
GUICHI_TOWNS = {"341702001": 36800, "341702005": 54800, "341702021": 39100, "341702022": 21300}
# 筑医保通〔2021〕34号 附件: 南明区, 花溪片区, 小河片区, 党武镇; 花溪区 313,091; the two subtotals.
GUIYANG = "guizhou/520100/2022"
GUIYANG_PLACES = {"520102": 237372, "520111001": 274240, "520111002": 38851, "520190001": 21740}
GUIAN = "520190"  # 贵安新区, outside 贵阳市 (520100) in the region tree
HARDSHIP = ("MINIMUM_LIVING", "EXTREME_POVERTY", "OUT_OF_POVERTY")
CATEGORIES = (None, None, None, *HARDSHIP)


@dataclass
class Seeded:
    region: str
    category: str | None
    enrolled: bool = False
    paid_fen: int | None = None  # None: not paid (or reversed)
    subsidy_fen: int = 0
    payment_id: int | None = None
    reversed_fen: int | None = None  # what a reversed payment had paid


def seed(engine, policy: str, places: dict, opens: date, actor: Actor, seed_no: int):
    """Generates 6–9 persons per place: about 3/4 enrol, about 2/3 of those pay, one payment reversed."""
    rng = random.Random(seed_no)
    plan = []
    for number, place in enumerate(places):
        for i in range(rng.randint(6, 9)):
            # Each place's first person holds a hardship identity (in turn) and pays, so every
            # funding source is exercised; the rest are drawn at random.
            forced = i == 0
            category = HARDSHIP[number % len(HARDSHIP)] if forced else rng.choice(CATEGORIES)
            person = resident(engine, actor, place, category, since=opens - timedelta(days=60))
            row = Seeded(place, category)
            plan.append(row)
            if rng.random() < 0.25 and not forced:
                continue
            year = int(policy.rsplit("/", 1)[1])
            paid_on = opens + timedelta(days=rng.randint(0, 60))
            enrolment = enrol(
                engine,
                actor,
                EnrolmentInput(
                    person.id,
                    year,
                    policy,
                    f"e-{person.id}",
                    region_code=place,
                    channel=channel(policy, REGISTRY),
                    on=paid_on,
                ),
                REGISTRY,
            )
            row.enrolled = True
            if rng.random() < 0.34 and not forced:
                continue
            payment = record_payment(
                engine,
                actor,
                PaymentInput(
                    enrolment.id,
                    fen_to_yuan(enrolment.amount_due_fen),
                    paid_on,
                    channel(policy, REGISTRY),
                    f"p-{person.id}",
                ),
                REGISTRY,
            )
            row.paid_fen, row.subsidy_fen = enrolment.amount_due_fen, enrolment.subsidy_fen or 0
            row.payment_id = payment.id
    # One payment to reverse: its enrolment no longer counts as paid nor its money as collected.
    return plan, next(r for r in plan if r.paid_fen is not None)


def run(engine, name: str, region: str, year: int, as_of: date | None = None):
    with Session(engine) as session:
        report = REGISTRY.reports.get(name)
        return REGISTRY.reports.run(session, EVERYTHING, REGISTRY, report, ReportArgs(region, year, as_of))


def expected_progress(plan: list[Seeded], unit_of, targets: dict) -> dict:
    """unit → (target, 参保人数, 登记未缴, amount yuan, rate, stated, difference) from the plan."""
    units = defaultdict(lambda: [0, 0, 0])
    for row in plan:
        counts = units[unit_of(row.region)]
        counts[0] += row.paid_fen is not None
        counts[1] += row.enrolled and row.paid_fen is None
        counts[2] += row.paid_fen or 0
    result = {}
    for unit, (paid, unpaid, amount) in units.items():
        target = targets.get(unit)
        rate = (Decimal(paid) / target).quantize(Decimal("0.0001")) if target else None
        result[unit] = (target, paid, unpaid, fen_to_yuan(amount), rate, None, None)
    return result


def expected_coverage(plan: list[Seeded]) -> dict:
    """code → (应参保, 已参保, 未参保, 其中登记未缴) from the plan."""
    holders, paid, unpaid = Counter(), Counter(), Counter()
    for row in plan:
        if row.category:
            holders[row.category] += 1
            paid[row.category] += row.paid_fen is not None
            unpaid[row.category] += row.enrolled and row.paid_fen is None
    return {code: (holders[code], paid[code], holders[code] - paid[code], unpaid[code]) for code in holders}


def reverse(engine, actor, row: Seeded) -> None:
    reverse_payment(engine, actor, ReversalInput(row.payment_id, "收款有误，冲正", f"r-{row.payment_id}"))
    row.reversed_fen, row.paid_fen, row.subsidy_fen = row.paid_fen, None, 0


@pytest.fixture
def guichi(engine):
    actor = Actor("admin-341702", "COUNTY_ADMIN", "341702")
    plan, reversed_row = seed(engine, GUICHI, GUICHI_TOWNS, date(2023, 9, 10), actor, 61)
    reverse(engine, actor, reversed_row)
    return plan


@pytest.fixture
def guiyang(engine):
    actor = Actor("admin-520000", "COUNTY_ADMIN", "520000")
    plan, reversed_row = seed(engine, GUIYANG, GUIYANG_PLACES, date(2021, 10, 8), actor, 62)
    reverse(engine, actor, reversed_row)
    return plan


def rows_by_unit(result) -> dict:
    return {row[0]: row[2:] for row in result.rows}


def test_guichi_progress_per_town_matches_the_plan_and_the_task_table(engine, guichi):
    result = run(engine, "collection_progress", "341702", 2024)
    got = rows_by_unit(result)
    want = expected_progress(guichi, lambda code: code, GUICHI_TOWNS)
    for town, figures in want.items():
        assert got[town] == figures, town
    # Every town of 附件2 has its row and target even with nobody enrolled yet.
    assert len(result.rows) == 22 + 1 and got["341702007"][0] == 19400  # 牌楼镇
    total = got["341702"]
    assert total[0] == 510000
    assert total[1:4] == (
        sum(r.paid_fen is not None for r in guichi),
        sum(r.enrolled and r.paid_fen is None for r in guichi),
        fen_to_yuan(sum(r.paid_fen or 0 for r in guichi)),
    )
    # 附件2's towns sum to the 贵池区 510,000 it prints: stated beside the sum, no difference.
    assert total[5:] == (510000, 0)
    assert result.headings[1:5] == ["单位", "2024年任务数", "参保人数", "登记未缴人数"]


def test_guichi_progress_as_of_a_date_counts_what_was_paid_and_reversed_by_then(engine, guichi):
    before_window = run(engine, "collection_progress", "341702", 2024, date(2023, 9, 9))
    assert rows_by_unit(before_window)["341702"][1:4] == (0, 0, Decimal("0.00"))
    # The reversal was entered today: at the window's end the reversed payment still counted.
    at_close = rows_by_unit(run(engine, "collection_progress", "341702", 2024, date(2023, 12, 31)))
    now = rows_by_unit(run(engine, "collection_progress", "341702", 2024))
    assert at_close["341702"][1] == now["341702"][1] + 1
    assert at_close["341702"][2] == now["341702"][2] - 1  # reversed: back to 登记未缴
    reversed_fen = sum(row.reversed_fen or 0 for row in guichi)
    assert at_close["341702"][3] == now["341702"][3] + fen_to_yuan(reversed_fen)


def test_guichi_hardship_coverage_matches_the_plan(engine, guichi):
    result = run(engine, "hardship_coverage", "341702", 2024)
    got = {row[0]: row[2:6] for row in result.rows}
    assert got == expected_coverage(guichi)
    for _code, _name, holders, paid, _unpaid, _registered, rate in result.rows:
        assert rate == (Decimal(paid) / holders).quantize(Decimal("0.0001"))


def test_guiyang_progress_per_district_per_city_and_per_area(engine, guiyang):
    district = {"520102": "520102", "520111001": "520111", "520111002": "520111"}
    by_district = rows_by_unit(run(engine, "collection_progress", "520100", 2022))
    want = expected_progress(
        [r for r in guiyang if not r.region.startswith(GUIAN)],
        district.get,
        {"520102": 237372, "520111": 313091},
    )
    for unit, figures in want.items():
        assert by_district[unit] == figures, unit
    assert by_district["520181"][0] == 420000 and by_district["520100"][0] == 2579617

    by_area = rows_by_unit(run(engine, "collection_progress", "520111", 2022))
    for unit, figures in expected_progress(
        [r for r in guiyang if r.region.startswith("520111")], lambda c: c, GUIYANG_PLACES
    ).items():
        assert by_area[unit] == figures

    by_city = rows_by_unit(run(engine, "collection_progress", "520000", 2022))
    want = expected_progress(
        guiyang,
        lambda code: GUIAN if code.startswith(GUIAN) else "520100",
        {"520100": 2579617, "520190": 130829},
    )
    for unit, figures in want.items():
        assert by_city[unit] == figures
    # The printed 贵阳贵安总计 (2,710,466) is 20 more than its subtotals: the total row's target is
    # their sum, with the printed figure and the difference beside it.
    total = by_city["520000"]
    assert (total[0], total[5], total[6]) == (2579617 + 130829, 2710466, 20)
    # 贵阳市小计 equals its districts' sum: stated, no difference.
    assert by_district["520100"][5:] == (2579617, 0)


def test_guiyang_hardship_coverage_matches_the_plan(engine, guiyang):
    result = run(engine, "hardship_coverage", "520000", 2022)
    assert {row[0]: row[2:6] for row in result.rows} == expected_coverage(guiyang)


def test_every_core_report_exports_to_xlsx_with_its_headings_over_http(engine, guichi, client):
    for name in ("collection_progress", "hardship_coverage", "payments_by_channel"):
        response = client.get(
            f"/exports/reports/{name}.xlsx?regionCode=341702&coverageYear=2024&asOf=2024-01-01"
        )
        assert response.status_code == 200, response.text
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        expected = run(engine, name, "341702", 2024, date(2024, 1, 1))
        assert list(rows[0]) == expected.headings
        assert len(rows) == len(expected.rows) + 1
    progress = load_workbook(
        io.BytesIO(
            client.get(
                "/exports/reports/collection_progress.xlsx?regionCode=341702&coverageYear=2024"
            ).content
        )
    ).active
    assert progress["B1"].value == "单位" and progress["C1"].value == "2024年任务数"
    assert progress["G2"].number_format == "0.00%"


def test_the_progress_report_through_graphql(client, guichi):
    data = gql(
        client,
        """query { reports { collectionProgress(regionCode: "341702", coverageYear: 2024) {
             title citation regionName columns { key heading }
             rows { unitCode unitName target paid amount rate isTotal } } } }""",
    )["reports"]["collectionProgress"]
    assert data["regionName"] == "贵池区" and "附件2" in data["citation"]
    assert {"key": "target", "heading": "2024年任务数"} in data["columns"]
    total = next(row for row in data["rows"] if row["unitCode"] == "341702")
    assert total["target"] == 510000
    assert Decimal(total["amount"]) == fen_to_yuan(sum(r.paid_fen or 0 for r in guichi))
    # the total row is flagged, not only named 合计; the units' rows are not
    assert [row["isTotal"] for row in data["rows"]] == [False] * (len(data["rows"]) - 1) + [True]
    assert data["rows"][-1] == total
    # a rate is one fraction in GraphQL and in the CSV download alike
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    "/exports/reports/collection_progress.csv?regionCode=341702&coverageYear=2024"
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert [row[6] for row in csv_rows[1:]] == [row["rate"] or "" for row in data["rows"]]
    assert any(row["rate"] for row in data["rows"]) and all("%" not in row[6] for row in csv_rows)
    # columns every row has are non-null in the schema
    fields = gql(client, '{ __type(name: "CollectionProgressRow") { fields { name type { kind } } } }')
    kinds = {f["name"]: f["type"]["kind"] for f in fields["__type"]["fields"]}
    assert kinds["unitName"] == kinds["paid"] == kinds["amount"] == kinds["isTotal"] == "NON_NULL"
    assert kinds["rate"] == kinds["target"] == "SCALAR"  # none without a target


def test_the_stated_total_stands_beside_the_sum_in_graphql_and_in_xlsx(engine, client_as):
    """筑医保通〔2021〕34号 附件: 贵阳贵安总计 2,710,466 over subtotals summing to 2,710,446."""
    guizhou = client_as("COUNTY_ADMIN", "520000", name="admin-52")
    data = gql(
        guizhou,
        """query { reports { collectionProgress(regionCode: "520000", coverageYear: 2022) {
             columns { key heading } rows { unitCode unitName target statedTarget targetDifference } } } }""",
    )["reports"]["collectionProgress"]
    assert {"key": "statedTarget", "heading": "文件所列合计"} in data["columns"]
    assert {"key": "targetDifference", "heading": "差额（文件所列合计−分项之和）"} in data["columns"]
    assert data["rows"] == [
        {"unitCode": "520100", "unitName": "贵阳市", "target": 2579617, "statedTarget": None,
         "targetDifference": None},
        {"unitCode": "520190", "unitName": "贵安新区", "target": 130829, "statedTarget": None,
         "targetDifference": None},
        {"unitCode": "520000", "unitName": "合计", "target": 2710446, "statedTarget": 2710466,
         "targetDifference": 20},
    ]  # fmt: skip

    response = guizhou.get("/exports/reports/collection_progress.xlsx?regionCode=520000&coverageYear=2022")
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    headings = table[0]
    total = dict(zip(headings, table[-1], strict=True))
    assert (total["地区"], total["约束目标（人）"]) == ("合计", 2710446)
    assert (total["文件所列合计"], total["差额（文件所列合计−分项之和）"]) == (2710466, 20)


def expected_funding(plan: list[Seeded]) -> dict:
    """Fen per funding source from 筑医保通〔2021〕34号 二, typed from the notice, for the paid persons."""
    totals = Counter()
    for row in plan:
        if row.paid_fen is None or row.category is None:
            continue
        guian = row.region.startswith(GUIAN)
        if row.category == "EXTREME_POVERTY":  # 二（二）2: 医疗救助基金全额承担 (320)
            totals["MEDICAL_ASSISTANCE_FUND"] += 32000
        elif row.category == "MINIMUM_LIVING":  # 二（一）2: 320 = 救助基金 140 + 市:县 4:6 (贵安: 本级)
            totals["MEDICAL_ASSISTANCE_FUND"] += 14000
            if guian:
                totals["NEW_AREA_FINANCE"] += 18000
            else:
                totals["CITY_FINANCE"] += 7200
                totals["COUNTY_FINANCE"] += 10800
        elif row.category == "OUT_OF_POVERTY":  # 二（一）1: 140, 县级财政 (贵安: 本级财政)
            totals["NEW_AREA_FINANCE" if guian else "COUNTY_FINANCE"] += 14000
    return {source: fen_to_yuan(fen) for source, fen in totals.items()}


def test_guiyang_funding_source_totals_match_the_notice(engine, guiyang):
    result = run(engine, "guizhou_funding_sources", "520000", 2022)
    subtotals = {row[0]: row[5] for row in result.rows if row[3] == "小计"}
    assert subtotals == expected_funding(guiyang)
    assert {"MEDICAL_ASSISTANCE_FUND", "CITY_FINANCE", "COUNTY_FINANCE", "NEW_AREA_FINANCE"} <= set(subtotals)
    total = next(row for row in result.rows if row[1] == "合计")
    assert total[5] == sum(subtotals.values())
