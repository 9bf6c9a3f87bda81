"""丰都县 reports (兴义府发〔2022〕3号 一): village progress against the 附件1 base, and the seven groups.

The base (2021年12月户籍人数, 附件1) is not in the notice's text: the test loads it as an office would.
Payments straddle the close of the 集中参保缴费时间 (三（一）, 2022-02-28): one on the last day,
one the day after. One person was registered before the period opened: the quote is refused, and
like a registration never paid it is 登记未缴, never 参保 nor in a 参保率. Expected figures are
counted from FIXTURE with plain Python.
"""

from datetime import date
from decimal import Decimal
from io import BytesIO
from itertools import count

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from tests.support.factories import id_number
from tests.support.graphql_client import gql
from yibao.core import exports
from yibao.core.audit import Actor
from yibao.core.db import transaction
from yibao.core.errors import InputError
from yibao.core.models import Person
from yibao.core.plugins import load_registry
from yibao.core.reports import ReportArgs, rate
from yibao.core.scope import Scope
from yibao.core.services.categories import CategoryInput, record_category
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.payments import PaymentInput, record_payment
from yibao.core.services.persons import PersonInput
from yibao.core.services.regions import RegionInput, add_region
from yibao.core.services.targets import TargetRow, load_targets

POLICY = "chongqing/500230/2022"
FENGDU, XINGYI = "500230", "500230001"  # 丰都县, 兴义镇
VILLAGES = {"500230001001": "红旗村", "500230001002": "双龙村", "500230001003": "场镇社区"}
A, B, C = VILLAGES
BASES = {A: 4, B: 3}  # 附件1 as loaded by the office; 场镇社区 has none yet
COUNTY = Actor("admin-500230", "COUNTY_ADMIN", FENGDU)
CLOSES = date(2022, 2, 28)  # 三（一） "集中参保缴费时间为2021年12月1日至2022年2月28日"
ENROLLED_ON = date(2022, 1, 5)
REFUSED, REFUSED_ON = "refused", date(2021, 11, 15)  # before 三（一）'s 2021-12-01: no route admits it
AS_OF = date(2022, 6, 30)
SEVEN = (
    "EXTREME_POVERTY",
    "MINIMUM_LIVING",
    "MINIMUM_LIVING_MARGINAL",
    "RETURNED_TO_POVERTY",
    "UNSTABLE_OUT_OF_POVERTY",
    "AT_RISK_OF_POVERTY",
    "SUDDEN_HARDSHIP",
)

# (village, identity, enrolled, paid on, amount due by 二（四） on tier 1)
FIXTURE = [
    (A, "EXTREME_POVERTY", True, CLOSES, "0.00"),  # 320 资助: nothing to pay, on the last day
    (A, "MINIMUM_LIVING", True, date(2022, 3, 1), "32.00"),  # 288 资助; the day after the close
    (A, None, True, None, None),  # enrolled, not paid
    (B, "RETURNED_TO_POVERTY", True, CLOSES, "96.00"),  # 224 资助
    (B, "RETURNED_TO_POVERTY", True, None, None),
    (B, "LOW_INCOME_MONITORED", True, date(2022, 1, 10), "320.00"),  # not one of the seven
    (C, "SUDDEN_HARDSHIP", False, None, None),
    (C, None, True, date(2022, 1, 10), "320.00"),
    (C, "AT_RISK_OF_POVERTY", REFUSED, None, None),  # registered, quote refused
]

_seq = count(1)


def resident(engine, village: str, code: str | None) -> Person:
    n = next(_seq)
    person = PersonInput(name=f"居民{n}", hukou_region_code=village, id_number=id_number(FENGDU, seq=n))
    register_household(
        engine, COUNTY, HouseholdInput(village, [MemberInput(person=person, is_head=True, relation="户主")])
    )
    with Session(engine) as session:
        row = session.exec(select(Person).where(Person.id_number == person.id_number)).one()
    if code:
        record_category(
            engine,
            COUNTY,
            CategoryInput(row.id, code, since=date(2021, 6, 1)),
            load_registry().categories,
            None,
        )
    return row


@pytest.fixture
def fengdu(engine):
    rules = load_registry()
    for code, name in VILLAGES.items():
        add_region(engine, COUNTY, RegionInput(code, XINGYI, name))
    rows = [TargetRow(code, headcount, f"rows.{i}") for i, (code, headcount) in enumerate(BASES.items())]
    load_targets(engine, COUNTY, rows, 2022, "TARGET", "兴义府发〔2022〕3号 附件1")
    for village, code, enrolled, paid_on, amount in FIXTURE:
        person = resident(engine, village, code)
        if not enrolled:
            continue
        on = REFUSED_ON if enrolled == REFUSED else ENROLLED_ON
        data = EnrolmentInput(person.id, 2022, POLICY, f"e-{person.id}", region_code=village, on=on)
        enrolment = enrol(engine, COUNTY, data, rules)
        assert (enrolment.amount_due_fen is None) == (enrolled == REFUSED)
        if paid_on:
            payment = PaymentInput(enrolment.id, Decimal(amount), paid_on, "CHONGQING_TAX", f"p-{person.id}")
            record_payment(engine, COUNTY, payment, rules)
    return rules


def run(engine, rules, name: str, region: str = FENGDU, as_of: date = AS_OF):
    with transaction(engine) as session:
        report = rules.reports.get(name)
        return rules.reports.run(session, Scope(path=None), rules, report, ReportArgs(region, 2022, as_of))


