"""方城县's reports (方政办明电〔2021〕35号 四（三）（四）（六）, 五（二）), computed against the seed below.

Every expected figure is worked out here from SEED with plain Python, not read back from a report.
As-of 2021-11-15 puts payments on both sides of each boundary: seven days (11-08 / 11-09) for the
week and 14 days (11-01 in the earlier figure, 11-02 in the fortnight) for the bulletin.
"""

import io
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from tests.support import henan as refund_fixture
from tests.support.factories import id_number
from tests.support.graphql_client import gql
from tests.support.henan_reports import (
    AS_OF,
    CASH,
    COUNTY,
    EAST,
    FENG,
    FENGRUI,
    GUANGAN,
    HENAN,
    RULES,
    SEED,
    SHIZHI,
    VILLAGES,
    WEST,
    ZHEYANG,
    seed_campaign,
)
from yibao.core import exports
from yibao.core.db import transaction
from yibao.core.models import Enrolment, Payment, Person, Target
from yibao.core.plugins import load_registry
from yibao.core.reports import ReportArgs
from yibao.core.scope import Scope
from yibao.core.services.deposit_slips import SlipBatch, SlipInput, record_deposit_slips
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.persons import PersonInput
from yibao.core.services.refund_payouts import RefundPayout, pay_refunds
from yibao.core.services.termination import TerminationInput, terminate_enrolment

TOWNSHIPS = {SHIZHI: "释之街道", FENGRUI: "凤瑞街道", ZHEYANG: "赭阳街道", GUANGAN: "广安街道"}


PERSONAL = 32000  # 二（一）: 320 元


def township_of(region: str) -> str:
    return VILLAGES[region][0] if region in VILLAGES else region


@pytest.fixture
def campaign(engine) -> dict[str, str]:
    return seed_campaign(engine)


def run(engine, name: str, as_of: date | None = AS_OF, region: str = "411322", sees_identity=True):
    registry_ = load_registry()
    with transaction(engine) as session:
        report = registry_.reports.get(name)
        return registry_.reports.run(
            session, Scope(path=None), registry_, report, ReportArgs(region, 2022, as_of), sees_identity
        )


def paid_by(day: date) -> Counter:
    """参保人数 per township on `day`: registered and paid by then (the reversal is dated today)."""
    return Counter(township_of(row.region) for row in SEED if row.paid_on <= day)


def competition_ranks(scores: dict[str, object]) -> dict[str, int]:
    return {code: 1 + sum(other > score for other in scores.values()) for code, score in scores.items()}


def load_targets(engine, targets: dict[str, int]) -> None:
    with transaction(engine) as session:
        for code, headcount in targets.items():
            session.add(
                Target(region_code=code, coverage_year=2022, headcount=headcount, source="测试", actor="t")
            )


# --- 五（二） 每周一排名 ---


def test_without_targets_townships_rank_by_paid_with_the_weeks_new_payments(engine, campaign):
    result = run(engine, "henan_township_ranking")
    now, week_ago = paid_by(AS_OF), paid_by(AS_OF - timedelta(days=7))
    places = competition_ranks({code: now[code] for code in TOWNSHIPS})
    expected = sorted(
        (places[code], code, name, None, now[code], None, now[code] - week_ago[code])
        for code, name in TOWNSHIPS.items()
    )
    assert result.rows == expected
    assert [(row["township"], row["rank"]) for row in result.dicts()] == [
        ("释之街道", 1),
        ("凤瑞街道", 2),  # 3 paid, tied with 赭阳
        ("赭阳街道", 2),
        ("广安街道", 4),
    ]
    by_code = {row["township_code"]: row for row in result.dicts()}
    # 凤瑞: 11-09 is in the seven days up to 11-15, 11-08 is not; 赭阳: the as-of day itself is.
    assert by_code[FENGRUI]["paid_this_week"] == 1 and by_code[ZHEYANG]["paid_this_week"] == 1


