"""Attack: read through a mutation's result what the role may not read through a query.

A department's roster uploader may record a hardship identity (`recordCategory`) and gets back
the person — and before issue 13 everything hanging off it: household, members, enrolments,
payments, phone, birth date. The read rule (api/graphql/reads.py) is one table checked for the whole
document before anything runs, so asking for such a field refuses the operation and records
nothing, however the field is reached: directly, aliased, in a named fragment, under @skip.
"""

import pytest
from sqlmodel import Session, select

from tests.support.db_state import stored
from tests.support.graphql_client import gql
from tests.support.residents import FAMILY, TOWNSHIP, populate
from tests.support.uploads import IMPORT_ROSTER, Upload, post_multipart
from yibao.core.models import CategoryFact

RECORD = """
mutation($input: RecordCategoryInput!) {
  recordCategory(input: $input) { __typename ... on Person { %s } ... on InputErrors { errors { code } } }
}"""
BEYOND_THE_UPLOADERS_WORK = {
    "household": "household { id address members { person { name idNumber } } }",
    "enrolments": "enrolments { id amountDue payments { amount paidOn } }",
    "payments": "enrolments { payments { receiptNumber } }",
    "phone": "phone",
    "birthDate": "birthDate",
    "birthYear": "birthYear",
    "gender": "gender",
    "hukouRegion": "hukouRegion { code }",
    "residenceRegion": "residenceRegion { code }",
}
SMUGGLED = {
    "alias": "id home: household { id }",
    "fragment": "id ...Home",
    "skipped": "id household @skip(if: true) { id }",
    "typename-only union": "id enrolments { __typename }",
}
FRAGMENT = "\nfragment Home on Person { household { members { person { name } } } }"


@pytest.fixture
def township(client_as):
    return populate(client_as)


def uploader(client_as):
    return client_as("ROSTER_UPLOADER", TOWNSHIP, department="CIVIL_AFFAIRS")


def recording(township, since: str = "2023-09-01") -> dict:
    head = township.person_ids[FAMILY[0].name]
    return {"input": {"personId": head, "code": "MINIMUM_LIVING", "since": since}}


def facts(engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(CategoryFact)).all())


def facts_before(state: dict) -> int:
    return len(state["category_fact"])


@pytest.mark.parametrize("asked", sorted(BEYOND_THE_UPLOADERS_WORK))
def test_a_roster_uploader_gets_no_more_than_whom_it_recorded_for(client_as, engine, township, asked):
    before = stored(engine)
    query = RECORD % f"id name {BEYOND_THE_UPLOADERS_WORK[asked]}"
    response = uploader(client_as).post("/graphql", json={"query": query, "variables": recording(township)})

    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "Person." in body["errors"][0]["message"]
    assert stored(engine) == before, "refused before it ran: no identity recorded, nothing audited"

    # What it may have: whom the identity was recorded for, and the identities.
    query = RECORD % "id name idNumber noIdReason categories { code since source }"
    person = gql(uploader(client_as), query, **recording(township, "2023-09-02"))["recordCategory"]
    head = FAMILY[0].id_number
    assert person["name"] == FAMILY[0].name
    assert person["idNumber"] == head[:4] + "*" * 10 + head[-4:]
    assert {"code": "MINIMUM_LIVING", "since": "2023-09-02"}.items() <= person["categories"][-1].items()
    assert facts(engine) == facts_before(before) + 1


@pytest.mark.parametrize("how", sorted(SMUGGLED))
def test_the_rule_holds_however_the_field_is_asked(client_as, engine, township, how):
    count = facts(engine)
    query = RECORD % SMUGGLED[how] + (FRAGMENT if "Home" in SMUGGLED[how] else "")
    asked = {"query": query, "variables": recording(township)}
    body = uploader(client_as).post("/graphql", json=asked).json()

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    assert facts(engine) == count


def test_only_the_uploader_is_narrowed(client_as, township):
    """The same selection of a person is refused to the uploader and read whole by every registry
    reader — through a mutation's result (the county administrator's recordCategory) as through
    their queries."""
    whole = " ".join(BEYOND_THE_UPLOADERS_WORK.values())
    asked = {"query": RECORD % whole, "variables": recording(township)}
    refused = uploader(client_as).post("/graphql", json=asked)
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    admin = client_as("COUNTY_ADMIN", TOWNSHIP)
    person = gql(admin, RECORD % whole, **recording(township))["recordCategory"]
    assert person["household"]["members"] and person["enrolments"][0]["payments"][0]["amount"] == "380.00"
    assert person["birthDate"] == FAMILY[0].born.isoformat()
    for role in ("VILLAGE_CLERK", "TOWNSHIP_OFFICER", "COUNTY_ADMIN", "TAX_INTEGRATOR", "AUDITOR"):
        nodes = gql(client_as(role, TOWNSHIP), f"{{ persons(first: 10) {{ nodes {{ {whole} }} }} }}")
        assert len(nodes["persons"]["nodes"]) == 5, role


def test_an_uploader_reads_its_own_departments_identities_and_jobs_only(client_as, engine, township):
    """A disability identity, and the disabled persons' federation's roster, are not civil affairs'
    business: its uploader gets the person without them, and the other job reads as absent."""
    admin = client_as("COUNTY_ADMIN", TOWNSHIP)
    disability = recording(township, "2023-05-01")
    disability["input"] |= {"code": "SEVERE_DISABILITY", "grade": 1}
    gql(admin, RECORD % "id", **disability)
    head = FAMILY[0]
    roster = f"姓名,身份证号码,类别,残疾等级\n{head.name},{head.id_number},重度残疾人,1\n"
    variables = {"file": Upload("残疾人花名册.csv", roster.encode()), "asOf": "2023-08-31"}
    federation = client_as("ROSTER_UPLOADER", TOWNSHIP, department="DISABLED_PERSONS_FEDERATION")
    variables |= {"source": "DISABLED_PERSONS_FEDERATION", "region": TOWNSHIP}
    body = post_multipart(federation, IMPORT_ROSTER, variables)
    other_job = body.json()["data"]["importRoster"]["id"]

    mine = gql(uploader(client_as), RECORD % "categories { code }", **recording(township))["recordCategory"]
    asked = "query($id: ID!) { person(id: $id) { categories { code } } }"
    whole = gql(admin, asked, id=township.person_ids[head.name])
    job = "query($id: ID!) { importJob(id: $id) { id source } }"

    assert {c["code"] for c in mine["categories"]} == {"MINIMUM_LIVING"}
    assert {c["code"] for c in whole["person"]["categories"]} == {"MINIMUM_LIVING", "SEVERE_DISABILITY"}
    assert gql(uploader(client_as), job, id=other_job)["importJob"] is None
    assert gql(uploader(client_as), job, id=township.import_job)["importJob"]["source"] == "CIVIL_AFFAIRS"
    assert gql(federation, job, id=other_job)["importJob"]["id"] == other_job