def test_each_village_shows_its_loaded_base_insured_registered_unpaid_and_rate(engine, fengdu):
    result = run(engine, fengdu, "chongqing_village_progress")
    expected = []
    for village, name in VILLAGES.items():
        mine = [f for f in FIXTURE if f[0] == village]
        paid = sum(1 for f in mine if f[3] and f[3] <= AS_OF)
        unpaid = sum(1 for f in mine if f[2] and not f[3])  # never paid, or refused
        base = BASES.get(village)
        expected.append((village, name, base, paid, unpaid, rate(paid, base)))
    paid = sum(1 for f in FIXTURE if f[3])
    unpaid = sum(1 for f in FIXTURE if f[2] and not f[3])
    expected.append((FENGDU, "合计", None, paid, unpaid, None))  # no total base: 场镇社区 has none
    assert result.rows == expected
    # 红旗村: 2 insured and 1 registered unpaid of a base of 4 — 50%, not 75%.
    assert result.rows[0][3:] == (2, 1, Decimal("0.5000"))
    assert result.rows[2][3:5] == (1, 1)  # 场镇社区: the refused registration is not insured
    assert result.headings[3:6] == ["参保人数", "登记未缴人数", "参保率"]


def test_the_village_report_applies_to_fengdu_only(engine, fengdu):
    with pytest.raises(InputError) as refused:
        run(engine, fengdu, "chongqing_village_progress", region="341721")
    assert [(e.field, e.code) for e in refused.value.errors] == [("regionCode", "INVALID")]


def expected_groups(paid_by: date):
    rows = []
    for code in SEVEN:
        mine = [f for f in FIXTURE if f[1] == code]
        holders = len(mine)
        paid = sum(1 for f in mine if f[3] and f[3] <= paid_by)
        registered = sum(1 for f in mine if f[2]) - paid  # on the roster, not insured by then
        reached = (paid == holders) if holders else None
        rows.append((code, holders, paid, holders - paid, registered, rate(paid, holders), reached))
    return rows


def test_the_seven_groups_count_only_payments_within_the_centralized_period(engine, fengdu):
    result = run(engine, fengdu, "chongqing_seven_groups")
    got = [(r[0], r[2], r[3], r[4], r[5], r[6], r[7]) for r in result.rows]
    assert got == expected_groups(CLOSES)
    by_code = {r[0]: r for r in result.rows}
    assert [r[0] for r in result.rows] == list(SEVEN)  # all seven, held or not
    assert by_code["MINIMUM_LIVING"][3:6] == (0, 1, 1)  # paid 2022-03-01: after the period
    assert by_code["AT_RISK_OF_POVERTY"][3:6] == (0, 1, 1)  # registered, quote refused
    assert by_code["EXTREME_POVERTY"][7] is True and by_code["MINIMUM_LIVING_MARGINAL"][7] is None
    assert by_code["UNSTABLE_OUT_OF_POVERTY"][1] == "脱贫不稳定户"  # the notice's wording


def test_an_earlier_as_of_date_counts_no_payment_after_it(engine, fengdu):
    result = run(engine, fengdu, "chongqing_seven_groups", as_of=date(2022, 2, 27))
    by_code = {r[0]: r for r in result.rows}
    assert by_code["EXTREME_POVERTY"][3] == 0  # paid on 02-28, after the as-of date
    assert by_code["RETURNED_TO_POVERTY"][3] == 0


def test_the_seven_groups_export_as_xlsx_under_the_headings(engine, fengdu):
    result = run(engine, fengdu, "chongqing_seven_groups")
    buffer = BytesIO()
    exports.write(buffer, "xlsx", result.headings, result.rows, result.report.title)
    sheet = load_workbook(BytesIO(buffer.getvalue())).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0] == [
        "类别代码",
        "困难群体类别",
        "应参保人数",
        "集中参保期内参保人数",
        "集中参保期内未参保人数",
        "其中：登记未缴人数",
        "集中参保期内参保率",
        "是否达到100%",
    ]
    assert table[1][:6] == ["EXTREME_POVERTY", "特困人员", 1, 1, 0, 0]
    assert len(table) == 1 + len(SEVEN)


QUERY = """
query($region: String!) { reports {
  chongqingVillageProgress(regionCode: $region, coverageYear: 2022, asOf: "2022-06-30") {
    columns { key heading } rows { villageCode base paid registeredUnpaid rate } }
  chongqingSevenGroups(regionCode: $region, coverageYear: 2022, asOf: "2022-06-30") {
    citation rows { category paid reached } }
} }
"""


def test_both_reports_answer_through_graphql_for_the_county_and_null_elsewhere(
    engine, fengdu, client, client_as
):
    data = gql(client_as("COUNTY_ADMIN", FENGDU), QUERY, region=FENGDU)["reports"]
    villages = data["chongqingVillageProgress"]
    assert villages["columns"][2] == {"key": "base", "heading": "户籍人数基数"}
    assert villages["rows"][0] == {
        "villageCode": A,
        "base": 4,
        "paid": 2,
        "registeredUnpaid": 1,
        "rate": "0.5000",
    }
    groups = data["chongqingSevenGroups"]
    assert "兴义府发〔2022〕3号" in groups["citation"]
    assert groups["rows"][1] == {"category": "MINIMUM_LIVING", "paid": 0, "reached": False}
    # The Anhui administrator's scope does not cover 丰都县.
    assert gql(client, QUERY, region=FENGDU)["reports"] == {
        "chongqingVillageProgress": None,
        "chongqingSevenGroups": None,
    }
