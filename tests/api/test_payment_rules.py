"""The quote engine decides every payment: the amount due, the dates allowed, the coverage given."""

from tests.support.factories import id_number
from tests.support.graphql_client import gql
from tests.support.households import PAY, REVERSE, enrol, payment_input, register

COVERAGE = """
query($id: ID!) {
  enrolment(id: $id) { status snapshot entitlements { startDate endDate waitingUntil reason } }
}"""


# 东政办〔2021〕6号 四（七）: 2 years of employee insurance, lapsed on 2021-12-01, with the stop certificate.
STOPPED = {
    "kind": "职工医保停保证明",
    "number": "DZ-2021-118",
    "issuer": "东至县医疗保障局",
    "issuedOn": "2021-12-02",
}
LAPSE = {
    "events": [
        {
            "kind": "EMPLOYEE_INSURANCE_LAPSE",
            "on": "2021-12-01",
            "priorContinuousMonths": 30,
            "evidence": STOPPED,
        }
    ]
}


def paid_after_a_lapse(client, person_id: str) -> tuple[dict, dict]:
    """Enrolled after the window on the lapse route, and paid on 2022-04-16 (over 3 months later)."""
    enrolment = enrol(client, person_id, circumstances=LAPSE)
    paid = gql(client, PAY, input=payment_input(enrolment["id"]) | {"paidOn": "2022-04-16"})["recordPayment"]
    return enrolment, paid


def pay(client, enrolment_id: str, channel: str | None = None, **changes) -> dict:
    data = payment_input(enrolment_id, **changes) | ({"channel": channel} if channel else {})
    return gql(client, PAY, input=data)["recordPayment"]


def test_a_payment_must_be_the_amount_due(client):
    enrolment = enrol(client, register(client)["members"][0]["person"]["id"])
    refused = pay(client, enrolment["id"], amount="300.00")
    assert refused["__typename"] == "InputErrors"
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("amount", "MISMATCH")]
    assert "应缴 320.00 元" in refused["errors"][0]["message"]


def test_a_payment_outside_every_window_is_refused_with_the_reason(client):
    enrolment = enrol(client, register(client)["members"][0]["person"]["id"])
    refused = gql(client, PAY, input=payment_input(enrolment["id"]) | {"paidOn": "2022-02-01"})[
        "recordPayment"
    ]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("paidOn", "INVALID")]
    assert "2021-09-20" in refused["errors"][0]["message"]


def test_payment_keeps_the_deciding_quote_and_grants_the_coverage_it_gives(client):
    enrolment = enrol(client, register(client)["members"][0]["person"]["id"])
    assert pay(client, enrolment["id"])["__typename"] == "Payment"
    stored = gql(client, COVERAGE, id=enrolment["id"])["enrolment"]
    assert stored["status"] == "PAID"
    decided = stored["snapshot"]["quote"]
    assert (decided["amountDue"], decided["route"]) == ("320.00", "centralized")
    assert "东政办〔2021〕6号 二" in decided["citations"]
    assert stored["entitlements"] == [
        {
            "startDate": "2022-01-01",
            "endDate": "2022-12-31",
            "waitingUntil": None,
            "reason": "centralized 东政办〔2021〕6号 一; 四（四）",
        }
    ]


def test_a_late_payer_with_a_waiting_period_is_entitled_but_waits(client):
    enrolment, paid = paid_after_a_lapse(client, register(client)["members"][0]["person"]["id"])
    assert paid["__typename"] == "Payment", paid
    entitlement = gql(client, COVERAGE, id=enrolment["id"])["enrolment"]["entitlements"]
    # 东政办〔2021〕6号 四（七）: a lapse of more than 3 months waits 6 months after paying.
    assert entitlement == [
        {
            "startDate": "2022-04-17",
            "endDate": "2022-12-31",
            "waitingUntil": "2022-10-16",
            "reason": "lapse_after 东政办〔2021〕6号 四（七）",
        }
    ]


