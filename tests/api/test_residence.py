"""Residents registered where they live (东政办〔2021〕6号 三（四）、四（二）; 贵医保组〔2023〕1号 二2;
方政办明电〔2021〕35号 二（二）3): a Henan-hukou worker living in 贵池 is registered, enrolled and paid by
贵池's clerk, and 方城's staff — the staff of the hukou county — neither see nor confirm them."""

from datetime import date

from tests.support.factories import id_number
from tests.support.graphql_client import gql
from tests.support.households import ENROL_HOUSEHOLD, PAY_HOUSEHOLD, REGISTER, pay_input

VILLAGE = "341702001"  # 乌沙镇, 贵池区
WORKER = id_number("411322", born=date(1942, 4, 4), seq=61)  # 方城县 hukou, over 80 in 2023


def worker(region: str = VILLAGE, residence: str | None = VILLAGE, hukou: str = "411322") -> dict:
    person = {"name": "务工者", "idNumber": WORKER, "hukouRegionCode": hukou}
    if residence:
        person["residenceRegionCode"] = residence
    return {"addressRegionCode": region, "members": [{"isHead": True, "relation": "户主", "person": person}]}


def test_a_henan_worker_is_registered_enrolled_and_paid_in_guichi_and_invisible_to_fangcheng(client_as):
    guichi = client_as("VILLAGE_CLERK", VILLAGE, name="clerk-wusha")
    household = gql(guichi, REGISTER, input=worker())["registerHousehold"]
    assert household["__typename"] == "Household", household
    person_id = household["members"][0]["person"]["id"]

    enrolled = gql(
        guichi,
        ENROL_HOUSEHOLD,
        input={
            "householdId": household["id"],
            "coverageYear": 2024,
            "policyId": "anhui/341702/2024",
            "idempotencyKey": "worker-2024",
            "on": "2023-10-08",
        },
    )["enrolHousehold"]
    assert enrolled["__typename"] == "HouseholdEnrolments", enrolled
    # Over 80 but not 户籍在贵池区: no 三5 subsidy, the whole 380.
    assert enrolled["enrolments"][0]["amountDue"] == "380.00"
    assert enrolled["enrolments"][0]["subsidyCategory"] is None
    paid = gql(guichi, PAY_HOUSEHOLD, input=pay_input(household["id"], "380.00"))["payHousehold"]
    assert paid["__typename"] == "HouseholdPayments", paid
    assert paid["payments"][0]["enrolment"]["status"] == "PAID"

    seen = gql(
        guichi,
        "query($id: ID!) { person(id: $id) { hukouRegion { code } residenceRegion { code } "
        "enrolments { region { code } status } } }",
        id=person_id,
    )["person"]
    listed = gql(guichi, 'query { persons(regionCode: "341702001") { nodes { id } } }')["persons"]["nodes"]
    assert listed == [{"id": person_id}]  # found where they live
    assert seen == {
        "hukouRegion": {"code": "411322"},
        "residenceRegion": {"code": VILLAGE},
        "enrolments": [{"region": {"code": VILLAGE}, "status": "PAID"}],  # enrolled where they live
    }

    for role in ("COUNTY_ADMIN", "VILLAGE_CLERK", "AUDITOR"):
        fangcheng = client_as(role, "411322", name=f"fangcheng-{role.lower()}")
        found = gql(
            fangcheng,
            'query($id: ID!) { person(id: $id) { id } persons(regionCode: "411322") { nodes { id } } '
            "enrolments(coverageYear: 2024) { nodes { id } } payments { nodes { id } } }",
            id=person_id,
        )
        assert found == {
            "person": None,
            "persons": {"nodes": []},
            "enrolments": {"nodes": []},
            "payments": {"nodes": []},
        }, role
    fangcheng = client_as("COUNTY_ADMIN", "411322", name="fangcheng-admin")
    covered = gql(
        fangcheng, 'query($n: String!) { coverage(idNumber: $n, on: "2024-06-01") { covered } }', n=WORKER
    )
    assert covered == {"coverage": None}
    # Registering the same ID number in 方城 says only that it is registered elsewhere.
    again = gql(fangcheng, REGISTER, input=worker("411322", residence=None))["registerHousehold"]
    assert again["__typename"] == "InputErrors"
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("members.0.person.idNumber", "ELSEWHERE")]
    assert "贵池" not in again["errors"][0]["message"] and "务工者" not in again["errors"][0]["message"]


def test_without_a_residence_in_the_clerks_region_a_hukou_elsewhere_is_refused(client_as):
    guichi = client_as("VILLAGE_CLERK", VILLAGE, name="clerk-wusha")
    refused = gql(guichi, REGISTER, input=worker(residence=None))["registerHousehold"]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("members.0.person.hukouRegionCode", "FORBIDDEN")
    ]
    elsewhere = gql(guichi, REGISTER, input=worker(residence="411322001"))["registerHousehold"]
    assert [(e["field"], e["code"]) for e in elsewhere["errors"]] == [
        ("members.0.person.residenceRegionCode", "FORBIDDEN")
    ]


def test_a_resident_who_lives_in_their_hukou_county_is_seen_there_as_before(client_as):
    fangcheng = client_as("VILLAGE_CLERK", "411322001", name="fangcheng-clerk")
    household = gql(fangcheng, REGISTER, input=worker("411322001", None, "411322001"))["registerHousehold"]
    person_id = household["members"][0]["person"]["id"]
    assert (
        gql(fangcheng, "query($id: ID!) { person(id: $id) { id } }", id=person_id)["person"]["id"]
        == person_id
    )
    guichi = client_as("COUNTY_ADMIN", "341702", name="guichi-admin")
    assert gql(guichi, "query($id: ID!) { person(id: $id) { id } }", id=person_id)["person"] is None
