"""Facts from records, not the clerk's word.

A 丰都 newborn "随法定监护人参保" (兴义府发〔2022〕3号 三（一）) is free only once a guardian in the
register has paid for the year: refused before the mother pays, accepted after. The clerk's word is
taken only for a guardian insured outside the system, and then with evidence; every stated
circumstance is kept with its document and listed per village by the statedCircumstances report.
"""

from datetime import date

from tests.support.factories import id_number
from tests.support.graphql_client import gql
from tests.support.households import ENROL, PAY, enrol_input, register
from tests.support.ids import row_of

FENGDU = "chongqing/500230/2022"
VILLAGE = "500230001"  # 兴义镇
MOTHER = id_number("500230", born=date(1995, 6, 6), seq=21, male=False)
BIRTH_CERTIFICATE = {
    "kind": "出生医学证明",
    "number": "Q500230123",
    "issuer": "丰都县人民医院",
    "issuedOn": "2022-03-02",
}
INSURED_ELSEWHERE = {
    "kind": "参保凭证",
    "number": "CQ-2022-77",
    "issuer": "重庆市涪陵区医疗保障局",
    "issuedOn": "2022-01-05",
}


def family(client) -> dict:
    household = register(
        client,
        {
            "addressRegionCode": VILLAGE,
            "members": [
                {
                    "isHead": True,
                    "relation": "户主",
                    "person": {"name": "陈母", "idNumber": MOTHER, "hukouRegionCode": VILLAGE},
                },
                {
                    "relation": "子女",
                    "person": {
                        "name": "陈宝",
                        "noIdReason": "NEWBORN",
                        "birthDate": "2022-03-01",
                        "gender": "F",
                        "hukouRegionCode": VILLAGE,
                    },
                },
            ],
        },
    )
    return {m["person"]["name"]: m["person"]["id"] for m in household["members"]}


def enrol_newborn(client, person_id: str, guardian: dict, key: str = "newborn") -> dict:
    data = enrol_input(person_id, FENGDU, idempotencyKey=key, on="2022-03-15")
    return gql(client, ENROL, input=data | {"circumstances": {"guardian": guardian}})["enrol"]


def test_a_newborn_follows_a_guardian_only_once_the_register_shows_the_guardian_paid(client_as):
    clerk = client_as("VILLAGE_CLERK", VILLAGE, name="clerk-xingyi")
    people = family(clerk)
    mother = gql(clerk, ENROL, input=enrol_input(people["陈母"], FENGDU, on="2021-12-10"))["enrol"]
    assert mother["__typename"] == "Enrolment", mother

    refused = enrol_newborn(clerk, people["陈宝"], {})
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("circumstances.guardian", "NOT_ENROLLED")
    ]
    assert "兴义府发〔2022〕3号 三（一）" in refused["errors"][0]["message"]
    # Naming the mother changes nothing while she has not paid; the old flag neither.
    named = enrol_newborn(clerk, people["陈宝"], {"personId": people["陈母"]})
    assert [e["code"] for e in named["errors"]] == ["NOT_ENROLLED"]
    flag = gql(
        clerk,
        ENROL,
        input=enrol_input(people["陈宝"], FENGDU, on="2022-03-15")
        | {"circumstances": {"guardianEnrolled": True}},
    )["enrol"]
    assert [e["code"] for e in flag["errors"]] == ["NOT_ENROLLED"]

    paid = gql(
        clerk,
        PAY,
        input={
            "enrolmentId": mother["id"],
            "amount": "320.00",
            "paidOn": "2021-12-10",
            "channel": "BANK_CARD_AT_VILLAGE",
            "idempotencyKey": "mother-pays",
        },
    )["recordPayment"]
    assert paid["__typename"] == "Payment", paid

    accepted = enrol_newborn(clerk, people["陈宝"], {"personId": people["陈母"]})
    assert accepted["__typename"] == "Enrolment", accepted
    quote = accepted["snapshot"]["quote"]
    assert (quote["route"], quote["amountDue"], quote["coverageStart"]) == (
        "newborn_guardian",
        "0.00",
        "2022-03-01",
    )
    guardian = {"from": "REGISTER", "personId": row_of(people["陈母"])}  # the snapshot keeps row ids
    assert accepted["snapshot"]["facts"]["guardian"] == guardian


