"""A tax subgraph composing with ours: it reads our SDL and resolves our entities by its own keys.

The tax system holds ID numbers, coverage years, region codes and receipt numbers (方政办明电〔2021〕35号
四（五）: 税务局根据征集流水号完成开票、入库), never our row ids. Played here over HTTP with a
TAX_INTEGRATOR token of 释之街道: 凤瑞街道's rows resolve to null exactly like unknown ones.
"""

from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from tests.support.graphql_client import gql
from tests.support.tax import FENGRUI, SHIZHI, paid_resident
from yibao.core.models import Enrolment, Payment, Person

KEYS = (
    '@key(fields: "idNumber")',
    '@key(fields: "federationKey")',
    '@key(fields: "person { idNumber } coverageYear")',
    '@key(fields: "person { federationKey } coverageYear")',
    '@key(fields: "receiptNumber")',
)
ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Person { idNumber name enrolments { coverageYear } }
    ... on Enrolment { coverageYear region { code } person { idNumber } }
    ... on Payment { receiptNumber amount kind }
  }
}"""


def representations(engine, payment: Payment) -> list[dict]:
    """The three entities of one paid resident, keyed the way the tax system holds them."""
    with Session(engine) as session:
        enrolment = session.get(Enrolment, payment.enrolment_id)
        number = session.exec(select(Person.id_number).where(Person.id == enrolment.person_id)).one()
    return [
        {"__typename": "Person", "idNumber": number},
        {"__typename": "Enrolment", "person": {"idNumber": number}, "coverageYear": enrolment.coverage_year},
        {"__typename": "Payment", "receiptNumber": payment.receipt_number},
    ]


def resolved(representation: dict) -> dict:
    """What `_entities` answers for a representation of a visible row, under ENTITIES' selection."""
    kind = representation["__typename"]
    if kind == "Person":
        return {"idNumber": representation["idNumber"], "enrolments": [{"coverageYear": 2022}]}
    if kind == "Enrolment":
        return {
            "coverageYear": representation["coverageYear"],
            "region": {"code": SHIZHI},
            "person": representation["person"],
        }
    return {"receiptNumber": representation["receiptNumber"], "amount": "320.00", "kind": "PAYMENT"}


