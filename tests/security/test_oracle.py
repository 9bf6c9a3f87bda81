"""No oracle across regions: what another region holds is never described to a clerk.

A clerk who types an ID number registered elsewhere learns "已在其他统筹地区登记，请核实" and the
code ELSEWHERE — the same answer whatever name they type, with no region, other name or row id —
and the attempt is audited for the supervisors. Idempotency keys are the caller's region's: the
same key used in another region neither collides with nor confirms that region's payment.
"""

import json

from sqlmodel import Session, select

from tests.support.db_state import stored
from tests.support.factories import id_number
from tests.support.graphql_client import gql
from tests.support.households import ENROL, PAY, REGISTER, enrol_input
from yibao.core.models import AuditEvent

NUMBER = id_number(region="341721", seq=31)


def one_person_household(client, region: str, name: str, number: str) -> dict:
    person = {"name": name, "idNumber": number, "hukouRegionCode": region}
    return gql(
        client, REGISTER, input={"addressRegionCode": region, "members": [{"isHead": True, "person": person}]}
    )["registerHousehold"]


def test_registering_an_id_number_held_elsewhere_reveals_nothing_and_is_audited(client_as, engine):
    dongzhi = client_as("VILLAGE_CLERK", "341721", name="clerk-dongzhi")
    henan = client_as("VILLAGE_CLERK", "411322", name="clerk-fangcheng")
    home = one_person_household(dongzhi, "341721", "王秀兰", NUMBER)
    other_id = home["members"][0]["person"]["id"]
    before = stored(engine)

    answers = [one_person_household(henan, "411322", name, NUMBER) for name in ("王秀兰", "李四")]

    # Typing the right name and a wrong one gives the same answer: no name is confirmed.
    assert answers[0] == answers[1]
    [error] = answers[0]["errors"]
    assert (error["field"], error["code"]) == ("members.0.person.idNumber", "ELSEWHERE")
    assert error["message"].startswith("该身份证号码已在其他统筹地区登记，请核实")
    text = json.dumps(answers, ensure_ascii=False)
    for secret in ("341721", "东至", "王秀兰的", other_id, "person "):
        assert secret not in text
    assert {k: v for k, v in stored(engine).items() if k != "audit_event"} == {
        k: v for k, v in before.items() if k != "audit_event"
    }
    with Session(engine) as session:
        attempts = session.exec(select(AuditEvent).where(AuditEvent.action == "register_elsewhere")).all()
    assert [(a.actor, a.region_code, a.entity_id, a.after) for a in attempts] == [
        ("clerk-fangcheng", "411322", "", {"idNumber": NUMBER, "name": "王秀兰"}),
        ("clerk-fangcheng", "411322", "", {"idNumber": NUMBER, "name": "李四"}),
    ]


def test_the_same_key_in_another_region_neither_collides_nor_confirms(client_as, engine):
    dongzhi = client_as("COUNTY_ADMIN", "341721")
    henan = client_as("COUNTY_ADMIN", "411322")
    ours = one_person_household(dongzhi, "341721", "东至人", id_number(region="341721", seq=41))
    theirs = one_person_household(henan, "411322", "方城人", id_number(region="411322", seq=42))
    ours_enrolled = gql(
        dongzhi, ENROL, input=enrol_input(ours["members"][0]["person"]["id"], idempotencyKey="k-1")
    )
    theirs_enrolled = gql(
        henan,
        ENROL,
        input=enrol_input(theirs["members"][0]["person"]["id"], "henan/411322/2022", idempotencyKey="k-1"),
    )
    assert ours_enrolled["enrol"]["__typename"] == theirs_enrolled["enrol"]["__typename"] == "Enrolment"

    def pay(client, enrolment: dict) -> dict:
        payment = {"enrolmentId": enrolment["id"], "amount": "320.00", "paidOn": "2021-10-08"}
        payment |= {"channel": "VILLAGE_CASH", "idempotencyKey": "pay-1"}
        return gql(client, PAY, input=payment)["recordPayment"]

    first = pay(dongzhi, ours_enrolled["enrol"])
    second = pay(henan, theirs_enrolled["enrol"])
    assert first["__typename"] == second["__typename"] == "Payment"
    assert first["id"] != second["id"] and first["receiptNumber"] not in json.dumps(second)
    # Within a region a key names one request: reused for another enrolment there, it is refused.
    again = one_person_household(dongzhi, "341721", "东至人二", id_number(region="341721", seq=43))
    enrolled = gql(
        dongzhi, ENROL, input=enrol_input(again["members"][0]["person"]["id"], idempotencyKey="k-2")
    )
    refused = pay(dongzhi, enrolled["enrol"])
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("idempotencyKey", "CONFLICT")]
