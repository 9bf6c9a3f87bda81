"""GraphQL documents and builders for households: registering, enrolling, paying, changing."""

from datetime import date

from tests.support.factories import id_number
from tests.support.graphql_client import gql

REGISTER = """
mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) {
    __typename
    ... on Household {
      id head { name }
      members { isHead relation person { id name idNumber birthDate gender } }
    }
    ... on InputErrors { errors { field code message } }
  }
}"""


ENROL = """
mutation($input: EnrolInput!) {
  enrol(input: $input) {
    __typename
    ... on Enrolment { id status coverageYear tier policyId region { code } person { name } snapshot }
    ... on InputErrors { errors { field code message } }
  }
}"""


ENROL_HOUSEHOLD = """
mutation($input: EnrolHouseholdInput!) {
  enrolHousehold(input: $input) {
    __typename
    ... on HouseholdEnrolments {
      enrolments { id status person { id name } amountDue subsidy subsidyCategory partialHousehold }
    }
    ... on InputErrors { errors { field code message } }
  }
}"""


PAY = """
mutation($input: RecordPaymentInput!) {
  recordPayment(input: $input) {
    __typename
    ... on Payment { id kind amount receiptNumber paidOn channel enrolment { id status } }
    ... on InputErrors { errors { field code message } }
  }
}"""


REVERSE = """
mutation($input: ReversePaymentInput!) {
  reversePayment(input: $input) {
    __typename
    ... on Payment { id kind amount receiptNumber reverses { id } enrolment { status } }
    ... on InputErrors { errors { field code message } }
  }
}"""


FATHER = id_number(born=date(1975, 3, 9), seq=11, male=True)


MOTHER = id_number(born=date(1978, 7, 21), seq=12, male=False)


CHILD = id_number(born=date(2010, 1, 2), seq=13, male=True)


def three_member_household(village: str = "341721") -> dict:
    def member(name, number, relation, head=False):
        return {
            "isHead": head,
            "relation": relation,
            "person": {"name": name, "idNumber": number, "hukouRegionCode": village},
        }

    return {
        "addressRegionCode": village,
        "address": "东至县某村3组",
        "members": [
            member("王大山", FATHER, "户主", head=True),
            member("李秀英", MOTHER, "配偶"),
            member("王小明", CHILD, "子女"),
        ],
    }


def register(client, household=None) -> dict:
    result = gql(client, REGISTER, input=household or three_member_household())["registerHousehold"]
    assert result["__typename"] == "Household", result
    return result


def enrol_input(person_id: str, policy: str = "anhui/341721/2022", **more) -> dict:
    """An EnrolInput for the policy's own coverage year; `more` adds or overrides fields."""
    year = int(policy.rsplit("/", 1)[1])
    key = f"enrol-{person_id}-{policy}"
    return {"personId": person_id, "coverageYear": year, "policyId": policy, "idempotencyKey": key, **more}


def enrol(client, person_id: str, policy: str = "anhui/341721/2022", **more) -> dict:
    result = gql(client, ENROL, input=enrol_input(person_id, policy, **more))["enrol"]
    assert result["__typename"] == "Enrolment", result
    return result


def enrol_household(client, household_id: str, policy: str = "anhui/341702/2024", **more) -> list[dict]:
    """Enrols a household's members together (Guichi requires it: 贵医保组〔2023〕1号 三8)."""
    year = int(policy.rsplit("/", 1)[1])
    data = {"householdId": household_id, "coverageYear": year, "policyId": policy}
    data |= {"idempotencyKey": f"household-{household_id}-{policy}", **more}
    result = gql(client, ENROL_HOUSEHOLD, input=data)["enrolHousehold"]
    assert result["__typename"] == "HouseholdEnrolments", result
    return result["enrolments"]


def payment_input(enrolment_id: str, key: str = "pay-1", amount: str = "320.00") -> dict:
    return {
        "enrolmentId": enrolment_id,
        "amount": amount,
        "paidOn": "2021-10-08",
        "channel": "WECHAT_OFFICIAL_ACCOUNT",
        "idempotencyKey": key,
    }


RECORD_CATEGORY = """
mutation($input: RecordCategoryInput!) {
  recordCategory(input: $input) { __typename ... on Person { categories { code } } }
}"""


CHANGE_HEAD = """
mutation($h: ID!, $p: ID!) {
  changeHead(householdId: $h, personId: $p) {
    __typename
    ... on Household { head { name } members { isHead person { name } } }
    ... on InputErrors { errors { field code } }
  }
}"""


MOVE = """
mutation($p: ID!, $h: ID!) {
  movePerson(personId: $p, householdId: $h, relation: "子女") {
    __typename
    ... on Person { name residenceRegion { code } household { id head { name } } }
    ... on InputErrors { errors { field code } }
  }
}"""


def second_household(client, village="341702001"):
    household = three_member_household(village)
    household["members"] = [
        {
            "isHead": True,
            "relation": "户主",
            "person": {"name": "陈一", "idNumber": id_number(seq=90), "hukouRegionCode": village},
        }
    ]
    return register(client, household)


def pay_input(household: str, amount: str, key: str = "pay-hh-1", **more) -> dict:
    """A Guichi household paying together for 2024 (贵医保组〔2023〕1号 三8), on 2023-10-08."""
    return {
        "householdId": household,
        "coverageYear": 2024,
        "amount": amount,
        "paidOn": "2023-10-08",
        "channel": "COLLECTION_POINT",
        "idempotencyKey": key,
        **more,
    }


PAY_HOUSEHOLD = """
mutation($input: PayHouseholdInput!) {
  payHousehold(input: $input) {
    __typename
    ... on HouseholdPayments { payments { id amount receiptNumber enrolment { id status person { name } } } }
    ... on InputErrors { errors { field code message } }
  }
}"""


ENROL_NOTING_HOUSEHOLD = """
mutation($input: EnrolInput!) {
  enrol(input: $input) {
    __typename
    ... on Enrolment { id person { name } partialHousehold amountDue }
    ... on InputErrors { errors { field code message } }
  }
}"""