def test_a_guardian_outside_the_system_is_taken_on_the_clerks_word_only_with_evidence(client_as):
    clerk = client_as("VILLAGE_CLERK", VILLAGE, name="clerk-xingyi")
    people = family(clerk)
    missing = enrol_newborn(clerk, people["陈宝"], {"outsideSystem": True})
    assert [(e["field"], e["code"]) for e in missing["errors"]] == [
        ("circumstances.guardian.evidence", "REQUIRED")
    ]
    both = enrol_newborn(clerk, people["陈宝"], {"outsideSystem": True, "personId": people["陈母"]})
    assert [e["field"] for e in both["errors"]] == ["circumstances.guardian.personId"]

    accepted = enrol_newborn(clerk, people["陈宝"], {"outsideSystem": True, "evidence": INSURED_ELSEWHERE})
    assert accepted["__typename"] == "Enrolment", accepted
    assert accepted["snapshot"]["quote"]["route"] == "newborn_guardian"
    assert accepted["snapshot"]["facts"]["guardian"] == {"from": "STATED"}

    listed = gql(
        client_as("TOWNSHIP_OFFICER", "500230", name="fengdu-officer"),
        '{ reports { statedCircumstances(regionCode: "500230", coverageYear: 2022) { citation '
        "rows { villageCode name circumstance evidenceKind evidenceNumber evidenceIssuer evidenceDate "
        "status clerk } } } }",
    )["reports"]["statedCircumstances"]
    assert listed["rows"] == [
        {
            "villageCode": VILLAGE,
            "name": "陈宝",
            "circumstance": "法定监护人在系统外参保",
            "evidenceKind": "参保凭证",
            "evidenceNumber": "CQ-2022-77",
            "evidenceIssuer": "重庆市涪陵区医疗保障局",
            "evidenceDate": "2022-01-05",
            "status": "登记未缴",
            "clerk": "clerk-xingyi",
        }
    ]


def test_a_guardian_outside_the_household_is_not_a_guardian_the_register_knows(client_as):
    clerk = client_as("VILLAGE_CLERK", VILLAGE, name="clerk-xingyi")
    people = family(clerk)
    stranger = register(
        clerk,
        {
            "addressRegionCode": VILLAGE,
            "members": [
                {
                    "isHead": True,
                    "person": {
                        "name": "邻居",
                        "idNumber": id_number("500230", born=date(1980, 1, 1), seq=31),
                        "hukouRegionCode": VILLAGE,
                    },
                }
            ],
        },
    )["members"][0]["person"]["id"]
    refused = enrol_newborn(clerk, people["陈宝"], {"personId": stranger})
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("circumstances.guardian.personId", "INVALID")
    ]


def test_every_stated_life_event_needs_its_evidence_and_is_kept_with_it(client_as, engine):
    from sqlmodel import Session, select

    from yibao.core.models import StatedCircumstance

    clerk = client_as("VILLAGE_CLERK", "341721", name="clerk-dongzhi")
    household = register(
        clerk,
        {
            "addressRegionCode": "341721",
            "members": [
                {
                    "isHead": True,
                    "person": {
                        "name": "释放者",
                        "idNumber": id_number("341721", born=date(1980, 1, 1), seq=51),
                        "hukouRegionCode": "341721",
                    },
                }
            ],
        },
    )
    person = household["members"][0]["person"]["id"]
    event = {"kind": "RELEASED_FROM_PRISON", "on": "2022-02-10"}
    bare = gql(
        clerk, ENROL, input=enrol_input(person, on="2022-03-01") | {"circumstances": {"events": [event]}}
    )
    assert [(e["field"], e["code"]) for e in bare["enrol"]["errors"]] == [
        ("circumstances.events.0.evidence", "REQUIRED")
    ]
    blank = {"kind": " ", "number": "X1", "issuer": "某监狱", "issuedOn": "2099-01-01"}
    invalid = gql(
        clerk,
        ENROL,
        input=enrol_input(person, on="2022-03-01")
        | {"circumstances": {"events": [event | {"evidence": blank}]}},
    )
    assert {(e["field"], e["code"]) for e in invalid["enrol"]["errors"]} == {
        ("circumstances.events.0.evidence.kind", "REQUIRED"),
        ("circumstances.events.0.evidence.issuedOn", "INVALID"),
    }
    proof = {
        "kind": "刑满释放证明书",
        "number": "(2022)皖0000释字第12号",
        "issuer": "安徽省某监狱",
        "issuedOn": "2022-02-10",
    }
    worker = {"kind": "居住证", "number": "JZ-341721-9", "issuer": "东至县公安局", "issuedOn": "2021-05-01"}
    enrolled = gql(
        clerk,
        ENROL,
        input=enrol_input(person, on="2022-03-01")
        | {
            "circumstances": {
                "events": [event | {"evidence": proof}],
                "migrantWorker": True,
                "migrantWorkerEvidence": worker,
            }
        },
    )["enrol"]
    assert enrolled["__typename"] == "Enrolment", enrolled
    # A clerk's missing evidence refuses the enrolment and stores nothing; a retry stores once.
    gql(clerk, ENROL, input=enrol_input(person, on="2022-03-01"))
    with Session(engine) as session:
        rows = session.exec(select(StatedCircumstance).order_by(StatedCircumstance.id)).all()
    assert [(r.kind, r.happened_on, r.evidence_kind, r.evidence_issuer, r.actor) for r in rows] == [
        ("RELEASED_FROM_PRISON", date(2022, 2, 10), "刑满释放证明书", "安徽省某监狱", "clerk-dongzhi"),
        ("MIGRANT_WORKER", None, "居住证", "东至县公安局", "clerk-dongzhi"),
    ]
