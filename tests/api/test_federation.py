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
    '@key(fields: "person { idNumber } coverageYear region { code }")',
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
        {
            "__typename": "Enrolment",
            "person": {"idNumber": number},
            "coverageYear": enrolment.coverage_year,
            "region": {"code": enrolment.region_code},
        },
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
            "region": representation["region"],
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


def test_the_sdl_carries_the_keys_of_federation_2(client_as):
    tax = client_as("TAX_INTEGRATOR", SHIZHI)

    sdl = gql(tax, "{ _service { sdl } }")["_service"]["sdl"]

    assert '@link(url: "https://specs.apollo.dev/federation/v2' in sdl
    for key in KEYS:
        assert key in sdl
    # A gateway reads it with a token: without one it is refused, even if introspection is on.
    public = client_as("PUBLIC")
    refused = public.post("/graphql", json={"query": "{ _service { sdl } }"}).json()
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
        {**mine[1], "region": {"code": FENGRUI}},  # another region than the enrolment's
        {"__typename": "Payment", "receiptNumber": "411322-2022-99999999"},
        {"__typename": "Enrolment", "coverageYear": 2022},  # an incomplete key
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