def test_with_every_target_loaded_townships_rank_by_completion_rate(engine, campaign):
    targets = {SHIZHI: 10, FENGRUI: 4, ZHEYANG: 3, GUANGAN: 5}
    load_targets(engine, targets)
    rows = run(engine, "henan_township_ranking").dicts()
    now = paid_by(AS_OF)
    places = competition_ranks({code: Decimal(now[code]) / targets[code] for code in TOWNSHIPS})
    assert [(row["township_code"], row["rank"]) for row in rows] == sorted(
        ((code, places[code]) for code in TOWNSHIPS), key=lambda pair: (pair[1], pair[0])
    )
    assert [row["township"] for row in rows] == ["赭阳街道", "凤瑞街道", "释之街道", "广安街道"]
    assert {row["township_code"]: row["rate"] for row in rows} == {
        code: (Decimal(now[code]) / targets[code]).quantize(Decimal("0.0001")) for code in TOWNSHIPS
    }


def test_a_township_without_target_makes_the_ranking_fall_back_to_paid(engine, campaign):
    load_targets(engine, {SHIZHI: 100, FENGRUI: 3, ZHEYANG: 3})  # 广安 has none
    rows = run(engine, "henan_township_ranking").dicts()
    assert [(row["township"], row["rank"], row["target"]) for row in rows] == [
        ("释之街道", 1, 100),  # most paid, though the lowest rate
        ("凤瑞街道", 2, 3),
        ("赭阳街道", 2, 3),
        ("广安街道", 4, None),
    ]


# --- 五（二） 半月一通报 ---


def test_the_bulletin_counts_a_payment_14_days_back_in_the_earlier_figure(engine, campaign):
    rows = {row["township_code"]: row for row in run(engine, "henan_fortnightly_bulletin").dicts()}
    now, before = paid_by(AS_OF), paid_by(AS_OF - timedelta(days=14))
    for code in TOWNSHIPS:
        row = rows[code]
        assert (row["paid"], row["paid_before"], row["paid_this_fortnight"]) == (
            now[code],
            before[code],
            now[code] - before[code],
        )
    # 释之: 10-08, 10-31 (15 days back) and 11-01 (14 days back) before; 11-02 (13) and 11-10 new.
    assert (rows[SHIZHI]["paid_before"], rows[SHIZHI]["paid_this_fortnight"]) == (3, 2)
    assert [rows[code]["rank"] for code in TOWNSHIPS] == [1, 2, 2, 4]


def test_unpaid_refused_or_ended_registrations_count_in_neither_ranking_nor_bulletin(engine, campaign):
    before = {row["township_code"]: row["paid"] for row in run(engine, "henan_township_ranking").dicts()}
    # 张三 (东村, paid 10-08) died on 11-12: off the roster, no longer 参保, though the money stays.
    with Session(engine) as session:
        zhang = session.exec(
            select(Enrolment.id).join(Person, Person.id == Enrolment.person_id).where(Person.name == "张三")
        ).one()
    terminate_enrolment(engine, COUNTY, RULES, TerminationInput(zhang, "死亡", date(2021, 11, 12)))
    # 二（三）: the window opens 2021-10-01 — a registration on 09-20 is refused; one on 10-20 is unpaid.
    for n, (region, on) in enumerate(((EAST, date(2021, 9, 20)), (WEST, date(2021, 10, 20)))):
        number = id_number("411322", seq=100 + n)
        person = PersonInput(name=f"未缴{n}", hukou_region_code=region, id_number=number)
        register_household(
            engine,
            COUNTY,
            HouseholdInput(region, [MemberInput(person=person, is_head=True, relation="户主")]),
        )
        with Session(engine) as session:
            person_id = session.exec(select(Person.id).where(Person.id_number == number)).one()
        enrolment = enrol(engine, COUNTY, EnrolmentInput(person_id, 2022, HENAN, f"u-{n}", on=on), RULES)
        assert (enrolment.amount_due_fen is None) == (on.month == 9)
    after = {row["township_code"]: row["paid"] for row in run(engine, "henan_township_ranking").dicts()}
    assert after == {**before, SHIZHI: before[SHIZHI] - 1}
    bulletin = {row["township_code"]: row for row in run(engine, "henan_fortnightly_bulletin").dicts()}
    now, earlier = paid_by(AS_OF), paid_by(AS_OF - timedelta(days=14))
    # Before 11-12 张三 was still 参保: the earlier figure keeps him, the fortnight loses him.
    shizhi = bulletin[SHIZHI]
    assert (shizhi["paid"], shizhi["paid_before"]) == (now[SHIZHI] - 1, earlier[SHIZHI])
    assert shizhi["paid_this_fortnight"] == now[SHIZHI] - 1 - earlier[SHIZHI]