@contextmanager
def statements(engine):
    """Counts the SQL statements the engine runs inside the block."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def residents(engine):
    here = [paid_resident(engine, SHIZHI) for _ in range(6)]
    there = paid_resident(engine, FENGRUI)
    return here, there


def test_the_sdl_declares_federation_2_0_its_keys_and_shareable_value_types(client_as):
    tax = client_as("TAX_INTEGRATOR", SHIZHI)

    sdl = gql(tax, "{ _service { sdl } }")["_service"]["sdl"]

    # The lowest version covering @key and @shareable: every composer from 2.0 on accepts it.
    assert (
        'schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@key", "@shareable"])' in sdl
    )
    for key in KEYS:
        assert key in sdl
    for value_type in ("PageInfo", "FieldError", "InputErrors"):
        assert f"type {value_type} @shareable" in sdl


def test_a_gateway_reads_the_sdl_with_its_own_token_and_nothing_else(client_as, residents):
    here, _ = residents
    gateway = client_as("GATEWAY", SHIZHI, name="apollo-gateway")
    assert "type Person" in gql(gateway, "{ _service { sdl } }")["_service"]["sdl"]
    for query in ("{ persons { nodes { name } } }", '{ payments(regionCode: "341702") { nodes { id } } }'):
        refused = gateway.post("/graphql", json={"query": query}).json()
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", query
    receipt = {"__typename": "Payment", "receiptNumber": here[0].receipt_number}
    entities = gateway.post("/graphql", json={"query": ENTITIES, "variables": {"representations": [receipt]}})
    assert entities.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # Without a token it is refused, even with introspection on.
    refused = client_as("PUBLIC").post("/graphql", json={"query": "{ _service { sdl } }"}).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_more_representations_than_the_limit_are_refused(client_as):
    from yibao.api.graphql.limits import MAX_ENTITIES

    tax = client_as("TAX_INTEGRATOR", SHIZHI)
    representations = [{"__typename": "Person", "idNumber": str(n)} for n in range(MAX_ENTITIES + 1)]
    query = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"
    body = tax.post("/graphql", json={"query": query, "variables": {"r": representations}}).json()
    assert body["errors"][0]["extensions"]["code"] == "LIMIT"
    assert body["data"] is None


def test_entities_resolve_in_scope_and_others_are_null(engine, client_as, residents):
    here, there = residents
    tax = client_as("TAX_INTEGRATOR", SHIZHI)
    mine = representations(engine, here[0]) + representations(engine, here[1])
    theirs = representations(engine, there)
    unknown = [
        {"__typename": "Person", "idNumber": "411322199001010000"},
        {**mine[1], "coverageYear": 2030},  # a year the person was not enrolled for
        {"__typename": "Payment", "receiptNumber": "411322-2022-99999999"},
    ]

    answer = gql(tax, ENTITIES, representations=mine + theirs + unknown)["_entities"]

    want = [{"__typename": r["__typename"], **resolved(r)} for r in mine]
    for got in answer[: len(mine)]:
        got.pop("name", None)
    assert answer[: len(mine)] == want
    assert answer[len(mine) :] == [None] * (len(theirs) + len(unknown))


def test_a_larger_batch_costs_no_more_statements(engine, client_as, residents):
    here, there = residents
    tax = client_as("TAX_INTEGRATOR", SHIZHI)
    small = representations(engine, here[0]) + representations(engine, there)
    large = [r for payment in (*here, there) for r in representations(engine, payment)]
    gql(tax, ENTITIES, representations=small)  # warm: the first request reads its token's region

    with statements(engine) as few:
        gql(tax, ENTITIES, representations=small)
    with statements(engine) as many:
        answer = gql(tax, ENTITIES, representations=large)["_entities"]

    assert sum(a is not None for a in answer) == 3 * len(here)
    assert len(many) == len(few), many


def test_roles_that_do_not_see_identities_may_not_look_up_by_id_number(engine, client_as, residents):
    """A Person or Enrolment key is a whole ID number: resolving it would confirm a guess at a masked
    one (issue 13). The auditor is refused those, and resolves a payment by its receipt with the
    person's number masked."""
    here, _ = residents
    person, enrolment, payment = representations(engine, here[0])
    auditor = client_as("AUDITOR", SHIZHI)

    for key in (person, enrolment):
        body = auditor.post("/graphql", json={"query": ENTITIES, "variables": {"representations": [key]}})
        assert body.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body.json()["data"]["_entities"] == [None]
    query = (
        "query($r: [_Any!]!) { _entities(representations: $r) "
        "{ ... on Payment { enrolment { person { idNumber } } } } }"
    )
    audited = gql(auditor, query, r=[payment])["_entities"][0]["enrolment"]["person"]["idNumber"]

    number = person["idNumber"]
    assert audited == number[:4] + "*" * 10 + number[-4:]
    refused = client_as("PUBLIC").post("/graphql", json={"query": query, "variables": {"r": [payment]}})
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_malformed_representations_are_errors_at_their_index_and_the_rest_resolve(
    engine, client_as, residents
):
    here, _ = residents
    tax = client_as("TAX_INTEGRATOR", SHIZHI)
    person, enrolment, payment = representations(engine, here[0])
    sent = [
        person,
        5,  # not an object
        {"__typename": "Household", "id": "1"},  # not an entity
        {"__typename": "Person"},  # no key
        {"__typename": "Enrolment", "coverageYear": 2022},  # half a key
        {"__typename": "Enrolment", "person": {"idNumber": person["idNumber"]}, "coverageYear": "二〇二二"},
        {"__typename": "Person", "federationKey": "not-a-key"},
        {"__typename": "Payment", "receiptNumber": 17},
        payment,
    ]
    body = tax.post("/graphql", json={"query": ENTITIES, "variables": {"representations": sent}}).json()

    answer = body["data"]["_entities"]
    assert (
        answer[0]["idNumber"] == person["idNumber"]
        and answer[-1]["receiptNumber"] == payment["receiptNumber"]
    )
    assert answer[1:-1] == [None] * (len(sent) - 2)
    errors = {error["path"][1]: error for error in body["errors"]}
    assert sorted(errors) == list(range(1, len(sent) - 1))
    assert all(
        error["extensions"]["code"] == "INVALID" and error["path"][0] == "_entities"
        for error in errors.values()
    )
    assert "Enrolment" in errors[4]["message"] and "coverageYear" in errors[4]["message"]


