"""The reports the dashboard shows beside progress: collection by day, the households still to pay
(listed and counted), and the hardship-group members not yet insured.

Built on the 东至 households of tests/support/dongzhi.py (test_households' too), whose members'
fates are written out there: paid, unpaid (registered), reversed, refused, none (not registered),
departed, ended. Expected rows are written out from that plan.
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from tests.support.dongzhi import COUNTY, OTHER, RULES, TOWN, VILLAGE, head_number, seed_households
from tests.support.factories import id_number
from tests.support.graphql_client import gql
from yibao.core.idcard import mask_id_number
from yibao.core.models import CategoryFact, HouseholdMember, Person, Region
from yibao.core.reports import ReportArgs
from yibao.core.reports.households import member_status
from yibao.core.reports.source import ReportSource
from yibao.core.scope import Scope
from yibao.core.services.categories import CategoryInput, record_category
from yibao.core.services.households import move_person


@pytest.fixture(autouse=True)
def dongzhi(engine):
    seed_households(engine)


def run(engine, name: str, region: str = "341721", as_of: date | None = None, sees_identity: bool = True):
    with Session(engine) as session:
        report = RULES.reports.get(name)
        return RULES.reports.run(
            session, Scope(path=None), RULES, report, ReportArgs(region, 2022, as_of), sees_identity
        )


def test_collection_by_day_counts_payments_and_reversals_and_runs_to_the_progress_amount(engine):
    # Every payment of the plan is dated 2021-10-08; the reversal is dated the day it was entered.
    rows = run(engine, "collection_daily", as_of=date(2021, 10, 8)).rows
    # paid: 王0 李0 李1 赵0 赵2(then reversed) 钱0 钱1(then ended) — 7 payments of 320.00
    assert rows == [(date(2021, 10, 8), 7, 0, Decimal("2240.00"), 7, Decimal("2240.00"))]
    later = run(engine, "collection_daily").rows
    assert later[0] == rows[0] and len(later) == 2
    day, payments, reversals, amount, receipts, total = later[1]
    assert (payments, reversals, amount, receipts, total) == (0, 1, Decimal("-320.00"), 6, Decimal("1920.00"))
    progress = run(engine, "collection_progress").rows[-1]
    assert progress[5] == total  # the running amount is progress's 征收金额
    assert run(engine, "collection_daily", as_of=date(2021, 10, 7)).rows == []


def test_unpaid_households_list_every_household_with_a_member_still_to_pay(engine):
    rows = run(engine, "unpaid_households").rows
    assert [row[:2] + row[3:] for row in rows] == [
        (VILLAGE, "新建村", "王0", head_number(engine, "王"), 1, 2, "王1（登记未缴）、王2（未登记）"),
        (VILLAGE, "新建村", "张0", head_number(engine, "张"), 0, 2, "张0（登记未缴）、张1（未登记）"),
        (OTHER, "永丰村", "赵0", head_number(engine, "赵"), 1, 2, "赵1（登记未缴）、赵2（登记未缴）"),
    ]
    masked = run(engine, "unpaid_households", sees_identity=False).rows
    assert [row[4] for row in masked] == [mask_id_number(row[4]) for row in rows]
    assert [row[3] for row in run(engine, "unpaid_households", OTHER).rows] == ["赵0"]


def test_unpaid_households_are_counted_per_unit_one_level_down(engine):
    # 尧渡镇 is 东至县's only township here: 5 households, 3 owing, 6 persons (4 of them registered).
    county = run(engine, "unpaid_household_counts").rows
    assert (TOWN, "尧渡镇", 5, 3, 6, 4) in county
    assert all(row[2:] == (0, 0, 0, 0) for row in county if row[0] != TOWN)
    town = run(engine, "unpaid_household_counts", TOWN).rows
    assert town == [(VILLAGE, "新建村", 3, 2, 4, 2), (OTHER, "永丰村", 2, 1, 2, 2)]
    assert run(engine, "unpaid_household_counts", TOWN, as_of=date(2021, 9, 30)).rows == [
        # before anyone enrolled: every member not departed (王3, 钱2 died on 09-01) still to pay
        (VILLAGE, "新建村", 3, 3, 7, 0),
        (OTHER, "永丰村", 2, 2, 5, 1),  # 赵1 registered on 09-01, refused: 登记未缴
    ]


def person_id(engine, name: str) -> int:
    with Session(engine) as session:
        return session.exec(select(Person.id).where(Person.name == name)).one()


def counted_member_by_member(engine, region: str, as_of: date) -> dict[str, tuple[int, int, int, int]]:
    """unpaid_household_counts' figures per unit, folded here from each member's status as the
    reminder list reads it (core/reports/households.py member_status)."""
    with Session(engine) as session:
        source = ReportSource(session, ReportArgs(region, 2022, as_of), session.get(Region, region))
        members, units = member_status(source), source.units()
        rows = session.execute(
            select(units.c.unit_code, members.c.household_id, members.c.status).join(
                units, units.c.region_code == members.c.region_code
            )
        ).all()
    households: dict[str, dict[int, list[str]]] = {}
    for unit, household, status in rows:
        households.setdefault(unit, {}).setdefault(household, []).append(status)
    figures = {}
    for unit, statuses in households.items():
        counted = [[s for s in member if s != "不计"] for member in statuses.values()]
        unpaid = [[s for s in member if s in ("登记未缴", "未登记")] for member in counted]
        figures[unit] = (
            sum(1 for member in counted if member),
            sum(1 for member in unpaid if member),
            sum(len(member) for member in unpaid),
            sum(member.count("登记未缴") for member in unpaid),
        )
    return figures


@pytest.mark.parametrize("moved", [False, True])
def test_households_are_counted_as_their_members_one_by_one_on_every_day_and_level(engine, moved):
    """The counts start from the enrolments by household (migration 0015), not from the members:
    they must agree with the members one by one. `moved`: 李1, enrolled and paid in 新建村, joins
    赵's household in 永丰村 and is counted there, with the enrolment he keeps."""
    if moved:
        zhao = person_id(engine, "赵0")
        with Session(engine) as session:
            target = session.exec(
                select(HouseholdMember.household_id).where(HouseholdMember.person_id == zhao)
            ).one()
        move_person(engine, COUNTY, person_id(engine, "李1"), target)
    days = [date(2021, 8, 31), date(2021, 9, 1), date(2021, 10, 7), date(2021, 10, 8), date(2022, 6, 30)]
    for region in ("341721", TOWN):  # a village has no unit below it
        for day in days:
            expected = counted_member_by_member(engine, region, day)
            rows = run(engine, "unpaid_household_counts", region, as_of=day).rows
            assert {row[0]: row[2:] for row in rows if row[2:] != (0, 0, 0, 0)} == expected, (region, day)


