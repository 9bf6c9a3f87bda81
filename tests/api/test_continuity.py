"""The 2025 rules on a person's own history (国办发〔2024〕38号), through GraphQL, on the test-only
2025 policy (tests/plugin_packages/continuity — not a real notice):

- a person enrolled in 2022, lapsed in 2023 and 2024, re-enrols in the 2025 centralized period and
  waits 3 + 1 = 4 months; another, the same, repairs one year (400 more) and waits 3;
- a person enrolled 2021–2024 (the 参保底表, and yibao for 2022) enrols for the fifth consecutive year,
  with a zero-claim year behind them, and `coverage` answers the raise of the critical-illness
  maximum with its clause.
"""

from datetime import date

import pytest
from starlette.testclient import TestClient

from tests.support.continuity import POLICY_ID, with_continuity
from tests.support.graphql_client import gql
from tests.support.people import COUNTY, VILLAGE, enrolled, household, number, paid, villages
from tests.support.tokens import TEST_KEY, bearer
from yibao.api.app import create_app
from yibao.core.services.department_lists import import_list
from yibao.core.services.history_import import import_history

RULES = with_continuity()
DONGZHI = "anhui/341721/2022"

ENROL = """
mutation($input: EnrolInput!) {
  enrol(input: $input) {
    __typename
    ... on Enrolment { id amountDue snapshot }
    ... on InputErrors { errors { field code message } }
  }
}"""
PAY = """
mutation($input: RecordPaymentInput!) {
  recordPayment(input: $input) { __typename ... on InputErrors { errors { field code message } } }
}"""
COVERAGE = """
query($n: String!, $on: Date!) {
  coverage(idNumber: $n, on: $on) {
    covered reason entitlement { startDate waitingUntil }
    waitingMonths waitingCitation incentive incentiveDetail incentiveCitation pendingParameters
  }
}"""


@pytest.fixture
def county(engine):
    villages(engine)
    with TestClient(
        create_app(engine, RULES, key=TEST_KEY), headers=bearer("COUNTY_ADMIN", "341721")
    ) as client:
        yield client


def enrol_2025(client, person_id: int, key: str, repair: int = 0) -> dict:
    data = {
        "personId": str(person_id),
        "coverageYear": 2025,
        "policyId": POLICY_ID,
        "idempotencyKey": key,
        "on": "2024-10-10",
    }
    if repair:
        data["circumstances"] = {"repairYears": repair}
    return gql(client, ENROL, input=data)["enrol"]


def pay_2025(client, enrolment: dict) -> None:
    payment = {
        "enrolmentId": enrolment["id"],
        "amount": enrolment["amountDue"],
        "paidOn": "2024-10-10",
        "channel": "VILLAGE_CASH",
        "idempotencyKey": f"pay-{enrolment['id']}",
    }
    assert gql(client, PAY, input=payment)["recordPayment"]["__typename"] == "Payment"


def lapsed_since_2022(engine, name: str) -> tuple[int, str]:
    """Enrolled and paid for 2022 in 东至, nothing in 2023 and 2024."""
    n = number(date(1970, 1, 1))
    person = household(engine, VILLAGE, (name, n))[name]
    paid(
        engine,
        RULES,
        enrolled(engine, RULES, person, DONGZHI, date(2021, 10, 8)),
        "320.00",
        date(2021, 10, 8),
    )
    return person, n


def test_lapsed_two_years_waits_four_months_and_a_repair_payment_shortens_it_to_three(engine, county):
    plain, plain_number = lapsed_since_2022(engine, "断保甲")
    history = gql(
        county,
        "query($id: ID!) { continuity(personId: $id, coverageYear: 2025) "
        "{ continuousYears lapsedYears yearsEnrolled } }",
        id=str(plain),
    )
    assert history["continuity"] == {"continuousYears": 0, "lapsedYears": 2, "yearsEnrolled": [2022]}

    waited = enrol_2025(county, plain, "plain")
    assert waited["__typename"] == "Enrolment", waited
    quote = waited["snapshot"]["quote"]
    assert (quote["waitingMonths"], quote["waitingUntil"], quote["coverageStart"], quote["amountDue"]) == (
        4,
        "2025-04-30",
        "2025-05-01",
        "400.00",
    )
    assert waited["snapshot"]["continuity"] == {
        "continuousYears": 0,
        "lapsedYears": 2,
        "repairYears": 0,
        "zeroClaimYears": 0,
    }

    repaired, repaired_number = lapsed_since_2022(engine, "断保乙")
    too_many = enrol_2025(county, repaired, "too-many", repair=3)
    assert [(e["field"], e["code"]) for e in too_many["errors"]] == [("circumstances.repairYears", "INVALID")]
    shortened = enrol_2025(county, repaired, "repaired", repair=1)
    quote = shortened["snapshot"]["quote"]
    assert (
        quote["waitingMonths"],
        quote["coverageStart"],
        quote["repairAmount"],
        shortened["amountDue"],
    ) == (
        3,
        "2025-04-01",
        "400.00",
        "800.00",
    )
    pay_2025(county, shortened)

    during = gql(county, COVERAGE, n=repaired_number, on="2025-03-31")["coverage"]
    assert during["covered"] is False and "等待期内" in during["reason"]
    assert during["entitlement"] == {"startDate": "2025-01-01", "waitingUntil": "2025-03-31"}
    after = gql(county, COVERAGE, n=repaired_number, on="2025-04-01")["coverage"]
    assert (after["covered"], after["waitingMonths"], after["waitingCitation"]) == (
        True,
        3,
        "国办发〔2024〕38号",
    )
    assert after["incentive"] == "0.00"


