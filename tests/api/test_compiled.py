"""The compiled path (api/graphql/compiled.py) answers exactly what graphql-core answers.

Every query shape below is sent by every role, once with the compiled path and once without it
(graphql-core executing field by field, as before), on both backends: the two responses must be
the same JSON — data, errors with their paths and codes — and must leave the same access-log
event. Shapes the compiled path knows must actually take it whenever the answer has no error
(a fallback would pass the comparison and lose the speed silently); the others must not.
"""

from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from bench.load import HOUSEHOLDS as BENCH_PAGE
from tests.support.tokens import bearer
from tests.support.villages import ELSEWHERE, TOWNSHIP, VILLAGE_A, VILLAGE_B, dongzhi_2021, household, person
from yibao.api.graphql import compiled, compiled_fields, compiled_http
from yibao.api.graphql.schema import YibaoSchema
from yibao.core.access_log import ACTIONS
from yibao.core.models import AuditEvent, Enrolment
from yibao.core.services.persons import PersonInput

ROLES = [
    ("COUNTY_ADMIN", "341721"),
    ("COUNTY_ADMIN", "340000"),
    ("COUNTY_ADMIN", "341702"),  # another county: sees only 赵五's household
    ("TOWNSHIP_OFFICER", TOWNSHIP),
    ("VILLAGE_CLERK", VILLAGE_A),
    ("VILLAGE_CLERK", VILLAGE_B),
    ("AUDITOR", "341721"),  # ID numbers, phones masked; no birth dates
    ("TAX_INTEGRATOR", "341721"),
    ("ROSTER_UPLOADER", "341721"),  # may not read households at all
    ("GATEWAY", "341721"),
    ("PUBLIC", None),
    ("BAD_TOKEN", None),
]

ENROLMENT = """fragment E on Enrolment {
  __typename id databaseId coverageYear policyId tier status channel enrolledOn amountDue subsidy
  subsidyCategory method terminatedOn terminationReason
}"""
PERSON = """fragment P on Person {
  id databaseId name idNumber noIdReason birthDate birthYear gender
  phone @skip(if: $skipPhone)
  enrolments @include(if: $withEnrolments) { ...E }
}"""

# (query, variables, whether the compiled path answers it when the answer has no error)
SHAPES = [
    (BENCH_PAGE, {"after": None}, True),
    (BENCH_PAGE, {"after": "aWQ6Mg=="}, True),  # after id 2
    (
        """query($first: Int, $skipPhone: Boolean!, $withEnrolments: Boolean!) {
          __typename
          a: households(first: $first) {
            __typename
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            edges { __typename cursor node { ...H } }
          }
          b: households(regionCode: "341721100002", first: 1) {
            nodes { databaseId boss: head { ...P } }
            totalCount
          }
        }
        fragment H on Household {
          id hid: id address ... on Node { databaseId }
          members { __typename relation isHead person { ...P } }
        }
        """
        + PERSON
        + ENROLMENT,
        {"first": 3, "skipPhone": False, "withEnrolments": True},
        True,
    ),
    (
        """query($skipPhone: Boolean!, $withEnrolments: Boolean!) {
          households(first: 100) {
            nodes {
              members { relation }
              members { isHead person { ...P } }
              ... on Household @include(if: $withEnrolments) { head { name } }
              head @skip(if: $skipPhone) { phone }
            }
          }
        }"""
        + PERSON
        + ENROLMENT,
        {"skipPhone": True, "withEnrolments": False},
        True,
    ),
    (
        "query($c: String) { households(last: 2, before: $c) { pageInfo { hasPreviousPage hasNextPage } "
        "nodes { address head { name idNumber } } } }",
        {"c": "aWQ6NQ=="},  # before id 5
        True,
    ),
    (
        "{ households(coverageYear: 2021, paid: false) "
        "{ nodes { id members { person { enrolments { status } } } } } }",
        {},
        True,
    ),
    ('{ households(search: "王") { nodes { id head { name birthDate } } totalCount } }', {}, True),
    (
        '{ households(regionCode: "341702001") '
        "{ nodes { id members { person { name enrolments { id } } } } } }",
        {},
        True,
    ),
    # The plain page read on the driver's cursor (api/graphql/compiled_roots.py): by region (known,
    # unknown, outside some callers' scope, null), after a cursor, with what is read only when asked.
    (
        """query($r: String, $after: String) {
          households(regionCode: $r, first: 2, after: $after) {
            pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
            totalCount
            nodes { id address }
          }
        }""",
        {"r": "341721", "after": "aWQ6MQ=="},  # after id 1
        True,
    ),
    ("{ households(regionCode: null, after: null, search: null) { totalCount nodes { id } } }", {}, True),
    ('{ households(regionCode: "999999") { totalCount pageInfo { hasNextPage } nodes { id } } }', {}, True),
    ('{ households(regionCode: "341702", first: 100) { nodes { id address } } }', {}, True),
    ("{ households(first: 0) { nodes { id } } }", {}, True),  # refused: the typed error
    # An enrolment's columns after its snapshot are read only when one of their fields is asked
    # (api/graphql/compiled_fields.py ENROLMENT_TAIL): the same persons' enrolments asked both ways
    # in one operation, and the tail's fields present or skipped by a variable.
    *(
        (
            """query($tail: Boolean!) { households(first: 5) { nodes { members { person {
              heads: enrolments { id status coverageYear }
              whole: enrolments { id channel @include(if: $tail) amountDue @include(if: $tail) }
              again: enrolments { policyId tier terminatedOn @include(if: $tail) }
            } } } } }""",
            {"tail": tail},
            True,
        )
        for tail in (True, False)
    ),
    # What the compiled path leaves to graphql-core: fields it does not know, other root fields, errors.
    # (None: a field it does not know is only met where there are rows to answer it for.)
    ("{ households { nodes { id addressRegion { code } } } }", {}, None),
    ("{ households { nodes { members { person { enrolments { snapshot } } } } } }", {}, None),
    # an argument the compiled reads do not apply (the ledger's year, for partition pruning)
    ("{ households { nodes { members { person { enrolments(coverageYear: 2022) { id } } } } } }", {}, None),
    ("{ households { nodes { members { person { hukouRegion { code } } } } } }", {}, None),
    ("{ households(orderBy: {field: ID, direction: DESC}) { nodes { id } } }", {}, True),
    ('{ households { nodes { id } } regions(parentCode: "341721") { code } }', {}, False),
    ("{ households(first: 500) { nodes { id } } }", {}, True),  # refused: the typed error
    ('{ households(after: "nonsense") { nodes { id } } }', {}, True),  # refused: a bad cursor
    ("{ persons { nodes { id name } } }", {}, False),
    ("mutation { changeHead(householdId: 1, personId: 1) { __typename } }", {}, False),
]


