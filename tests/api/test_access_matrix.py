"""Every role × every root field × a target inside and outside the caller's region: allowed or refused.

All tokens are scoped to 乌沙镇 (341702001); the other township is 池阳街道 (341702002) of the same
district. The expected table below is the specification, written independently of
api/graphql/permissions.py. Besides the verdicts, no response to any caller may contain anything that
identifies the other township's residents — through lists, lookups, nested fields or errors.
"""

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from tests.support.access import QUERIES
from tests.support.db_state import stored
from tests.support.factories import id_number
from tests.support.graphql_client import gql
from tests.support.households import CHANGE_HEAD, ENROL, ENROL_HOUSEHOLD, MOVE, PAY, REGISTER, REVERSE
from tests.support.ids import row_of
from tests.support.uploads import IMPORT_ROSTER, Upload, post_multipart

HERE, THERE = "341702001", "341702002"
POLICY = "anhui/341702/2024"
ROLES = [
    "PUBLIC",
    "VILLAGE_CLERK",
    "TOWNSHIP_OFFICER",
    "COUNTY_ADMIN",
    "ROSTER_UPLOADER",
    "TAX_INTEGRATOR",
    "AUDITOR",
    "GATEWAY",
]
STAFF = {"VILLAGE_CLERK", "TOWNSHIP_OFFICER", "COUNTY_ADMIN"}
READERS = STAFF | {"TAX_INTEGRATOR", "AUDITOR"}

# Who may call what (the specification of issue 4).
ALLOWED = {
    "policies": set(ROLES),
    "quote": set(ROLES),
    "person": READERS,
    "persons": READERS,
    "node": READERS,
    "household": READERS,
    "households": READERS,
    "enrolment": READERS,
    "enrolments": READERS,
    "payments": READERS,
    "entitlements": READERS,
    "coverage": STAFF | {"TAX_INTEGRATOR"},  # by whole ID number: not for masked roles (issue 13)
    "auditEvents": {"AUDITOR", "COUNTY_ADMIN"},
    "registerHousehold": STAFF,
    "changeHead": STAFF,
    "movePerson": STAFF,
    "enrol": STAFF,
    "recordPayment": STAFF | {"TAX_INTEGRATOR"},
    "payHousehold": STAFF | {"TAX_INTEGRATOR"},
    "reversePayment": {"TOWNSHIP_OFFICER", "COUNTY_ADMIN"},
    "recordCategory": {"ROSTER_UPLOADER", "COUNTY_ADMIN"},
    "collectionRoster": READERS,
    "changeTable": READERS,
    "recordDeparture": STAFF,
    "enrolHousehold": STAFF,
    "readjustSubsidies": {"TOWNSHIP_OFFICER", "COUNTY_ADMIN"},
    "addRegion": {"COUNTY_ADMIN"},
    "payRefunds": {"TOWNSHIP_OFFICER", "COUNTY_ADMIN"},
    "setRefundPayee": STAFF,
    "recordRecovery": {"TOWNSHIP_OFFICER", "COUNTY_ADMIN"},
    "terminateEnrolment": STAFF,
    "refundLedger": READERS,
    "zeroDeclarations": {"COUNTY_ADMIN", "TAX_INTEGRATOR", "AUDITOR"},
    "importRoster": {"ROSTER_UPLOADER", "COUNTY_ADMIN"},
    "importJob": {"ROSTER_UPLOADER", "COUNTY_ADMIN", "TOWNSHIP_OFFICER", "AUDITOR", "VILLAGE_CLERK"},
    "importPayments": STAFF,  # its clerks follow the job through importJob
    "recordDepositSlips": STAFF,
    "reports": READERS,
    "reportCatalog": READERS,  # the reports' fields and columns (issue 18's dashboard builds on it)
    "exportLink": READERS,  # a signed download link; refused for a region outside the caller's scope
    "viewer": set(ROLES),  # who the caller's own token names; null for the public
    "_entities": READERS,  # federation: the tax subgraph resolves our entities (api/graphql/federation.py)
    # the subgraph's SDL, for gateways with a token even when introspection is off; a gateway's own
    # GATEWAY token reads it and nothing else (docs/federation.md)
    "_service": READERS | {"GATEWAY"},
    "importTaxConfirmations": {"TAX_INTEGRATOR", "COUNTY_ADMIN"},
    "loadTargets": {"TOWNSHIP_OFFICER", "COUNTY_ADMIN"},
    # issue 16: last years' 参保底表, a person's history, other departments' name lists
    "importHistory": {"TOWNSHIP_OFFICER", "COUNTY_ADMIN"},
    "enrolmentHistory": READERS,
    "continuity": READERS,
    "importDepartmentList": {"ROSTER_UPLOADER", "COUNTY_ADMIN"},
}

