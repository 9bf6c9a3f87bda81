"""Enrolling takes intent (person, year, tier, channel, date) and keeps the quote it gives."""

from datetime import date

from sqlmodel import Session, select

from tests.support.factories import id_number
from tests.support.graphql_client import gql
from tests.support.households import PAY, enrol_input, payment_input, register
from tests.support.ids import row_of
from yibao.core.audit import SYSTEM
from yibao.core.models import HouseholdMember
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.persons import PersonInput

DONGZHI = "anhui/341721/2022"

ENROL = """
mutation($input: EnrolInput!) {
  enrol(input: $input) {
    __typename
    ... on Enrolment {
      id status channel enrolledOn amountDue subsidy subsidyCategory method snapshot
    }
    ... on InputErrors { errors { field code message } }
  }
}"""

ENROLMENT = """
query($id: ID!) { enrolment(id: $id) { status amountDue subsidy subsidyCategory method snapshot } }"""

RECORD_CATEGORY = """
mutation($input: RecordCategoryInput!) {
  recordCategory(input: $input) { __typename ... on InputErrors { errors { field code message } } }
}"""

POLICIES = "{ policies { id channels { code wording citation } household { mode citation } } }"


def members(client) -> dict[str, str]:
    household = register(client)
    return {m["person"]["name"]: m["person"]["id"] for m in household["members"]}


def test_enrolment_quotes_its_date_and_keeps_amounts_channel_and_date(client):
    people = members(client)
    gql(
        client,
        RECORD_CATEGORY,
        input={"personId": people["李秀英"], "code": "MINIMUM_LIVING", "since": "2021-06-01"},
    )

    plain = gql(
        client,
        ENROL,
        input=enrol_input(people["王大山"], channel="WANSHITONG", on="2021-10-08"),
    )["enrol"]
    subsidised = gql(
        client, ENROL, input=enrol_input(people["李秀英"], channel="VILLAGE_CASH", on="2021-10-08")
    )["enrol"]

    # 东政办〔2021〕6号 二: 320 a person; 四（三）1: 低保 290 off the bill, upfront.
    assert {
        k: plain[k] for k in ("channel", "enrolledOn", "amountDue", "subsidy", "subsidyCategory", "method")
    } == {
        "channel": "WANSHITONG",
        "enrolledOn": "2021-10-08",
        "amountDue": "320.00",
        "subsidy": "0.00",
        "subsidyCategory": None,
        "method": "UPFRONT",
    }
    assert (subsidised["amountDue"], subsidised["subsidy"], subsidised["subsidyCategory"]) == (
        "30.00",
        "290.00",
        "MINIMUM_LIVING",
    )
    quote = subsidised["snapshot"]["quote"]
    assert quote["accepted"] is True and quote["amountDue"] == "30.00" and quote["on"] == "2021-10-08"
    assert any("东政办〔2021〕6号 四（三）1" in c for c in quote["citations"])
    assert plain["status"] == "ENROLLED"


def test_a_date_before_the_window_still_enrols_and_payment_decides_the_amounts(client):
    people = members(client)
    early = gql(client, ENROL, input=enrol_input(people["王大山"], on="2021-08-01"))["enrol"]

    # Registered ahead of the window (opens 2021-09-20, 东政办〔2021〕6号 一): kept, not refused.
    assert early["__typename"] == "Enrolment"
    assert early["amountDue"] is None and early["subsidy"] is None and early["method"] is None
    assert early["enrolledOn"] == "2021-08-01"
    assert early["snapshot"]["quote"]["accepted"] is False
    assert early["snapshot"]["quote"]["reason"]

    paid = gql(client, PAY, input=payment_input(early["id"]) | {"channel": "WANSHITONG"})["recordPayment"]
    assert paid["__typename"] == "Payment", paid
    after = gql(client, ENROLMENT, id=early["id"])["enrolment"]
    assert (after["status"], after["amountDue"], after["subsidy"], after["method"]) == (
        "PAID",
        "320.00",
        "0.00",
        "UPFRONT",
    )
    assert after["snapshot"]["quote"]["on"] == "2021-10-08"


def test_the_enrolment_date_defaults_to_today(client):
    people = members(client)
    enrolment = gql(client, ENROL, input=enrol_input(people["王大山"]))["enrol"]
    assert enrolment["enrolledOn"] == date.today().isoformat()


def test_policies_list_their_channels_and_household_rule_with_clauses(client):
    policies = {p["id"]: p for p in gql(client, POLICIES)["policies"]}

    dongzhi = policies[DONGZHI]
    assert {
        "code": "WANSHITONG",
        "wording": "皖事通APP",
        "citation": "东政办〔2021〕6号 四（一）2; 四（二）",
    } in (dongzhi["channels"])
    assert dongzhi["household"] == {"mode": "PREFERRED", "citation": "东政办〔2021〕6号 五（二）"}
    assert policies["anhui/341702/2024"]["household"] == {
        "mode": "WHOLE",
        "citation": "贵医保组〔2023〕1号 三8",
    }
    henan = {c["code"] for c in policies["henan/411322/2022"]["channels"]}
    assert {"CREDIT_UNION_COUNTER", "HENAN_TAX", "TAX_TERMINAL", "SCHOOL"} <= henan
    assert policies["henan/411322/2022"]["household"] is None


def test_enrolled_in_another_county_is_refused_without_revealing_where(client_as, engine):
    """不得重复参保 (东政办〔2021〕6号 三): the refusal names neither the other county nor its enrolment."""
    henan = client_as("COUNTY_ADMIN", "411322", name="admin-fangcheng")
    dongzhi = client_as("COUNTY_ADMIN", "341721", name="admin-dongzhi")
    number = id_number(region="341721", seq=77)
    # Registered at home in 东至, living in 方城 (so both counties' staff see the person).
    person = PersonInput(
        name="赵外出", hukou_region_code="341721", id_number=number, residence_region_code="411322"
    )
    household = register_household(
        engine, SYSTEM, HouseholdInput("341721", [MemberInput(person, is_head=True)])
    )
    with Session(engine) as session:
        person = str(
            session.exec(
                select(HouseholdMember.person_id).where(HouseholdMember.household_id == household.id)
            ).one()
        )
    at_home = gql(dongzhi, ENROL, input=enrol_input(person))["enrol"]  # 东至 2022, where the hukou is
    assert at_home["__typename"] == "Enrolment", at_home

    refused = gql(henan, ENROL, input=enrol_input(person, "henan/411322/2022", regionCode="411322"))["enrol"]

    [error] = refused["errors"]
    assert (error["field"], error["code"]) == ("coverageYear", "ELSEWHERE")
    assert "已在其他统筹地区参保" in error["message"] and "不得重复参保" in error["message"]
    for secret in (at_home["id"], f"编号 {row_of(at_home['id'])}", "341721", "东至", "参保登记编号"):
        assert secret not in error["message"]
    # Inside the caller's own region the message may point at the enrolment.
    again = gql(dongzhi, ENROL, input=enrol_input(person) | {"idempotencyKey": "other-key"})["enrol"]
    assert f"参保登记编号 {row_of(at_home['id'])}" in again["errors"][0]["message"]