@pytest.fixture
def world(engine):
    campaign = dongzhi_2021(engine)
    # A newborn without an ID number, a member living elsewhere with a phone, and 2022 enrolments
    # with every column set, in and out of the clerk's villages.
    newborn = PersonInput(
        name="王小宝",
        hukou_region_code="341721",
        no_id_reason="NEWBORN",
        birth_date=date(2022, 1, 3),
        gender="F",
    )
    mover = person("刘九", date(1988, 9, 9), 61)
    mover.residence_region_code, mover.phone = ELSEWHERE, "13812345678"
    liu, baby = household(engine, VILLAGE_A, (mover, "户主"), (newborn, "子女"), address="东山村5组")
    with Session(engine) as session:
        for n, (person_id, region, status, method) in enumerate(
            (
                (liu, VILLAGE_A, "PAID", "UPFRONT"),
                (baby, ELSEWHERE, "ENROLLED", "COLLECT_THEN_REFUND"),
                (campaign.ids["wang"], VILLAGE_A, "TERMINATED", None),
            )
        ):
            session.add(
                Enrolment(
                    person_id=person_id,
                    coverage_year=2022,
                    region_code=region,
                    policy_id="anhui/341721/2022",
                    tier="STANDARD",
                    status=status,
                    snapshot={},
                    idempotency_key=f"compiled-{n}",
                    channel="WECHAT_OFFICIAL_ACCOUNT",
                    enrolled_on=date(2021, 10, 8),
                    amount_due_fen=32000 - n,
                    subsidy_fen=10050 if method else None,
                    subsidy_category="MINIMUM_LIVING" if method else None,
                    method=method,
                    terminated_on=date(2022, 3, 1) if status == "TERMINATED" else None,
                    termination_reason="DEATH" if status == "TERMINATED" else None,
                )
            )
        session.commit()
    return campaign


@pytest.fixture
def switch(monkeypatch):
    """Turns the compiled path on or off — in strawberry's operation (`on`) and before strawberry's
    view (`http`, api/graphql/compiled_http.py) — and records whether each request took them."""
    real, real_http = compiled.compiled_result, compiled_http.CompiledHTTP.answer
    state = {"on": True, "http": True, "taken": [], "answered": []}

    def compiled_or_not(execution):
        if not state["on"]:
            return None
        result = real(execution)
        state["taken"].append(result is not None)
        return result

    async def answered_or_not(self, scope, body):
        if not state["http"]:
            return None
        answer = await real_http(self, scope, body)
        state["answered"].append(answer is not None)
        return answer

    monkeypatch.setattr(compiled, "compiled_result", compiled_or_not)
    monkeypatch.setattr(compiled_http.CompiledHTTP, "answer", answered_or_not)
    return state


