"""A township of 贵池区 with everything a role could read about its residents.

乌沙镇 (341702001) under 贵医保组〔2023〕1号 (anhui/341702/2024): a family of three enrolled and paid
in the centralized window, an 80-year-old with 低保 whose subsidy the quote decides by birth date,
a 2024 newborn covered from the day of birth (四1), identities recorded by civil affairs and a
roster they imported — so persons, households, enrolments, payments, entitlements, snapshots,
the audit trail, import rows, reports and exports all hold something about each resident.
Everything is made by the township's own clerk, county admin and roster uploader, so the trail
lies in the township too.
"""

from dataclasses import dataclass, field
from datetime import date

from tests.support.factories import id_number
from tests.support.graphql_client import gql
from tests.support.households import ENROL, ENROL_HOUSEHOLD, PAY, PAY_HOUSEHOLD, REGISTER
from tests.support.uploads import IMPORT_ROSTER, Upload, post_multipart
from yibao.core.imports.background import wait_for_imports

TOWNSHIP, COUNTY, POLICY = "341702001", "341702", "anhui/341702/2024"

RECORD_CATEGORY = """
mutation($input: RecordCategoryInput!) {
  recordCategory(input: $input) { __typename ... on Person { id name idNumber categories { code } } }
}"""


@dataclass(frozen=True)
class Resident:
    name: str
    born: date
    male: bool
    seq: int

    @property
    def id_number(self) -> str:
        return id_number(region=COUNTY, born=self.born, seq=self.seq, male=self.male)


FAMILY = (
    Resident("王大山", date(1975, 3, 9), True, 11),
    Resident("李秀英", date(1978, 7, 21), False, 12),
    Resident("王小明", date(2005, 11, 2), True, 13),
)
ELDER = Resident("张桂兰", date(1941, 6, 15), False, 14)  # 80周岁 by 1943-12-31 (三5) and 低保 (三2)
NEWBORN = Resident("王安安", date(2024, 3, 17), False, 15)  # 四1: covered from birth, paid within 90 days
EVERYONE = (*FAMILY, ELDER, NEWBORN)


@dataclass
class Township:
    person_ids: dict[str, str] = field(default_factory=dict)  # name → person id
    households: list[str] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)
    import_job: str = ""


def _register(clerk, residents, township: Township) -> str:
    members = [
        {
            "isHead": index == 0,
            "relation": "户主" if index == 0 else "家庭成员",
            "person": {
                "name": r.name,
                "idNumber": r.id_number,
                "hukouRegionCode": TOWNSHIP,
                "phone": f"1390565{r.seq:04d}",
            },
        }
        for index, r in enumerate(residents)
    ]
    household = gql(clerk, REGISTER, input={"addressRegionCode": TOWNSHIP, "members": members})[
        "registerHousehold"
    ]
    assert household["__typename"] == "Household", household
    township.households.append(household["id"])
    for member in household["members"]:
        township.person_ids[member["person"]["name"]] = member["person"]["id"]
    return household["id"]


def _pay(clerk, enrolment_id: str, amount: str, on: str, township: Township) -> None:
    paid = gql(
        clerk,
        PAY,
        input={
            "enrolmentId": enrolment_id,
            "amount": amount,
            "paidOn": on,
            "channel": "COLLECTION_POINT",
            "idempotencyKey": f"pay-{enrolment_id}",
        },
    )["recordPayment"]
    assert paid["__typename"] == "Payment", paid
    township.receipts.append(paid["receiptNumber"])


def populate(client_as) -> Township:
    township = Township()
    clerk = client_as("VILLAGE_CLERK", TOWNSHIP, name="clerk-wusha")
    uploader = client_as("ROSTER_UPLOADER", TOWNSHIP, name="mz-wusha", department="CIVIL_AFFAIRS")

    family = _register(clerk, FAMILY, township)
    _register(clerk, (ELDER,), township)
    _register(clerk, (NEWBORN,), township)

    recorded = gql(
        uploader,
        RECORD_CATEGORY,
        input={"personId": township.person_ids[ELDER.name], "code": "MINIMUM_LIVING", "since": "2023-06-01"},
    )["recordCategory"]
    assert recorded["__typename"] == "Person", recorded

    enrolled = gql(
        clerk,
        ENROL_HOUSEHOLD,
        input={"householdId": family, "coverageYear": 2024, "policyId": POLICY, "idempotencyKey": "fam"},
    )["enrolHousehold"]
    # The family pays as one (贵医保组〔2023〕1号 三8): 380.00 each.
    paid = gql(
        clerk,
        PAY_HOUSEHOLD,
        input={
            "householdId": family,
            "coverageYear": 2024,
            "amount": f"{380 * len(enrolled['enrolments'])}.00",
            "paidOn": "2023-10-08",
            "channel": "COLLECTION_POINT",
            "idempotencyKey": "pay-family",
        },
    )["payHousehold"]
    assert paid["__typename"] == "HouseholdPayments", paid
    township.receipts += [p["receiptNumber"] for p in paid["payments"]]
    for resident, on, amount in ((ELDER, "2023-10-09", "38.00"), (NEWBORN, "2024-04-02", "380.00")):
        enrolment = gql(
            clerk,
            ENROL,
            input={
                "personId": township.person_ids[resident.name],
                "coverageYear": 2024,
                "policyId": POLICY,
                "idempotencyKey": f"e-{resident.seq}",
                "on": on,
            },
        )["enrol"]
        assert enrolment["__typename"] == "Enrolment", enrolment
        _pay(clerk, enrolment["id"], amount, on, township)

    # Civil affairs' roster: the family's head recognised, and a row whose name does not match.
    head = FAMILY[0]
    roster = (
        f"姓名,身份证号码,类别,认定日期\n{head.name},{head.id_number},低保,2023-07-01\n"
        f"别名,{ELDER.id_number},低保,\n"
    )
    variables = {"file": Upload("低保花名册.csv", roster.encode()), "source": "CIVIL_AFFAIRS"}
    variables |= {"asOf": "2023-08-31", "region": TOWNSHIP}
    response = post_multipart(uploader, IMPORT_ROSTER, variables)
    wait_for_imports(timeout=60)
    township.import_job = response.json()["data"]["importRoster"]["id"]
    return township