def test_a_payment_on_the_as_of_day_is_new_and_one_after_it_is_not_counted(engine, campaign):
    rows = {row["township_code"]: row for row in run(engine, "henan_fortnightly_bulletin").dicts()}
    assert rows[ZHEYANG]["paid_this_fortnight"] == 1  # 陈十三 paid on AS_OF
    assert rows[FENGRUI]["paid"] == 3  # 周九九 paid 11-20, after AS_OF


# --- 四（三）（四） 三方核对 ---


def slips(engine, *entries) -> None:
    batch = [SlipInput(number, village, Decimal(amount), on) for number, village, amount, on in entries]
    record_deposit_slips(engine, COUNTY, SlipBatch(2022, batch))


def test_three_party_reconciles_the_village_collection_against_its_deposit_slips(engine, campaign):
    slips(
        engine,
        ("JK-1", EAST, "640.00", date(2021, 11, 2)),
        ("JK-2", EAST, "320.00", date(2021, 11, 11)),
        ("JK-3", WEST, "300.00", date(2021, 11, 1)),  # 20 short
        ("JK-4", FENG, "960.00", date(2021, 11, 25)),  # before 周九九's payment was reversed
    )
    result = run(engine, "henan_three_party", as_of=None)  # today: the reversal counts
    deposited = {EAST: 96000, WEST: 30000, FENG: 96000}
    expected = []
    for code, (_, name) in VILLAGES.items():
        collected = [row for row in SEED if row.region == code and row.channel == CASH and not row.reversed]
        amount = PERSONAL * len(collected)
        difference = amount - deposited[code]
        expected.append(
            (code, name, len(collected), *(Decimal(v) / 100 for v in (amount, deposited[code], difference)))
            + (difference == 0,)
        )
    assert result.rows == expected
    assert [(row["village"], row["difference"], row["consistent"]) for row in result.dicts()] == [
        ("东村", Decimal("0.00"), True),
        ("西村", Decimal("20.00"), False),  # 赵六's counter payment is not the village's cash
        ("凤村", Decimal("-320.00"), False),  # the reversed payment left the roster, not the bank
    ]


def test_three_party_counts_only_slips_and_payments_up_to_the_as_of_date(engine, campaign):
    slips(engine, ("JK-1", EAST, "960.00", date(2021, 11, 20)))
    east = run(engine, "henan_three_party", as_of=AS_OF).dicts()[0]
    assert (east["roster_persons"], east["roster_amount"], east["slip_amount"]) == (3, Decimal("960.00"), 0)
    assert east["consistent"] is False


# --- 四（六） 张榜公示 ---


def masked(name: str) -> str:
    return name[0] + "*" if len(name) == 2 else name[0] + "*" * (len(name) - 2) + name[-1]


def test_the_public_notice_lists_village_collections_with_names_and_ids_masked(engine, campaign):
    result = run(engine, "henan_public_notice", as_of=None, sees_identity=True)  # even for staff
    listed = [row for row in SEED if row.region in VILLAGES and row.channel == CASH and not row.reversed]
    listed.sort(key=lambda row: (row.region, row.paid_on))
    numbers = campaign
    assert [
        (row["village_code"], row["name"], row["id_number"], row["amount"], row["paid_on"])
        for row in result.dicts()
    ] == [
        (
            row.region,
            masked(row.name),
            numbers[row.name][:4] + "*" * 10 + numbers[row.name][-4:],
            Decimal("320.00"),
            row.paid_on,
        )
        for row in listed
    ]
    assert {row["name"] for row in result.dicts()} >= {"张*", "李*四", "欧**华"}
    assert {row["tier"] for row in result.dicts()} == {"个人缴费标准"}
    text = repr(result.rows)
    assert not [name for name in numbers if name in text]
    assert not [number for number in numbers.values() if number in text]