def test_reversing_the_payment_ends_the_entitlement(client):
    enrolment = enrol(client, register(client)["members"][0]["person"]["id"])
    paid = pay(client, enrolment["id"])
    reversal = {"paymentId": paid["id"], "reason": "误收", "idempotencyKey": "rev"}
    assert gql(client, REVERSE, input=reversal)["reversePayment"]["__typename"] == "Payment"
    stored = gql(client, COVERAGE, id=enrolment["id"])["enrolment"]
    assert (stored["status"], stored["entitlements"], stored["snapshot"]["quote"]) == ("ENROLLED", [], None)


COVERED = "query($id: String!, $on: Date!) { coverage(idNumber: $id, on: $on) { covered reason } }"


def test_a_hospital_asks_whether_a_person_is_covered_on_a_day(client):
    person = register(client)["members"][0]["person"]
    enrolment = enrol(client, person["id"])

    def ask(on: str) -> dict:
        return gql(client, COVERED, id=person["idNumber"], on=on)["coverage"]

    assert ask("2022-03-01")["covered"] is False  # enrolled, not yet paid
    pay(client, enrolment["id"])
    assert ask("2022-03-01") == {
        "covered": True,
        "reason": "2022-01-01 至 2022-12-31 享受待遇（centralized 东政办〔2021〕6号 一; 四（四））",
    }
    assert ask("2021-12-31")["covered"] is False and ask("2023-01-01")["covered"] is False
    assert gql(client, COVERED, id="110101199003070011", on="2022-03-01")["coverage"] is None


def test_no_benefits_during_a_waiting_period(client):
    person = register(client)["members"][0]["person"]
    paid_after_a_lapse(client, person["id"])
    waiting = gql(client, COVERED, id=person["idNumber"], on="2022-10-16")["coverage"]
    assert waiting["covered"] is False and "等待期" in waiting["reason"]
    assert gql(client, COVERED, id=person["idNumber"], on="2022-10-17")["coverage"]["covered"] is True


HENAN_ENROLMENT = """
query($id: ID!) { enrolment(id: $id) { status refunds { kind amount department status reason } } }"""


def test_collect_then_refund_owes_the_subsidy_back_through_the_named_department(engine):
    from starlette.testclient import TestClient

    from tests.support.households import RECORD_CATEGORY, three_member_household
    from tests.support.tokens import TEST_KEY, bearer
    from yibao.api.app import create_app
    from yibao.core.testing.scenarios import registry

    rules = registry().with_parameters("henan/411322/2022", {"refund.MINIMUM_LIVING": "200.00"})
    with TestClient(
        create_app(engine, rules, key=TEST_KEY), headers=bearer("COUNTY_ADMIN", "411322")
    ) as henan:
        household = three_member_household()
        for i, member in enumerate(household["members"]):
            member["person"]["hukouRegionCode"] = "411322"
            member["person"]["idNumber"] = id_number(region="411322", seq=700 + i)
        household["addressRegionCode"] = "411322"
        person = register(henan, household)["members"][0]["person"]["id"]
        category = {"personId": person, "code": "MINIMUM_LIVING", "since": "2021-07-01"}
        gql(henan, RECORD_CATEGORY, input=category)
        enrolment = enrol(henan, person, "henan/411322/2022")
        # 方政办明电〔2021〕35号 二（一）: 统一按 320 元征缴, then the subsidy is refunded.
        paid = pay(henan, enrolment["id"], amount="320.00", channel="VILLAGE_CASH")  # 三（一）
        assert paid["__typename"] == "Payment", paid
        refunds = gql(henan, HENAN_ENROLMENT, id=enrolment["id"])["enrolment"]["refunds"]
        assert refunds == [
            {
                "kind": "COLLECT_THEN_REFUND",
                "amount": "200.00",
                "department": "CIVIL_AFFAIRS",
                "status": "OWED",
                "reason": "MINIMUM_LIVING 方政办明电〔2021〕35号 五（二）",
            }
        ]
        reversal = {"paymentId": paid["id"], "reason": "重复", "idempotencyKey": "hn-rev"}
        gql(henan, REVERSE, input=reversal)
        # A reversed payment owes nothing back: the refund not yet paid is cancelled, kept on the books.
        [cancelled] = gql(henan, HENAN_ENROLMENT, id=enrolment["id"])["enrolment"]["refunds"]
        assert (cancelled["status"], cancelled["amount"]) == ("CANCELLED", "200.00")