def test_hardship_members_not_insured_are_named_as_the_coverage_report_counts_them(engine):
    holders = {"王0": "MINIMUM_LIVING", "王1": "MINIMUM_LIVING", "张1": "EXTREME_POVERTY", "赵1": "ORPHAN"}
    for name, code in holders.items():
        record_category(engine, COUNTY, CategoryInput(person_id(engine, name), code, date(2021, 6, 1)),
                        RULES.categories, None)  # fmt: skip
    record_category(engine, COUNTY, CategoryInput(person_id(engine, "王1"), "SEVERE_DISABILITY",
                    date(2021, 6, 1), grade=1), RULES.categories, None)  # fmt: skip
    rows = run(engine, "hardship_unpaid_persons").rows
    names = RULES.categories
    assert [(row[2], row[4], row[6]) for row in rows] == [
        ("王1", "MINIMUM_LIVING、SEVERE_DISABILITY", "登记未缴"),
        ("张1", "EXTREME_POVERTY", "未登记"),
        ("赵1", "ORPHAN", "登记未缴"),
    ]
    assert rows[0][5] == f"{names['MINIMUM_LIVING']}、{names['SEVERE_DISABILITY']}"
    coverage = {row[0]: row for row in run(engine, "hardship_coverage").rows}
    unpaid = sum(row[4] for row in coverage.values())
    assert unpaid == 4  # 王1 twice (two identities), 张1, 赵1: the list has each person once
    assert run(engine, "hardship_unpaid_persons", sees_identity=False).rows[0][3] == mask_id_number(
        rows[0][3]
    )


def test_the_new_reports_are_graphql_fields_scoped_like_every_report(engine, client_as):
    query = """{ reports {
        collectionDaily(regionCode: "341721", coverageYear: 2022, asOf: "2021-10-08") {
          rows { day payments cumulativeAmount } }
        unpaidHouseholdCounts(regionCode: "341721001", coverageYear: 2022) {
          rows { unitName unpaidHouseholds } }
    } }"""
    data = gql(client_as("TOWNSHIP_OFFICER", TOWN), query)["reports"]
    assert data["collectionDaily"] is None  # the county lies above the township's scope
    data = gql(client_as("COUNTY_ADMIN", "341721"), query)["reports"]
    day = {"day": "2021-10-08", "payments": 7, "cumulativeAmount": "2240.00"}
    assert data["collectionDaily"]["rows"] == [day]
    assert data["unpaidHouseholdCounts"]["rows"] == [
        {"unitName": "新建村", "unpaidHouseholds": 2},
        {"unitName": "永丰村", "unpaidHouseholds": 1},
    ]


def test_hardship_holders_are_counted_where_they_live_not_where_their_hukou_is(engine):
    # core/scope.py lives_in: the residence, else the hukou region. One holder moved into 新建村
    # from 方城县 (hukou there); another's hukou is in 新建村 but she lives in 方城县.
    with Session(engine) as session:
        came = Person(name="孙来", id_number=id_number("411322", seq=901), birth_date=date(1980, 5, 17),
                      gender="M", hukou_region_code="411322", residence_region_code=VILLAGE)  # fmt: skip
        left = Person(name="孙去", id_number=id_number("341721", seq=902, male=False),
                      birth_date=date(1980, 5, 17), gender="F", hukou_region_code=VILLAGE,
                      residence_region_code="411322")  # fmt: skip
        session.add_all([came, left])
        session.flush()
        for holder, code in ((came, "ORPHAN"), (left, "MINIMUM_LIVING")):
            fact = CategoryFact(person_id=holder.id, code=code, since=date(2021, 6, 1), source="test")
            session.add(fact)
        session.commit()
    here = {row[0]: row[2] for row in run(engine, "hardship_coverage").rows}
    assert here == {"ORPHAN": 1}  # 孙来 only: nobody else of 东至 holds an identity
    there = {row[0]: row[2] for row in run(engine, "hardship_coverage", "411322").rows}
    assert there == {"MINIMUM_LIVING": 1}  # 孙去