def test_the_public_notice_drops_a_reversed_payment_once_it_is_reversed(engine, campaign):
    with Session(engine) as session:
        assert session.exec(select(Payment).where(Payment.kind == "REVERSAL")).all()
    late = run(engine, "henan_public_notice", as_of=date(2021, 12, 31)).dicts()  # before the reversal
    now = run(engine, "henan_public_notice", as_of=None).dicts()
    assert "周*九" in {row["name"] for row in late} and "周*九" not in {row["name"] for row in now}


def test_the_public_notice_masks_over_graphql_for_a_role_that_sees_whole_numbers(engine, campaign, client_as):
    county = client_as("COUNTY_ADMIN", "411322")
    data = gql(
        county,
        """query { reports { henanPublicNotice(regionCode: "411322", coverageYear: 2022) {
            title columns { key heading } rows { village name idNumber amount paidOn } } } }""",
    )["reports"]["henanPublicNotice"]
    assert data["title"] == "集中征缴缴费人员张榜公示名单"
    assert {"key": "idNumber", "heading": "身份证号码"} in data["columns"]
    assert data["rows"] and all("*" in row["name"] and "*" in row["idNumber"] for row in data["rows"])
    text = repr(data)
    assert not [number for number in campaign.values() if number in text]


# --- 五（二） 退费台账 ---


def test_the_refund_ledger_report_gives_core_ledger_under_department_names(engine):
    refund_fixture.henan_campaign(engine)
    pay_refunds(engine, COUNTY, RefundPayout("CIVIL_AFFAIRS", SHIZHI, date(2022, 1, 20), "batch-1", "代发-1"))
    rows = run(engine, "henan_refund_ledger").rows
    names = {"CIVIL_AFFAIRS": "县民政局", "FINANCE": "财政所"}
    expected = refund_fixture.expected_ledger({("CIVIL_AFFAIRS", SHIZHI)})
    assert sorted(rows) == sorted(
        (
            names[department],
            township,
            TOWNSHIPS[township],
            owed_count,
            Decimal(owed) / 100,
            paid_count,
            Decimal(paid) / 100,
            outstanding_count,
            Decimal(outstanding) / 100,
        )
        for (department, township), (owed, paid, outstanding, owed_count, paid_count, outstanding_count) in (
            expected.items()
        )
    )


# --- the GraphQL field, the region check and the XLSX export ---


def test_the_ranking_over_graphql(engine, campaign, client_as):
    county = client_as("COUNTY_ADMIN", "411322")
    data = gql(
        county,
        """query { reports {
            henanTownshipRanking(regionCode: "411322", coverageYear: 2022, asOf: "2021-11-15") {
            citation rows { rank township paid paidThisWeek } } } }""",
    )["reports"]["henanTownshipRanking"]
    assert "方政办明电〔2021〕35号" in data["citation"]
    assert data["rows"][0] == {"rank": 1, "township": "释之街道", "paid": 5, "paidThisWeek": 1}
    elsewhere = client_as("COUNTY_ADMIN", "341702")
    other = gql(
        elsewhere, '{ reports { henanTownshipRanking(regionCode: "411322", coverageYear: 2022) { title } } }'
    )
    assert other["reports"]["henanTownshipRanking"] is None


def test_a_henan_report_is_refused_for_another_province(engine):
    from yibao.core.errors import InputError

    with pytest.raises(InputError) as refused:
        run(engine, "henan_three_party", region="341702")
    assert refused.value.errors[0].field == "regionCode"


def test_the_bulletin_exports_to_xlsx_under_its_headings(engine, campaign):
    result = run(engine, "henan_fortnightly_bulletin")
    buffer = io.BytesIO()
    exports.write(buffer, "xlsx", result.headings, result.rows, result.report.title)
    buffer.seek(0)
    sheet = load_workbook(buffer).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == (
        "名次",
        "代码",
        "乡镇（街道）",
        "任务数",
        "截至本期参保人数",
        "截至上期参保人数",
        "半月新增",
        "完成率",
    )
    assert [(row[0], row[2], row[4], row[5], row[6]) for row in values[1:]] == [
        (row[0], row[2], row[4], row[5], row[6]) for row in result.rows
    ]
    assert sheet.title == "乡镇（街道）征缴进度半月通报"