def test_the_fifth_consecutive_year_raises_the_maximum_and_coverage_says_so(engine, county, tmp_path):
    n = number(date(1965, 1, 1))
    person = household(engine, VILLAGE, ("连续丙", n))["连续丙"]
    paid(
        engine,
        RULES,
        enrolled(engine, RULES, person, DONGZHI, date(2021, 10, 8)),
        "320.00",
        date(2021, 10, 8),
    )
    table = tmp_path / "参保底表.csv"
    table.write_text(
        "公民身份号码,姓名,参保年度,参保状态,个人缴费金额\n"
        f"{n},连续丙,2021,参保缴费,280\n{n},连续丙,2023,参保缴费,380\n{n},连续丙,2024,参保缴费,400\n",
        encoding="utf-8",
    )
    assert import_history(engine, COUNTY, table, region_code="341721", rules=RULES).imported == 3
    zero = tmp_path / "零报销.csv"
    zero.write_text(f"身份证号码,年度\n{n},2024\n", encoding="utf-8")
    import_list(engine, COUNTY, zero, source="ZERO_CLAIM", as_of=date(2025, 1, 10), region_code="341721")

    history = gql(
        county,
        "query($id: ID!) { continuity(personId: $id, coverageYear: 2025) "
        "{ continuousYears lapsedYears zeroClaimYears yearsEnrolled } "
        "enrolmentHistory(personId: $id) { coverageYear status amountPaid } }",
        id=str(person),
    )
    assert history["continuity"] == {
        "continuousYears": 4,
        "lapsedYears": 0,
        "zeroClaimYears": 1,
        "yearsEnrolled": [2021, 2022, 2023, 2024],
    }
    assert [h["coverageYear"] for h in history["enrolmentHistory"]] == [2021, 2023, 2024]

    enrolment = enrol_2025(county, person, "fifth")
    pay_2025(county, enrolment)
    answer = gql(county, COVERAGE, n=n, on="2025-02-01")["coverage"]
    assert answer["covered"] is True and answer["waitingMonths"] is None
    # 第5年 (+1000) and a zero-claim 2024 (+1000), at the parameters the deployment set.
    assert (answer["incentive"], answer["incentiveCitation"]) == ("2000.00", "国办发〔2024〕38号")
    assert "合计提高 2000.00" in answer["incentiveDetail"]
    assert answer["pendingParameters"] == []


def test_without_the_incentive_parameters_coverage_says_what_it_waits_for(engine, tmp_path):
    villages(engine)
    n = number(date(1965, 1, 1))
    person = household(engine, VILLAGE, ("连续丁", n))["连续丁"]
    table = tmp_path / "参保底表.csv"
    table.write_text(
        "公民身份号码,参保年度,参保状态\n" + "".join(f"{n},{year},参保缴费\n" for year in (2021, 2023, 2024)),
        encoding="utf-8",
    )
    rules = with_continuity(parameters={})
    import_history(engine, COUNTY, table, region_code="341721", rules=rules)
    paid(
        engine,
        rules,
        enrolled(engine, rules, person, DONGZHI, date(2021, 10, 8)),
        "320.00",
        date(2021, 10, 8),
    )
    with TestClient(
        create_app(engine, rules, key=TEST_KEY), headers=bearer("COUNTY_ADMIN", "341721")
    ) as client:
        enrolment = enrol_2025(client, person, "fifth")
        assert enrolment["amountDue"] == "400.00"  # collection does not wait for the incentive figures
        pay_2025(client, enrolment)
        answer = gql(client, COVERAGE, n=n, on="2025-02-01")["coverage"]
    assert answer["covered"] is True and answer["incentive"] == "0.00"
    assert set(answer["pendingParameters"]) == {"incentive.continuous_per_year", "critical_illness.cap"}


def test_reading_a_persons_history_is_logged_as_a_read_of_that_person(engine, county):
    from sqlmodel import Session, select

    from yibao.core.models import AuditEvent

    person, _ = lapsed_since_2022(engine, "被读")
    gql(
        county,
        "query($id: ID!) { continuity(personId: $id, coverageYear: 2025) { lapsedYears } "
        "enrolmentHistory(personId: $id) { coverageYear } }",
        id=str(person),
    )
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "read")).all()[-1]
    assert event.after == {"personIds": [person]}
