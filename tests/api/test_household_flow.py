"""The foundation's acceptance path: register, enrol, pay, replay — through GraphQL."""

from tests.support.graphql_client import gql
from tests.support.households import CHILD, PAY, RECORD_CATEGORY, REVERSE, enrol, payment_input, register

PAYMENTS = "query($year: Int) { payments(coverageYear: $year) { nodes { id amount kind } } }"


def test_register_household_derives_birth_date_and_gender_from_ids(client):
    household = register(client)

    assert household["head"] == {"name": "王大山"}
    people = {m["person"]["name"]: m for m in household["members"]}
    assert [m["isHead"] for m in household["members"]] == [True, False, False]
    assert people["李秀英"]["person"]["birthDate"] == "1978-07-21"
    assert people["李秀英"]["person"]["gender"] == "F"
    assert people["王小明"]["person"]["gender"] == "M"
    assert people["王小明"]["person"]["idNumber"] == CHILD


def test_enrol_then_pay_then_replay_records_one_payment(client):
    household = register(client)
    child = household["members"][2]["person"]
    enrolment = enrol(client, child["id"])
    assert enrolment["status"] == "ENROLLED"
    assert enrolment["region"] == {"code": "341721"}
    assert enrolment["snapshot"]["policyId"] == "anhui/341721/2022"
    assert enrolment["snapshot"]["documents"] == ["东政办〔2021〕6号"]
    assert len(enrolment["snapshot"]["policyVersion"]) == 16

    first = gql(client, PAY, input=payment_input(enrolment["id"]))["recordPayment"]
    again = gql(client, PAY, input=payment_input(enrolment["id"]))["recordPayment"]

    assert first["__typename"] == "Payment"
    assert first["amount"] == "320.00"
    assert first["receiptNumber"] == "341721-2022-00000001"
    assert first["enrolment"]["status"] == "PAID"
    assert again == first
    assert gql(client, PAYMENTS, year=2022)["payments"]["nodes"] == [
        {"id": first["id"], "amount": "320.00", "kind": "PAYMENT"}
    ]


def test_receipt_numbers_count_up_per_county_and_year(client):
    household = register(client)
    numbers = []
    for i, member in enumerate(household["members"]):
        enrolment = enrol(client, member["person"]["id"])
        paid = gql(client, PAY, input=payment_input(enrolment["id"], key=f"k{i}"))["recordPayment"]
        numbers.append(paid["receiptNumber"])
    # Enrolled where the person lives (贵医保组〔2023〕1号 二2): another county and year, a new count.
    elsewhere = enrol(
        client, household["members"][0]["person"]["id"], "anhui/341702/2024", regionCode="341702"
    )
    guichi = payment_input(elsewhere["id"], key="k-2024", amount="380.00") | {"paidOn": "2023-10-01"}
    paid = gql(client, PAY, input=guichi)["recordPayment"]

    assert numbers == [f"341721-2022-{n:08d}" for n in (1, 2, 3)]
    assert paid["receiptNumber"] == "341702-2024-00000001"


def test_reversal_is_a_new_negative_entry_and_the_original_stays(client):
    household = register(client)
    enrolment = enrol(client, household["members"][0]["person"]["id"])
    paid = gql(client, PAY, input=payment_input(enrolment["id"]))["recordPayment"]

    reversal = gql(
        client, REVERSE, input={"paymentId": paid["id"], "reason": "重复缴费", "idempotencyKey": "rev-1"}
    )["reversePayment"]
    replay = gql(
        client, REVERSE, input={"paymentId": paid["id"], "reason": "重复缴费", "idempotencyKey": "rev-1"}
    )["reversePayment"]

    assert reversal["kind"] == "REVERSAL"
    assert reversal["amount"] == "-320.00"
    assert reversal["reverses"] == {"id": paid["id"]}
    assert reversal["enrolment"]["status"] == "ENROLLED"
    assert reversal["receiptNumber"] == "341721-2022-00000002"
    assert replay == reversal
    ledger = gql(client, PAYMENTS, year=2022)["payments"]["nodes"]
    assert [(p["amount"], p["kind"]) for p in ledger] == [("320.00", "PAYMENT"), ("-320.00", "REVERSAL")]


def test_zero_is_a_real_amount(client):
    household = register(client)
    person = household["members"][1]["person"]["id"]
    category = {"personId": person, "code": "EXTREME_POVERTY", "since": "2021-06-01"}  # 全额资助: 0 due
    assert gql(client, RECORD_CATEGORY, input=category)["recordCategory"]["__typename"] == "Person"
    enrolment = enrol(client, person)
    paid = gql(client, PAY, input=payment_input(enrolment["id"], amount="0"))["recordPayment"]
    assert paid["amount"] == "0.00"
    assert paid["kind"] == "PAYMENT"
    assert paid["enrolment"]["status"] == "PAID"
