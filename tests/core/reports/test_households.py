"""Households paid in part (core/reports/households.py; 东政办〔2021〕6号 五（二） "原则上以家庭为单位参保").

东至县 prefers whole households but lets members pay one by one; the report lists, per village,
each household with a member insured and another not, naming who has not — registered unpaid
(never paid, reversed, or a refused quote) or not registered at all — and leaving aside those
departed or whose enrolment has ended. Expected rows are written out from the households below.
"""

import io
from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from tests.support.factories import id_number
from tests.support.graphql_client import gql
from yibao.api.cli import main as yibao
from yibao.core.audit import Actor
from yibao.core.idcard import mask_id_number
from yibao.core.models import Person
from yibao.core.plugins import load_registry
from yibao.core.reports import ReportArgs
from yibao.core.scope import Scope
from yibao.core.services.departures import DepartureInput, record_departure
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.payments import PaymentInput, ReversalInput, record_payment, reverse_payment
from yibao.core.services.persons import PersonInput
from yibao.core.services.regions import RegionInput, add_region
from yibao.core.services.termination import TerminationInput, terminate_enrolment

RULES = load_registry()
POLICY = "anhui/341721/2022"
COUNTY = Actor("admin-341721", "COUNTY_ADMIN", "341721")
TOWN, VILLAGE, OTHER = "341721001", "341721001001", "341721001002"
ON = date(2021, 10, 8)  # in the window (一)
BEFORE = date(2021, 9, 1)  # before it: the quote is refused
_seq = count(1)

# What happens to each member: paid, unpaid (registered), reversed, refused, none (not
# registered), departed, ended (enrolled, then terminated).
HOUSEHOLDS = {
    "王": (VILLAGE, ["paid", "unpaid", "none", "departed"]),
    "李": (VILLAGE, ["paid", "paid"]),  # whole: not listed
    "张": (VILLAGE, ["unpaid", "none"]),  # nobody insured: not listed
    "赵": (OTHER, ["paid", "refused", "reversed"]),
    "钱": (OTHER, ["paid", "ended", "departed"]),  # the rest need not pay: not listed
}


def person(region: str, name: str) -> PersonInput:
    return PersonInput(name=name, hukou_region_code=region, id_number=id_number("341721", seq=next(_seq)))


def household(engine, surname: str) -> list[int]:
    region, fates = HOUSEHOLDS[surname]
    members = [
        MemberInput(
            person=person(region, f"{surname}{i}"), is_head=i == 0, relation="户主" if i == 0 else "家庭成员"
        )
        for i in range(len(fates))
    ]
    register_household(engine, COUNTY, HouseholdInput(region, members))
    with Session(engine) as session:
        numbers = [m.person.id_number for m in members]
        return [session.exec(select(Person.id).where(Person.id_number == n)).one() for n in numbers]


def enrolled(engine, person_id: int, on: date = ON):
    return enrol(engine, COUNTY, EnrolmentInput(person_id, 2022, POLICY, f"e-{person_id}", on=on), RULES)


def paid(engine, person_id: int):
    enrolment = enrolled(engine, person_id)
    data = PaymentInput(enrolment.id, Decimal("320.00"), ON, "VILLAGE_CASH", f"p-{person_id}")
    return enrolment, record_payment(engine, COUNTY, data, RULES)


@pytest.fixture
def dongzhi(engine):
    add_region(engine, COUNTY, RegionInput(TOWN, "341721", "尧渡镇"))
    add_region(engine, COUNTY, RegionInput(VILLAGE, TOWN, "新建村"))
    add_region(engine, COUNTY, RegionInput(OTHER, TOWN, "永丰村"))
    for surname, (_, fates) in HOUSEHOLDS.items():
        for person_id, fate in zip(household(engine, surname), fates, strict=True):
            if fate == "paid":
                paid(engine, person_id)
            elif fate == "unpaid":
                enrolled(engine, person_id)
            elif fate == "refused":
                assert enrolled(engine, person_id, BEFORE).amount_due_fen is None
            elif fate == "reversed":
                _, payment = paid(engine, person_id)
                reverse_payment(engine, COUNTY, ReversalInput(payment.id, "收款有误", f"r-{person_id}"))
            elif fate == "ended":
                enrolment, _ = paid(engine, person_id)
                terminate_enrolment(engine, COUNTY, RULES, TerminationInput(enrolment.id, "参加职工医保", ON))
            elif fate == "departed":
                record_departure(engine, COUNTY, DepartureInput(person_id, "DEATH", date(2021, 9, 1)))


