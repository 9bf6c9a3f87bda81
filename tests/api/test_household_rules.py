"""Household rules are the policy's: Guichi enrols whole households, Dongzhi prefers them."""

from datetime import date

from sqlmodel import Session, select

from tests.support.db_state import stored
from tests.support.factories import id_number
from tests.support.graphql_client import gql
from tests.support.households import ENROL_HOUSEHOLD, ENROL_NOTING_HOUSEHOLD, enrol_input, register
from tests.support.ids import row_of
from yibao.core.models import Departure, Enrolment

GUICHI, DONGZHI = "anhui/341702/2024", "anhui/341721/2022"
VILLAGE = "341702001"  # 乌沙镇


def guichi_household(client, start: int) -> dict[str, str]:
    names = ["钱一", "钱二", "钱三"]
    household = register(
        client,
        {
            "addressRegionCode": VILLAGE,
            "members": [
                {
                    "isHead": i == 0,
                    "person": {
                        "name": name,
                        "idNumber": id_number(region="341702", seq=start + i),
                        "hukouRegionCode": VILLAGE,
                    },
                }
                for i, name in enumerate(names)
            ],
        },
    )
    return {"household": household["id"]} | {
        m["person"]["name"]: m["person"]["id"] for m in household["members"]
    }


def enrol_household(client, household: str, policy=GUICHI, key="hh-1", **more) -> dict:
    year = int(policy.rsplit("/", 1)[1])
    data = {"householdId": household, "coverageYear": year, "policyId": policy, "idempotencyKey": key, **more}
    return gql(client, ENROL_HOUSEHOLD, input=data)["enrolHousehold"]


def test_guichi_refuses_a_partial_household_naming_the_missing_members(client, engine):
    people = guichi_household(client, 10)
    before = stored(engine)

    partial = enrol_household(client, people["household"], personIds=[people["钱一"]], on="2023-10-01")
    single = gql(client, ENROL_NOTING_HOUSEHOLD, input=enrol_input(people["钱二"], GUICHI, on="2023-10-01"))[
        "enrol"
    ]

    # 贵医保组〔2023〕1号 三8 "城乡居民须以户为单位缴费参保，不得选择性参保".
    assert partial["errors"] == [
        {
            "field": "personIds",
            "code": "INVALID",
            "message": "须以户为单位参保，缺少：钱二、钱三（贵医保组〔2023〕1号 三8）",
        }
    ]
    assert single["errors"] == [
        {
            "field": "personId",
            "code": "INVALID",
            "message": "须以户为单位参保，缺少：钱一、钱三（贵医保组〔2023〕1号 三8）",
        }
    ]
    assert stored(engine) == before


def test_guichi_enrols_the_whole_household_at_once_and_a_retry_records_nothing(client, engine):
    people = guichi_household(client, 20)

    whole = enrol_household(client, people["household"], on="2023-10-01", channel="WANSHITONG")
    before = stored(engine)
    again = enrol_household(client, people["household"], on="2023-10-01", channel="WANSHITONG")

    assert [e["person"]["name"] for e in whole["enrolments"]] == ["钱一", "钱二", "钱三"]
    assert {e["amountDue"] for e in whole["enrolments"]} == {"380.00"}  # 三: 380 a person
    assert all(e["partialHousehold"] == [] for e in whole["enrolments"])
    assert [e["id"] for e in again["enrolments"]] == [e["id"] for e in whole["enrolments"]]
    assert stored(engine) == before
    with Session(engine) as session:
        keys = sorted(session.exec(select(Enrolment.idempotency_key)).all())
    assert keys == sorted(f"hh-1:{row_of(people[n])}" for n in ("钱一", "钱二", "钱三"))


def test_departed_and_already_enrolled_members_are_not_missing(client, engine):
    people = guichi_household(client, 30)
    with Session(engine) as session:  # 钱三 died (a departure, as the change table records it)
        session.add(Departure(person_id=row_of(people["钱三"]), reason="DEATH", departed_on=date(2023, 7, 1)))
        session.commit()

    # By default every member who has not left: 钱一 and 钱二.
    pair = enrol_household(client, people["household"], on="2023-10-01")
    assert [e["person"]["name"] for e in pair["enrolments"]] == ["钱一", "钱二"]

    listed = enrol_household(client, people["household"], key="hh-2", personIds=[people["钱三"]])
    assert [(e["field"], e["code"]) for e in listed["errors"]] == [("personIds.0", "INVALID")]

    # A newcomer joins the household later: the others are enrolled already, so it enrols alone.
    other = guichi_household(client, 40)
    moved = gql(
        client,
        """mutation($p: ID!, $h: ID!) { movePerson(personId: $p, householdId: $h) {
             __typename ... on InputErrors { errors { message } } } }""",
        p=other["钱二"],
        h=people["household"],
    )["movePerson"]
    assert moved["__typename"] == "Person", moved
    alone = gql(client, ENROL_NOTING_HOUSEHOLD, input=enrol_input(other["钱二"], GUICHI, on="2023-10-01"))[
        "enrol"
    ]
    assert alone["__typename"] == "Enrolment", alone


def test_a_household_enrolment_is_all_or_none(client, engine):
    household = register(client)  # 东至: 王大山, 李秀英, 王小明
    ids = {m["person"]["name"]: m["person"]["id"] for m in household["members"]}
    first = gql(client, ENROL_NOTING_HOUSEHOLD, input=enrol_input(ids["王大山"], on="2021-10-08"))["enrol"]
    assert first["__typename"] == "Enrolment"
    before = stored(engine)

    refused = enrol_household(
        client, household["id"], DONGZHI, key="all", personIds=[ids["李秀英"], ids["王大山"]]
    )

    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("personIds.1", "DUPLICATE")]
    assert stored(engine) == before  # 李秀英 was not enrolled on her own either


def test_dongzhi_prefers_households_and_notes_a_partial_one(client):
    household = register(client)
    ids = {m["person"]["name"]: m["person"]["id"] for m in household["members"]}

    # 东政办〔2021〕6号 五（二） "原则上以家庭为单位参保": accepted, the missing members noted.
    alone = gql(client, ENROL_NOTING_HOUSEHOLD, input=enrol_input(ids["王大山"], on="2021-10-08"))["enrol"]
    rest = enrol_household(client, household["id"], DONGZHI, personIds=[ids["李秀英"], ids["王小明"]])

    assert alone["partialHousehold"] == ["李秀英", "王小明"]
    assert [e["partialHousehold"] for e in rest["enrolments"]] == [[], []]


def test_a_household_outside_the_callers_region_is_not_found(client_as, client):
    people = guichi_household(client, 50)
    other_township = client_as("TOWNSHIP_OFFICER", "341702002")

    refused = enrol_household(other_township, people["household"])

    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("householdId", "NOT_FOUND")]