FEDERATION_KEYS = """{ payments(regionCode: "%s") { nodes { receiptNumber
  enrolment { coverageYear person { federationKey idNumber name } } } } }"""


def test_a_federation_key_is_stable_opaque_and_resolves_for_roles_that_see_numbers_masked(
    engine, client_as, residents
):
    here, there = residents
    seen = {
        role: gql(client_as(role, SHIZHI), FEDERATION_KEYS % SHIZHI)["payments"]["nodes"]
        for role in ("TAX_INTEGRATOR", "AUDITOR", "VILLAGE_CLERK")
    }
    keys = {role: [n["enrolment"]["person"]["federationKey"] for n in nodes] for role, nodes in seen.items()}
    assert keys["TAX_INTEGRATOR"] == keys["AUDITOR"] == keys["VILLAGE_CLERK"]  # one key, whoever reads it
    assert len(set(keys["AUDITOR"])) == len(here)
    whole = [n["enrolment"]["person"]["idNumber"] for n in seen["TAX_INTEGRATOR"]]
    assert not any(
        number[6:14] in key or number in key for key, number in zip(keys["AUDITOR"], whole, strict=True)
    )
    again = gql(client_as("AUDITOR", SHIZHI), FEDERATION_KEYS % SHIZHI)["payments"]["nodes"]
    assert [n["enrolment"]["person"]["federationKey"] for n in again] == keys["AUDITOR"]  # stable

    auditor = client_as("AUDITOR", SHIZHI)
    key = keys["AUDITOR"][0]
    tampered = key[:-1] + ("a" if key[-1] != "a" else "b")
    sent = [
        {"__typename": "Person", "federationKey": key},
        {"__typename": "Enrolment", "person": {"federationKey": key}, "coverageYear": 2022},
        {"__typename": "Person", "federationKey": tampered},  # not ours: nothing, not an error
        {"__typename": "Enrolment", "person": {"federationKey": key}, "coverageYear": 2030},
    ]
    query = """query($r: [_Any!]!) { _entities(representations: $r) { __typename
      ... on Person { name idNumber federationKey } ... on Enrolment { coverageYear person { name } } } }"""
    answer = gql(auditor, query, r=sent)["_entities"]
    name = seen["AUDITOR"][0]["enrolment"]["person"]["name"]
    assert answer[0]["name"] == name and "*" in answer[0]["idNumber"] and answer[0]["federationKey"] == key
    assert answer[1] == {"__typename": "Enrolment", "coverageYear": 2022, "person": {"name": name}}
    assert answer[2:] == [None, None]

    # Another region's person, by its key, resolves to nothing for this caller, like an unknown one.
    theirs = gql(client_as("AUDITOR", FENGRUI), FEDERATION_KEYS % FENGRUI)["payments"]["nodes"]
    other = {"__typename": "Person", "federationKey": theirs[0]["enrolment"]["person"]["federationKey"]}
    assert gql(auditor, query, r=[other])["_entities"] == [None]