def headers(role: str, region: str | None) -> dict:
    if role == "PUBLIC":
        return {}
    if role == "BAD_TOKEN":
        return {"Authorization": "Bearer not-a-token"}
    return bearer(role, region)


def accesses_since(engine, after: int) -> list[tuple]:
    with Session(engine) as session:
        rows = session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.action).in_(ACTIONS), col(AuditEvent.id) > after)
            .order_by(AuditEvent.id)
        )
        return [(e.actor, e.role, e.region_code, e.action, e.entity_id, e.after) for e in rows]


def last_event(engine) -> int:
    with Session(engine) as session:
        return max(session.exec(select(AuditEvent.id)).all(), default=0)


def answer(client: TestClient, engine, query: str, variables: dict) -> tuple:
    """The response — status, headers and bytes as sent, the JSON they hold — and the access-log
    events it left."""
    before = last_event(engine)
    response = client.post("/graphql", json={"query": query, "variables": variables})
    sent = (response.status_code, response.headers.raw, response.content)
    return sent, response.json(), accesses_since(engine, before)


@pytest.mark.parametrize(("role", "region"), ROLES, ids=[f"{r}-{g}" for r, g in ROLES])
def test_the_compiled_path_answers_as_graphql_core_does(engine, app, world, switch, role, region):
    """Each shape three ways: graphql-core alone; the compiled path in strawberry's operation; and
    with the compiled answer before strawberry's view too, which answers a subset of what the
    compiled path answers (the plain page) and sends the same bytes, headers and event."""
    with TestClient(app, headers=headers(role, region)) as client:
        for query, variables, known in SHAPES:
            switch.update(on=False, http=False, taken=[], answered=[])
            expected = answer(client, engine, query, variables)
            assert switch["taken"] == []
            switch["on"] = True
            got = answer(client, engine, query, variables)
            assert got == expected, query
            if known is not None:
                answered = "errors" not in got[1]
                assert any(switch["taken"]) == (known and answered), (query, got[1])
            switch.update(http=True, taken=[])
            assert answer(client, engine, query, variables) == expected, query
            if switch["answered"][-1:] == [True]:
                assert known is not False and switch["taken"] == [], query  # strawberry's never ran
            else:
                assert switch["answered"] in ([], [False]), query


def test_answers_differ_by_role_where_they_should(engine, app, world, switch):
    """The comparison above is not between two empty answers: the shapes reach masked fields and
    scoped rows, and the roles see them differently."""
    query = (
        "{ households(first: 100) "
        "{ nodes { members { person { name idNumber phone enrolments { id } } } } } }"
    )

    def persons(role, region):
        with TestClient(app, headers=headers(role, region)) as client:
            _, body, _ = answer(client, engine, query, {})
        assert switch["answered"][-1]  # the compiled answer, before strawberry's view
        return [m["person"] for h in body["data"]["households"]["nodes"] for m in h["members"]]

    county, auditor, village_b = (
        persons("COUNTY_ADMIN", "341721"),
        persons("AUDITOR", "341721"),
        persons("VILLAGE_CLERK", VILLAGE_B),
    )
    liu = next(p for p in county if p["name"] == "刘九")
    assert liu["phone"] == "13812345678" and len(liu["enrolments"]) == 1
    masked = next(p for p in auditor if p["name"] == "刘九")
    assert masked["phone"] == "138****5678" and "*" in masked["idNumber"]
    assert {p["name"] for p in village_b} == {"张三", "孙七", "张老四", "钱六"}
    qian = next(p for p in village_b if p["name"] == "钱六")
    assert qian["enrolments"] == []  # enrolled in 贵池: not the village's to see
    baby = next(p for p in county if p["name"] == "王小宝")
    assert baby["idNumber"] is None and baby["enrolments"] == []  # her enrolment lies in 贵池


def test_the_bench_page_takes_the_compiled_path(engine, app, world, monkeypatch):
    """bench/page.py's page never reaches strawberry's operation (nor graphql-core's execution): it
    is answered before strawberry's view (api/graphql/compiled_http.py). Were it to fall back, the
    request would fail here."""

    async def no_operation(*args, **kwargs):
        raise AssertionError("strawberry ran the page's operation")

    monkeypatch.setattr(YibaoSchema, "execute", no_operation)
    with TestClient(app, headers=bearer("VILLAGE_CLERK", VILLAGE_A)) as client:
        body = client.post("/graphql", json={"query": BENCH_PAGE, "variables": {"after": None}}).json()
    assert "errors" not in body, body
    names = [m["person"]["name"] for h in body["data"]["households"]["nodes"] for m in h["members"]]
    assert "王大山" in names and "张三" not in names