def run(engine, region: str = "341721", as_of: date | None = None, sees_identity: bool = True):
    with Session(engine) as session:
        report = RULES.reports.get("partially_paid_households")
        args = ReportArgs(region, 2022, as_of)
        return RULES.reports.run(session, Scope(path=None), RULES, report, args, sees_identity)


def head_number(engine, surname: str) -> str:
    with Session(engine) as session:
        return session.exec(select(Person.id_number).where(Person.name == f"{surname}0")).one()


def test_households_with_some_members_insured_and_others_not_are_listed_per_village(engine, dongzhi):
    result = run(engine)
    assert [row[:2] + row[3:] for row in result.rows] == [
        (VILLAGE, "新建村", "王0", head_number(engine, "王"), 1, 2, "王1（登记未缴）、王2（未登记）"),
        (OTHER, "永丰村", "赵0", head_number(engine, "赵"), 1, 2, "赵1（登记未缴）、赵2（登记未缴）"),
    ]
    assert all(isinstance(row[2], int) for row in result.rows)  # 户编号
    assert result.headings == [
        "村（社区）代码",
        "村（社区）",
        "户编号",
        "户主",
        "户主身份证号码",
        "已参保成员数",
        "未参保成员数",
        "未参保成员",
    ]
    # A township asked for itself lists the same; a village only its own.
    assert [row[0] for row in run(engine, TOWN).rows] == [VILLAGE, OTHER]
    assert [row[3] for row in run(engine, OTHER).rows] == ["赵0"]


def test_as_of_a_day_before_the_payments_no_household_is_partly_insured(engine, dongzhi):
    assert run(engine, as_of=date(2021, 10, 7)).rows == []


def test_the_head_id_number_is_masked_for_the_auditor_over_graphql(engine, dongzhi, client_as):
    query = """{ reports { partiallyPaidHouseholds(regionCode: "341721", coverageYear: 2022) {
                 citation rows { village headName headIdNumber paidMembers unpaidMembers
                                 unpaidNames } } } }"""
    auditor = gql(client_as("AUDITOR", "341721"), query)["reports"]["partiallyPaidHouseholds"]
    county = gql(client_as("COUNTY_ADMIN", "341721"), query)["reports"]["partiallyPaidHouseholds"]
    assert auditor["citation"].startswith("东政办〔2021〕6号 五（二）")
    assert [r["headIdNumber"] for r in auditor["rows"]] == [
        mask_id_number(head_number(engine, s)) for s in ("王", "赵")
    ]
    assert [r["headIdNumber"] for r in county["rows"]] == [head_number(engine, s) for s in ("王", "赵")]
    assert [r["unpaidNames"] for r in auditor["rows"]] == [r["unpaidNames"] for r in county["rows"]]
    # Another county's caller gets nothing of it.
    other = gql(client_as("COUNTY_ADMIN", "341702"), query)["reports"]["partiallyPaidHouseholds"]
    assert other is None


def test_the_report_exports_over_http_and_from_the_command_line(
    engine, dongzhi, client, tmp_path, monkeypatch
):
    response = client.get(
        "/exports/reports/partially_paid_households.xlsx?regionCode=341721&coverageYear=2022"
    )
    assert response.status_code == 200, response.text
    sheet = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert sheet[0][3] == "户主" and [row[7] for row in sheet[1:]] == [
        "王1（登记未缴）、王2（未登记）",
        "赵1（登记未缴）、赵2（登记未缴）",
    ]

    monkeypatch.setenv("YIBAO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    out = tmp_path / "部分缴费户.csv"
    yibao(
        ["report", "run", "partially_paid_households", "--region", "341721", "--year", "2022", "-o", str(out)]
    )
    text = out.read_text(encoding="utf-8-sig")
    assert "王1（登记未缴）、王2（未登记）" in text and "钱" not in text and "李0" not in text
