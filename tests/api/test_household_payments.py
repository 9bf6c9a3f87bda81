"""Households that pay whole (贵医保组〔2023〕1号 三8 "须以户为单位缴费参保，不得选择性参保").

A 贵池 household of three — two ordinary members at 380.00 and one born before 1944 at 180.00
(三5) — pays together, each member at their own amount, in one transaction with one key. A
member paying alone while the others owe is refused, naming them; nobody is covered until the
household has paid. Dongzhi only prefers households (东政办〔2021〕6号 五（二）): members pay alone.
"""

from datetime import date
from itertools import count

from sqlmodel import Session, select

from tests.support.concurrency import at_once
from tests.support.db_state import stored
from tests.support.factories import id_number
from tests.support.graphql_client import gql
from tests.support.households import (
    ENROL_HOUSEHOLD,
    ENROL_NOTING_HOUSEHOLD,
    PAY,
    PAY_HOUSEHOLD,
    enrol_input,
    pay_input,
    register,
)
from yibao.core.models import Entitlement, Payment

GUICHI = "anhui/341702/2024"
VILLAGE = "341702001"  # 乌沙镇
PAID_ON = "2023-10-08"


MEMBERS = (("钱一", 1975, True), ("钱二", 1978, False), ("钱老", 1940, True))


def registered(client, members) -> dict:
    """A 乌沙镇 household of (name, ID number) members, the first its head."""
    return register(
        client,
        {
            "addressRegionCode": VILLAGE,
            "members": [
                {"isHead": i == 0, "person": {"name": name, "idNumber": number, "hukouRegionCode": VILLAGE}}
                for i, (name, number) in enumerate(members)
            ],
        },
    )


def guichi_household(client, start: int) -> dict:
    """Registered and enrolled whole for 2024; the enrolments by name, and the household id."""
    household = registered(
        client,
        [
            (name, id_number("341702", born=date(year, 3, 1), seq=start + i, male=male))
            for i, (name, year, male) in enumerate(MEMBERS)
        ],
    )
    enrolled = gql(
        client,
        ENROL_HOUSEHOLD,
        input={
            "householdId": household["id"],
            "coverageYear": 2024,
            "policyId": GUICHI,
            "idempotencyKey": f"hh-{start}",
            "on": PAID_ON,
        },
    )["enrolHousehold"]
    assert enrolled["__typename"] == "HouseholdEnrolments", enrolled
    return {"household": household["id"]} | {e["person"]["name"]: e for e in enrolled["enrolments"]}


def entitlements(engine) -> list:
    with Session(engine) as session:
        return list(session.exec(select(Entitlement)))


def test_a_whole_household_pays_together_each_member_at_their_own_amount(client, engine):
    family = guichi_household(client, 10)
    assert [family[name]["amountDue"] for name, _, _ in MEMBERS] == ["380.00", "380.00", "180.00"]

    paid = gql(client, PAY_HOUSEHOLD, input=pay_input(family["household"], "940.00"))["payHousehold"]

    assert paid["__typename"] == "HouseholdPayments", paid
    by_name = {p["enrolment"]["person"]["name"]: p for p in paid["payments"]}
    assert {name: p["amount"] for name, p in by_name.items()} == {
        "钱一": "380.00",
        "钱二": "380.00",
        "钱老": "180.00",
    }
    assert {p["enrolment"]["status"] for p in paid["payments"]} == {"PAID"}
    assert len({p["receiptNumber"] for p in paid["payments"]}) == 3  # a receipt each
    assert len(entitlements(engine)) == 3
    # The same key again is the same payment: nothing is collected twice.
    before = stored(engine)
    again = gql(client, PAY_HOUSEHOLD, input=pay_input(family["household"], "940.00"))["payHousehold"]
    assert sorted(p["id"] for p in again["payments"]) == sorted(p["id"] for p in paid["payments"])
    assert stored(engine) == before


def test_one_member_paying_alone_is_refused_naming_those_who_still_owe_and_nobody_is_covered(client, engine):
    family = guichi_household(client, 20)
    before = stored(engine)
    alone = {
        "enrolmentId": family["钱二"]["id"],
        "amount": "380.00",
        "paidOn": PAID_ON,
        "channel": "COLLECTION_POINT",
        "idempotencyKey": "alone-1",
    }
    refused = gql(client, PAY, input=alone)["recordPayment"]
    assert refused["errors"] == [
        {
            "field": "enrolmentId",
            "code": "INVALID",
            "message": "须以户为单位缴费，同户未缴：钱一、钱老（贵医保组〔2023〕1号 三8）；"
            "请用 payHousehold 为全户一并缴费",
        }
    ]
    assert stored(engine) == before and entitlements(engine) == []


def test_a_total_other_than_the_sum_due_is_refused_itemised_and_stores_nothing(client, engine):
    family = guichi_household(client, 30)
    before = stored(engine)
    refused = gql(client, PAY_HOUSEHOLD, input=pay_input(family["household"], "1140.00"))["payHousehold"]
    [error] = refused["errors"]
    assert (error["field"], error["code"]) == ("amount", "MISMATCH")
    assert "全户应缴合计 940.00 元（钱一 380.00 + 钱二 380.00 + 钱老 180.00）" in error["message"]
    assert stored(engine) == before


def test_a_member_not_yet_enrolled_is_named_and_nothing_is_paid(client, engine):
    members = [(name, id_number("341702", seq=40 + i)) for i, name in enumerate(("孙一", "孙二"))]
    household = registered(client, members)
    before = stored(engine)
    refused = gql(client, PAY_HOUSEHOLD, input=pay_input(household["id"], "760.00"))["payHousehold"]
    [error] = refused["errors"]
    assert (error["field"], error["code"]) == ("householdId", "INVALID")
    assert "孙一、孙二 尚未参加 2024 年度医保" in error["message"]
    assert stored(engine) == before


def test_two_clerks_paying_one_household_at_once_collect_it_once(client, engine, client_as):
    family = guichi_household(client, 50)
    clerks = [client_as("VILLAGE_CLERK", VILLAGE, name=f"clerk-{i}") for i in range(4)]
    turns = count()

    def pay():
        i = next(turns)
        result = gql(
            clerks[i], PAY_HOUSEHOLD, input=pay_input(family["household"], "940.00", key=f"clerk-{i}")
        )
        return result["payHousehold"]

    results = at_once(4, pay)
    winners = [r for r in results if r["__typename"] == "HouseholdPayments"]
    losers = [r for r in results if r["__typename"] == "InputErrors"]
    assert len(winners) == 1 and len(losers) == 3
    assert all(r["errors"][0]["code"] == "CONFLICT" for r in losers)
    with Session(engine) as session:
        assert len(session.exec(select(Payment)).all()) == 3


def test_dongzhi_prefers_households_so_a_member_pays_alone(client, engine):
    """东政办〔2021〕6号 五（二） "原则上以家庭为单位参保": preferred, not required."""
    household = register(client)  # a Dongzhi household of three
    first = household["members"][0]["person"]["id"]
    enrolment = gql(client, ENROL_NOTING_HOUSEHOLD, input=enrol_input(first, on="2021-10-08"))["enrol"]
    paid = gql(
        client,
        PAY,
        input={
            "enrolmentId": enrolment["id"],
            "amount": "320.00",
            "paidOn": "2021-10-08",
            "channel": "VILLAGE_CASH",
            "idempotencyKey": "dz-1",
        },
    )["recordPayment"]
    assert paid["__typename"] == "Payment", paid