def test_connections_go_back_to_the_pool_as_they_came(engine, app, world, monkeypatch):
    """On PostgreSQL a compiled page runs its statements without a transaction (psycopg's autocommit,
    api/graphql/compiled_fields.py): every connection is back in the pool with autocommit off, or
    the next unit of work on it would commit statement by statement."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's connections are used as they are")
    reading, checked_in = [], []
    original = compiled_fields._rows

    def rows(run, statement, params):
        reading.append(run.driver()[0].driver_connection.autocommit)
        return original(run, statement, params)

    def on_checkin(dbapi_connection, _record):
        checked_in.append(dbapi_connection.autocommit)

    monkeypatch.setattr(compiled_fields, "_rows", rows)
    event.listen(engine, "checkin", on_checkin)
    try:
        with TestClient(app, headers=bearer("VILLAGE_CLERK", VILLAGE_A)) as client:
            for after in (None, "aWQ6Mg=="):
                # The first page reads the caller's region path on its session (then kept per
                # process), which begins a transaction: that connection is left as it is.
                reading.clear()
                body = client.post(
                    "/graphql", json={"query": BENCH_PAGE, "variables": {"after": after}}
                ).json()
                assert "errors" not in body, body
    finally:
        event.remove(engine, "checkin", on_checkin)
    assert reading and all(reading)  # the second page's statements: without a transaction
    assert checked_in and not any(checked_in)


# Requests the compiled answer before strawberry's view leaves to it: each must get what it got before.
PAGE_BODY = {"query": BENCH_PAGE, "variables": {"after": None}}
HTTP_REQUESTS = [
    ({"json": PAGE_BODY}, True),
    ({"json": PAGE_BODY, "headers": {"content-type": "application/json; charset=utf-8"}}, True),
    ({"json": PAGE_BODY, "headers": {"accept": "application/json"}}, True),
    # streams: answered as the view answers them (it has no stream transport for a query)
    ({"json": PAGE_BODY, "headers": {"accept": "text/event-stream"}}, None),
    ({"json": PAGE_BODY, "headers": {"accept": "multipart/mixed;subscriptionSpec=1.0"}}, None),
    ({"json": PAGE_BODY, "headers": {"content-type": "text/plain"}}, False),  # 400
    ({"json": [PAGE_BODY]}, False),  # a batch
    ({"json": {**PAGE_BODY, "extensions": {"persistedQuery": {}}}}, False),
    ({"json": {**PAGE_BODY, "extensions": []}}, False),  # 400
    ({"json": {**PAGE_BODY, "operationName": "other"}}, False),  # an error
    ({"json": {**PAGE_BODY, "variables": {"after": 5}}}, False),  # a variable's error
    ({"json": {**PAGE_BODY, "variables": []}}, False),  # 400
    ({"json": {"query": BENCH_PAGE.replace("first: 20", "first: 101")}}, False),  # refused size
    ({"json": {"query": BENCH_PAGE.replace("first: 20", "frist: 20")}}, False),  # invalid
    ({"json": {"query": '{ households { nodes { __type(name: "Person") { name } } } }'}}, False),
    ({"json": {"query": "mutation { households { totalCount } }"}}, False),
    (
        {
            "content": b'{"query": "{ households { totalCount } }"',
            "headers": {"content-type": "application/json"},
        },
        False,
    ),
    ({"json": {"query": "{ households " + "{ nodes " * 1200 + "{ id }" + " }" * 1201}}, False),  # too deep
    ({"json": {"query": "{ households(first: 100) { nodes { id } } }"}}, True),
    ({"json": {"query": "query Page { households { nodes { id } } }", "operationName": "Page"}}, True),
]


@pytest.mark.parametrize(
    ("role", "region"), [("VILLAGE_CLERK", VILLAGE_A), ("ROSTER_UPLOADER", "341721"), ("PUBLIC", None)]
)
def test_what_the_compiled_answer_leaves_to_the_view_is_answered_as_before(
    engine, app, world, switch, role, region
):
    """The same response and event with the compiled answer before the view as without it; and it
    answers only the plain requests, and only for a role that may read households."""
    with TestClient(app, headers=headers(role, region)) as client:
        for request, plain in HTTP_REQUESTS:
            responses = []
            for http in (False, True):
                switch.update(http=http, answered=[])
                before = last_event(engine)
                response = client.post("/graphql", **request)
                sent = (response.status_code, response.headers.raw, response.content)
                responses.append((sent, accesses_since(engine, before)))
            assert responses[1] == responses[0], request
            if plain is not None:
                assert (switch["answered"] == [True]) == (plain and role == "VILLAGE_CLERK"), request
