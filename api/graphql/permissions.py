"""Which role may call which root field. A root field missing from the table is refused.

What a role may read below a root field — of a query's, a mutation's or a federation entity's
result — is the table of api/graphql/reads.py, checked for the whole document before anything runs.
Every row is read through the caller's region scope (core/scope.py), and ID and phone numbers are
masked, birth dates kept to the year, for roles that do not need them (`sees_identity`,
api/graphql/masking.py).
"""

from graphql import GraphQLError

from yibao.core.auth import AuthError, Role

from ..auth import UNAUTHENTICATED

R = Role
STAFF = {R.VILLAGE_CLERK, R.TOWNSHIP_OFFICER, R.COUNTY_ADMIN}
READERS = STAFF | {R.TAX_INTEGRATOR, R.AUDITOR}
EVERYONE = set(Role)
# Roles whose work needs whole ID and phone numbers (registering, collecting, matching tax records).
IDENTITY_ROLES = STAFF | {R.TAX_INTEGRATOR}

OPERATIONS: dict[str, set[Role]] = {
    # public rules: no token needed
    "policies": EVERYONE,
    "quote": EVERYONE,
    "policyDiff": EVERYONE,
    "region": EVERYONE,
    "regions": EVERYONE,
    "viewer": EVERYONE,  # who the token names; null without one (api/graphql/viewer.py)
    # the labels of codes, public like the rules
    "categories": EVERYONE,
    "channels": EVERYONE,
    # registry reads
    "person": READERS,
    "persons": READERS,
    "household": READERS,
    "households": READERS,
    "enrolment": READERS,
    "enrolments": READERS,
    "payments": READERS,
    "entitlements": READERS,
    # by whole ID number: a lookup that would confirm a guess at a masked one (api/graphql/masking.py)
    "coverage": IDENTITY_ROLES,
    "auditEvents": {R.AUDITOR, R.COUNTY_ADMIN},
    # changes
    "registerHousehold": STAFF,
    "changeHead": STAFF,
    "movePerson": STAFF,
    "enrol": STAFF,
    "recordPayment": STAFF | {R.TAX_INTEGRATOR},
    "payHousehold": STAFF | {R.TAX_INTEGRATOR},
    "reversePayment": {R.TOWNSHIP_OFFICER, R.COUNTY_ADMIN},
    "recordCategory": {R.ROSTER_UPLOADER, R.COUNTY_ADMIN},
    # collection rosters (缴费清册), change tables (变动表), departures
    "collectionRoster": READERS,
    "changeTable": READERS,
    "recordDeparture": STAFF,
    "enrolHousehold": STAFF,
    "readjustSubsidies": {R.TOWNSHIP_OFFICER, R.COUNTY_ADMIN},
    "addRegion": {R.COUNTY_ADMIN},
    # refunds (方政办明电〔2021〕35号 五（二）; 筑医保通〔2021〕34号 五（三）),
    # and the zero-declaration list (筑医保通〔2021〕34号 四（二）)
    "payRefunds": {R.TOWNSHIP_OFFICER, R.COUNTY_ADMIN},
    "setRefundPayee": STAFF,
    "recordRecovery": {R.TOWNSHIP_OFFICER, R.COUNTY_ADMIN},
    "terminateEnrolment": STAFF,
    "refundLedger": READERS,
    "zeroDeclarations": {R.COUNTY_ADMIN, R.TAX_INTEGRATOR, R.AUDITOR},
    # department rosters (花名册) → hardship identities: the upload and its job
    "importRoster": {R.ROSTER_UPLOADER, R.COUNTY_ADMIN},
    "importJob": {R.ROSTER_UPLOADER, R.COUNTY_ADMIN, R.TOWNSHIP_OFFICER, R.AUDITOR, R.VILLAGE_CLERK},
    # a village's collected roster (缴费清册) as payments (方政办明电〔2021〕35号 四（五）)
    "importPayments": STAFF,
    # a village's deposit slips (缴款单, 方政办明电〔2021〕35号 四（三）)
    "recordDepositSlips": STAFF,
    # reports of core and the plugins (api/graphql/reports.py), each scoped by the caller's region
    "reports": READERS,
    # a signed download link for one export (api/graphql/export_links.py); the download checks the role
    "exportLink": READERS,
    "reportCatalog": READERS,  # the reports' fields and columns, for clients (api/graphql/report_catalog.py)
    # Apollo Federation (api/graphql/federation.py): entities resolved through the caller's scope (a
    # gateway forwards its user's token), and the subgraph's SDL, which holds no data: readable with a
    # gateway's own GATEWAY token when it composes (docs/federation.md)
    "_entities": READERS,
    "_service": READERS | {R.GATEWAY},
    # the tax office's payment confirmations (方政办明电〔2021〕35号 四（五）, 五（二）)
    "importTaxConfirmations": {R.TAX_INTEGRATOR, R.COUNTY_ADMIN},
    "loadTargets": {R.TOWNSHIP_OFFICER, R.COUNTY_ADMIN},
    # last years' 参保底表 (东政办〔2021〕6号 四（六）1) and a person's history from it and the register
    "importHistory": {R.TOWNSHIP_OFFICER, R.COUNTY_ADMIN},
    "enrolmentHistory": READERS,
    "continuity": READERS,
    # other departments' name lists (筑医保通〔2021〕34号 四（三）; 贵医保组〔2023〕1号 六11、六12); a roster
    # uploader only its own department's (api/graphql/history.py)
    "importDepartmentList": {R.ROSTER_UPLOADER, R.COUNTY_ADMIN},
    # global object identification: what the lookups by id (person, household, …) give, to whom they give it
    "node": READERS,
}


def sees_identity(role: Role) -> bool:
    return role in IDENTITY_ROLES


def forbidden(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "FORBIDDEN"})


def unauthenticated(error: AuthError) -> GraphQLError:
    """A token was sent and not accepted: sign in again (`reason`: EXPIRED, INVALID, …)."""
    return GraphQLError(str(error), extensions={"code": UNAUTHENTICATED, "reason": error.reason})