# Roles that may call a mutation but whose department may not do it: the matrix's roster uploader is
# civil affairs', and a list belongs to the department that hands it over (education, human resources).
DEPARTMENT_REFUSED = {"importDepartmentList": {"ROSTER_UPLOADER"}}

# The matrix's `_entities` query resolves a Person by its whole ID number, which roles that see
# numbers masked may not (issue 13): they may still resolve payments by receipt.
REFUSED_LOOKUPS = {"_entities": {"AUDITOR"}}


@dataclass
class Township:
    """One township's household: head and member, an enrolment with a payment, and their markers."""

    region: str
    household: str = ""
    head: str = ""
    member: str = ""
    enrolment: str = ""
    payment: str = ""
    head_id_number: str = ""
    markers: set[str] = field(default_factory=set)  # names and ID numbers that identify its people
    import_job: str = ""  # a department roster imported for the township (see `roster_job`)


_seq = itertools.count(500)


def fresh_id_number(n: int) -> str:
    """Unique for every n: 500 sequence numbers per birth date (the matrix uses more than 500)."""
    return id_number(region="341702", born=date(1980, 1, 1) + timedelta(days=n // 500), seq=n % 500)


def new_household(client, region: str, *, prefix: str) -> dict:
    members = []
    for is_head in (True, False):
        n = next(_seq)
        members.append(
            {
                "isHead": is_head,
                "person": {
                    "name": f"{prefix}{n}",
                    "idNumber": fresh_id_number(n),
                    "hukouRegionCode": region,
                    "phone": f"1390000{n:04d}",
                },
            }
        )
    result = gql(client, REGISTER, input={"addressRegionCode": region, "members": members})[
        "registerHousehold"
    ]
    assert result["__typename"] == "Household", result
    return result


def populate(clerk, region: str, prefix: str) -> Township:
    """Made by that township's own clerk, so the audit trail is that township's too."""
    household = new_household(clerk, region, prefix=prefix)
    head, member = (m["person"] for m in household["members"])
    # Guichi enrols whole households (贵医保组〔2023〕1号 三8).
    enrolments = gql(
        clerk,
        ENROL_HOUSEHOLD,
        input={
            "householdId": household["id"],
            "coverageYear": 2024,
            "policyId": POLICY,
            "idempotencyKey": f"e-{head['id']}",
        },
    )["enrolHousehold"]
    enrolment = enrolments["enrolments"][0]
    # ... and pay whole: both members at 380.00 in one payment (三8).
    paid = gql(clerk, PAY_HOUSEHOLD, input=household_payment(household["id"], f"p-{head['id']}"))[
        "payHousehold"
    ]
    assert paid["__typename"] == "HouseholdPayments", paid
    paid = next(p for p in paid["payments"] if p["enrolment"]["id"] == enrolment["id"])
    markers = {m["person"]["name"] for m in household["members"]} | {
        m["person"]["idNumber"] for m in household["members"]
    }
    return Township(
        region,
        household["id"],
        head["id"],
        member["id"],
        enrolment["id"],
        paid["id"],
        head["idNumber"],
        markers,
    )


def mutation(name: str, target: Township, admin) -> tuple[str, dict]:
    """A mutation aimed at `target`, with fresh rows where a success would consume them."""
    if name == "registerHousehold":
        n = next(_seq)
        person = {
            "name": f"新{n}",
            "idNumber": fresh_id_number(n),
            "hukouRegionCode": target.region,
        }
        return REGISTER, {
            "input": {"addressRegionCode": target.region, "members": [{"isHead": True, "person": person}]}
        }
    if name == "exportLink":
        return EXPORT_LINK, {
            "path": f"/exports/collection-roster.csv?regionCode={target.region}&coverageYear=2024"
        }
    fresh = new_household(admin, target.region, prefix="备")
    head, member = (m["person"]["id"] for m in fresh["members"])
    if name == "changeHead":
        return CHANGE_HEAD, {"h": fresh["id"], "p": member}
    if name == "movePerson":
        return MOVE, {"p": member, "h": target.household}
    if name == "recordDeparture":
        return DEPART, {"input": {"personId": member, "reason": "DEATH", "departedOn": "2023-10-01"}}
    if name in ("enrol", "recordPayment", "reversePayment"):
        # One-member households: Guichi refuses a member enrolled without the rest (三8).
        head = single_household(admin, target.region)
    if name == "enrol":
        return ENROL, {
            "input": {
                "personId": head,
                "coverageYear": 2024,
                "policyId": POLICY,
                "idempotencyKey": f"m-{head}",
            }
        }
    if name == "recordPayment":  # a fresh enrolment: one already paid takes no second payment
        enrolment = gql(
            admin,
            ENROL,
            input={"personId": head, "coverageYear": 2024, "policyId": POLICY, "idempotencyKey": f"q-{head}"},
        )["enrol"]
        return PAY, {
            "input": {
                "enrolmentId": enrolment["id"],
                "amount": "380.00",
                "paidOn": "2023-10-02",
                "channel": "TAX_HALL",
                "idempotencyKey": f"m-{next(_seq)}",
            }
        }
    if name == "reversePayment":
        enrolment = gql(
            admin,
            ENROL,
            input={"personId": head, "coverageYear": 2024, "policyId": POLICY, "idempotencyKey": f"r-{head}"},
        )["enrol"]
        paid = gql(
            admin,
            PAY,
            input={
                "enrolmentId": enrolment["id"],
                "amount": "380.00",
                "paidOn": "2023-10-02",
                "channel": "COLLECTION_POINT",
                "idempotencyKey": f"rp-{head}",
            },
        )["recordPayment"]
        return REVERSE, {"input": {"paymentId": paid["id"], "reason": "重复", "idempotencyKey": f"rv-{head}"}}
    if name == "enrolHousehold":
        return ENROL_HOUSEHOLD, {
            "input": {
                "householdId": fresh["id"],
                "coverageYear": 2024,
                "policyId": POLICY,
                "idempotencyKey": f"h-{fresh['id']}",
            }
        }
    if name == "readjustSubsidies":  # Guichi fixes its 08-31 roster (三9): Dongzhi's re-adjustment
        return READJUST, {"policy": "anhui/341721/2022", "asOf": "2021-12-31", "region": target.region}
    if name == "payHousehold":  # the fresh household, enrolled whole by the county
        gql(
            admin,
            ENROL_HOUSEHOLD,
            input={
                "householdId": fresh["id"],
                "coverageYear": 2024,
                "policyId": POLICY,
                "idempotencyKey": f"ph-{fresh['id']}",
            },
        )
        return PAY_HOUSEHOLD, {"input": household_payment(fresh["id"], f"ph-{next(_seq)}")}
    if name in ("setRefundPayee", "recordRecovery"):  # Guichi owes none: rows written for the target
        from tests.support.refunds import engine_of, owe_for_test

        refund = owe_for_test(engine_of(admin), row_of(target.enrolment), recovered=name == "recordRecovery")
        if name == "setRefundPayee":
            account = {"kind": "BANK_CARD", "number": "6222021001012345"}
            return SET_PAYEE, {"input": {"refundId": str(refund), "account": account}}
        recovery = {"recoveryId": str(refund), "recoveredOn": "2024-02-01", "reference": f"收据-{next(_seq)}"}
        return RECORD_RECOVERY, {"input": recovery}
    if name == "recordCategory":
        return RECORD_CATEGORY, {"input": {"personId": head, "code": "MINIMUM_LIVING", "since": "2023-06-01"}}
    if name == "payRefunds":  # Guichi owes no refunds: one is written for the target's enrolment
        from tests.support.refunds import PAY_REFUNDS, engine_of, owe_for_test

        owe_for_test(engine_of(admin), row_of(target.enrolment))
        payout = {"department": "CIVIL_AFFAIRS", "regionCode": target.region, "paidOn": "2024-01-15"}
        payout |= {"reference": f"代发-{next(_seq)}"}
        return PAY_REFUNDS, {"input": payout | {"idempotencyKey": f"pr-{next(_seq)}"}}
    if name == "terminateEnrolment":  # a fresh enrolment, ended without a refund (e.g. death)
        from tests.support.refunds import TERMINATE

        person = single_household(admin, target.region)
        enrolling = {
            "personId": person,
            "coverageYear": 2024,
            "policyId": POLICY,
            "idempotencyKey": f"t-{person}",
        }
        enrolment = gql(admin, ENROL, input=enrolling)["enrol"]
        ending = {"enrolmentId": enrolment["id"], "reason": "死亡", "requestedOn": "2024-03-01"}
        return TERMINATE, {"input": ending}
    if name == "importRoster":  # the fresh head on civil affairs' roster, as a multipart upload
        person = fresh["members"][0]["person"]
        roster = f"姓名,身份证号码,类别,认定日期\n{person['name']},{person['idNumber']},低保,2023-06-01\n"
        return IMPORT_ROSTER, roster_upload(roster, target.region)
    if name == "importPayments":  # a fresh one-person household's payment on the village's roster
        from tests.support.uploads import IMPORT_PAYMENTS

        person = gql(admin, PERSON_ID_NUMBER, id=single_household(admin, target.region))["person"]
        roster = f"姓名,身份证号码,缴费金额,缴费日期\n{person['name']},{person['idNumber']},380,2023-10-01\n"
        upload = Upload("缴费清册.csv", roster.encode())
        return IMPORT_PAYMENTS, {
            "file": upload, "policyId": POLICY, "regionCode": target.region, "channel": "COLLECTION_POINT"
        }  # fmt: skip
    if name == "loadTargets":
        return LOAD_TARGETS, {
            "input": {
                "coverageYear": 2024,
                "source": "矩阵",
                "targets": [{"regionCode": target.region, "headcount": 7}],
            }
        }
    if name == "recordDepositSlips":  # a slip of a village of the target, added by the county once
        village = f"{target.region}999"
        gql(admin, ADD_REGION, input={"code": village, "parentCode": target.region, "name": "缴款村"})
        slip = {"slipNumber": f"JK-{next(_seq)}", "regionCode": village, "amount": "380.00"}
        slip |= {"depositedOn": "2023-10-05", "handler": "协办员"}
        return RECORD_DEPOSIT_SLIPS, {"input": {"coverageYear": 2024, "slips": [slip]}}
    if name == "importTaxConfirmations":  # a fresh ticket for the target's payment
        ticket = {"ticketNumber": f"SP-{next(_seq)}", "receiptNumber": f"R-{target.payment}"}
        ticket |= {"amount": "380.00", "treasuryDate": "2023-10-08"}
        return IMPORT_TAX, {"input": {"regionCode": target.region, "confirmations": [ticket]}}
    if name == "importHistory":  # the fresh head's 2023 on the township's 参保底表
        person = fresh["members"][0]["person"]
        table = "公民身份号码,姓名,参保年度,参保状态,个人缴费金额\n"
        table += f"{person['idNumber']},{person['name']},2023,参保缴费,350\n"
        return IMPORT_HISTORY, {"file": Upload("参保底表.csv", table.encode()), "region": target.region}
    if name == "importDepartmentList":  # the fresh head on the education bureau's roll
        person = fresh["members"][0]["person"]
        roll = f"身份证号码,姓名,学校\n{person['idNumber']},{person['name']},乌沙小学\n"
        upload = Upload("在册学生.csv", roll.encode())
        return IMPORT_LIST, {
            "file": upload,
            "list": "EDUCATION_STUDENTS",
            "asOf": "2023-12-10",
            "region": target.region,
        }
    if name == "addRegion":
        code = f"{target.region}{next(_seq) % 1000:03d}"
        return ADD_REGION, {"input": {"code": code, "parentCode": target.region, "name": f"{code}村"}}
    raise AssertionError(name)


PERSON_ID_NUMBER = "query($id: ID!) { person(id: $id) { name idNumber } }"

IMPORT_HISTORY = """
mutation($file: Upload!, $region: String) {
  importHistory(file: $file, regionCode: $region) {
    __typename ... on ImportJob { id } ... on InputErrors { errors { field code } }
  }
}"""

IMPORT_LIST = """
mutation($file: Upload!, $list: DepartmentList!, $asOf: Date!, $region: String) {
  importDepartmentList(file: $file, list: $list, asOf: $asOf, regionCode: $region) {
    __typename ... on ImportJob { id } ... on InputErrors { errors { field code } }
  }
}"""

PAY_HOUSEHOLD = """
mutation($input: PayHouseholdInput!) {
  payHousehold(input: $input) {
    __typename
    ... on HouseholdPayments { payments { id enrolment { id } } }
    ... on InputErrors { errors { field code } }
  }
}"""

SET_PAYEE = """
mutation($input: SetRefundPayeeInput!) {
  setRefundPayee(input: $input) { __typename ... on InputErrors { errors { field code } } }
}"""

RECORD_RECOVERY = """
mutation($input: RecordRecoveryInput!) {
  recordRecovery(input: $input) { __typename ... on InputErrors { errors { field code } } }
}"""


def household_payment(household: str, key: str) -> dict:
    """A two-member Guichi household paying 380.00 each, together."""
    return {
        "householdId": household,
        "coverageYear": 2024,
        "amount": "760.00",
        "paidOn": "2023-10-01",
        "channel": "COLLECTION_POINT",
        "idempotencyKey": key,
    }


IMPORT_TAX = """
mutation($input: ImportTaxConfirmationsInput!) {
  importTaxConfirmations(input: $input) { __typename ... on InputErrors { errors { field code } } }
}"""


EXPORT_LINK = """mutation($path: String!) {
  exportLink(path: $path) { __typename ... on InputErrors { errors { field code } } }
}"""
RECORD_DEPOSIT_SLIPS = """
mutation($input: RecordDepositSlipsInput!) {
  recordDepositSlips(input: $input) { __typename ... on InputErrors { errors { field code } } }
}"""


LOAD_TARGETS = """
mutation($input: LoadTargetsInput!) {
  loadTargets(input: $input) { __typename ... on InputErrors { errors { field code } } }
}"""

ADD_REGION = """
mutation($input: AddRegionInput!) {
  addRegion(input: $input) { __typename ... on InputErrors { errors { field code } } }
}"""


READJUST = """
mutation($policy: String!, $asOf: Date!, $region: String!) {
  readjustSubsidies(policyId: $policy, asOf: $asOf, regionCode: $region) {
    __typename ... on SubsidyChanges { changes { personName } } ... on InputErrors { errors { field code } }
  }
}"""


def single_household(admin, region: str) -> str:
    """A one-member household registered by the county; its person's id."""
    n = next(_seq)
    person = {"name": f"单{n}", "idNumber": fresh_id_number(n), "hukouRegionCode": region}
    result = gql(
        admin, REGISTER, input={"addressRegionCode": region, "members": [{"isHead": True, "person": person}]}
    )["registerHousehold"]
    assert result["__typename"] == "Household", result
    return result["members"][0]["person"]["id"]


DEPART = """
mutation($input: RecordDepartureInput!) {
  recordDeparture(input: $input) { __typename ... on InputErrors { errors { field code } } }
}"""


RECORD_CATEGORY = """
mutation($input: RecordCategoryInput!) {
  recordCategory(input: $input) { __typename ... on InputErrors { errors { field code } } }
}"""


def roster_upload(roster: str, region: str) -> dict:
    upload = Upload("roster.csv", roster.encode())
    return {"file": upload, "source": "CIVIL_AFFAIRS", "asOf": "2023-08-31", "region": region}


def roster_job(admin, township: Township) -> str:
    """A roster import for the township: its head under another name, refused, so nothing else changes."""
    roster = f"姓名,身份证号码,类别\n别名,{township.head_id_number},低保\n"
    body, _ = post(admin, IMPORT_ROSTER, roster_upload(roster, township.region))
    return body["data"]["importRoster"]["id"]


def post(client, query: str, variables: dict | None) -> tuple[dict, str]:
    if any(isinstance(value, Upload) for value in (variables or {}).values()):
        response = post_multipart(client, query, variables)
    else:
        response = client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    return response.json(), response.text


def refused_for_role(body: dict) -> bool:
    return bool(body.get("errors")) and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.fixture
def world(client, client_as):
    here = populate(client_as("VILLAGE_CLERK", HERE, name="clerk-here"), HERE, "本")
    there = populate(client_as("VILLAGE_CLERK", THERE, name="clerk-there"), THERE, "外")
    for township in (here, there):
        township.import_job = roster_job(client_as("COUNTY_ADMIN", township.region), township)
    callers = {
        role: client_as(role, HERE, department="CIVIL_AFFAIRS" if role == "ROSTER_UPLOADER" else None)
        for role in ROLES
    }
    return here, there, callers


def test_every_role_and_query_sees_its_own_township_and_nothing_of_the_other(world):
    here, there, callers = world
    failures = []
    for role, (operation, (query, by_id)) in itertools.product(ROLES, QUERIES.items()):
        for target in (here, there) if by_id else (None,):
            variables = {"id": getattr(target, by_id)} if by_id else None
            body, text = post(callers[role], query, variables)
            case = f"{role} {operation} {target.region if target else ''}"
            leaked = [m for m in there.markers if m in text]
            if leaked:
                failures.append(f"{case}: leaked {leaked}")
            if role not in ALLOWED[operation] - REFUSED_LOOKUPS.get(operation, set()):
                if not refused_for_role(body):
                    failures.append(f"{case}: expected FORBIDDEN, got {text[:200]}")
                continue
            if body.get("errors"):
                failures.append(f"{case}: unexpected errors {body['errors']}")
                continue
            answer = body["data"][operation]
            if operation == "reports":  # a namespace: every report in it answers null for the other township
                found = list(answer.values())
                if target is here and None in found:
                    failures.append(f"{case}: a report of the own township is missing: {answer}")
                answer = None if all(report is None for report in found) else answer
            if operation == "_entities":  # one representation: its person, or null outside the region
                answer = answer[0]
            if by_id and (answer is None) != (target is there):
                failures.append(
                    f"{case}: expected {'nothing' if target is there else 'the row'}, got {answer}"
                )
            if operation in ("persons", "households", "enrolments", "payments") and not answer["nodes"]:
                failures.append(f"{case}: own township missing from the list")
    assert not failures, "\n".join(failures)


def test_every_role_and_mutation_changes_only_its_own_township(world, client, engine):
    here, there, callers = world
    failures = []
    for role, operation in itertools.product(ROLES, [op for op in ALLOWED if op not in QUERIES]):
        for target in (here, there):
            query, variables = mutation(operation, target, client)
            before = stored(engine)
            body, text = post(callers[role], query, variables)
            case = f"{role} {operation} {target.region}"
            answer = (body.get("data") or {}).get(operation)
            if [m for m in there.markers if m in text]:
                failures.append(f"{case}: leaked the other township")
            if role not in ALLOWED[operation]:
                if not refused_for_role(body) or stored(engine) != before:
                    failures.append(f"{case}: expected FORBIDDEN and no change, got {text[:200]}")
            elif role in DEPARTMENT_REFUSED.get(operation, ()):
                codes = {e["code"] for e in answer.get("errors", [])} if answer else set()
                if codes != {"FORBIDDEN"} or stored(engine) != before:
                    failures.append(
                        f"{case}: expected the department refused and no change, got {text[:200]}"
                    )
            elif target is here and (answer is None or answer["__typename"] == "InputErrors"):
                failures.append(f"{case}: expected success, got {text[:300]}")
            elif target is there:
                codes = {e["code"] for e in answer.get("errors", [])} if answer else set()
                if (
                    answer is None
                    or answer["__typename"] != "InputErrors"
                    or not codes <= {"NOT_FOUND", "FORBIDDEN"}
                ):
                    failures.append(f"{case}: expected NOT_FOUND/FORBIDDEN, got {text[:300]}")
                elif stored(engine) != before:
                    failures.append(f"{case}: refused but the database changed")
    assert not failures, "\n".join(failures)


def test_identity_numbers_are_masked_for_roles_that_do_not_need_them(world):
    here, _, callers = world
    query = "query($id: ID!) { person(id: $id) { idNumber phone } }"
    seen = {
        role: post(callers[role], query, {"id": here.head})[0]["data"]["person"]
        for role in ("VILLAGE_CLERK", "TAX_INTEGRATOR", "AUDITOR")
    }
    assert "*" not in seen["VILLAGE_CLERK"]["idNumber"] and "*" not in seen["TAX_INTEGRATOR"]["idNumber"]
    masked = seen["AUDITOR"]
    assert (
        masked["idNumber"]
        == seen["VILLAGE_CLERK"]["idNumber"][:4] + "*" * 10 + seen["VILLAGE_CLERK"]["idNumber"][-4:]
    )
    assert masked["phone"].startswith("139") and "****" in masked["phone"]
    trail, text = post(callers["AUDITOR"], QUERIES["auditEvents"][0], None)
    assert trail["data"]["auditEvents"]["nodes"], "the auditor sees its township's trail"
    assert seen["VILLAGE_CLERK"]["idNumber"] not in text


def test_a_forged_token_is_unauthenticated_with_the_reason(world, client_as):
    here, _, callers = world
    forged = callers["COUNTY_ADMIN"]
    forged.headers["Authorization"] = forged.headers["Authorization"][:-4] + "AAAA"
    body, _ = post(forged, QUERIES["person"][0], {"id": here.head})
    assert not refused_for_role(body)  # not FORBIDDEN: the caller must sign in again
    [error] = body["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": "INVALID"}
    assert "令牌无效" in error["message"]


def test_the_matrix_covers_every_root_field_of_the_schema():
    from yibao.api.graphql.schema import default_schema

    roots = {*default_schema()._schema.query_type.fields, *default_schema()._schema.mutation_type.fields}
    # rules, region names and the labels of codes: no personal data
    public_reference_data = {"policyDiff", "region", "regions", "categories", "channels"}
    assert roots == set(ALLOWED) | public_reference_data
