"""Reads of personal data leave a trace: who read or exported which persons' records, and when.

PIPL 第五十五条 style: a clerk browsing a township, an auditor downloading its roster, a tax
subgraph resolving entities — each request that answered with persons' records writes one access
event (action `read` or `export`) naming the caller, role, region and every person id the answer
held; never one per row, and none for a request that held no personal data.
"""

import pytest
from sqlmodel import Session, col, select

from tests.support.graphql_client import gql
from tests.support.henan_reports import seed_campaign
from tests.support.ids import row_of
from tests.support.residents import COUNTY, ELDER, FAMILY, NEWBORN, TOWNSHIP, populate
from yibao.core.access_log import ACTIONS
from yibao.core.models import AuditEvent, Person


def accesses(engine) -> list[AuditEvent]:
    with Session(engine) as session:
        reads = select(AuditEvent).where(col(AuditEvent.action).in_(ACTIONS)).order_by(AuditEvent.id)
        return list(session.exec(reads))


def ids(township, *residents) -> list[int]:
    return sorted(row_of(township.person_ids[r.name]) for r in residents)


def test_a_query_writes_one_event_listing_every_person_it_answered_with(engine, client_as):
    township = populate(client_as)
    clerk = client_as("VILLAGE_CLERK", TOWNSHIP, name="clerk-041")
    before = len(accesses(engine))

    gql(clerk, "{ policies { id } regions { code } }")  # the rules: nobody's data
    assert len(accesses(engine)) == before
    gql(clerk, "{ persons(first: 10) { nodes { name household { members { relation } } } } }")

    [event] = accesses(engine)[before:]
    assert (event.actor, event.role, event.region_code) == ("clerk-041", "VILLAGE_CLERK", TOWNSHIP)
    assert (event.action, event.entity, event.entity_id) == ("read", "person", "query persons")
    assert event.after == {"personIds": ids(township, *FAMILY, ELDER, NEWBORN)}
    assert event.at is not None


def test_records_that_hang_off_a_person_name_that_person(engine, client_as):
    """A payment names its enrolment's person, a household its members, an import row the holder
    of its ID number, a change in the trail the person it changed."""
    township = populate(client_as)
    auditor = client_as("AUDITOR", COUNTY)
    head = FAMILY[0]
    asked = {
        "{ payments(first: 10) { nodes { amount } } }": ids(township, *FAMILY, ELDER, NEWBORN),
        f'{{ household(id: "{township.households[0]}") {{ address }} }}': ids(township, *FAMILY),
        f"{{ importJob(id: {township.import_job}) {{ rows {{ nodes {{ outcome }} }} }} }}": ids(
            township, head, ELDER
        ),
        # the uploader's recordCategory; a roster's rows are the import job's record, not the trail's
        '{ auditEvents(first: 100, entity: "category_fact") { nodes { action } } }': ids(township, ELDER),
        '{ _entities(representations: [{__typename: "Payment", receiptNumber: "'
        + township.receipts[0]
        + '"}]) { ... on Payment { amount } } }': ids(township, head),
    }
    for query, persons in asked.items():
        before = len(accesses(engine))
        gql(auditor, query)
        events = accesses(engine)[before:]
        assert [event.after for event in events] == [{"personIds": persons}], query


def test_a_mutation_result_is_a_read_too(engine, client_as):
    """The uploader reads whom it recorded an identity for; its change is in the trail as well."""
    township = populate(client_as)
    uploader = client_as("ROSTER_UPLOADER", TOWNSHIP, name="mz-01", department="CIVIL_AFFAIRS")
    before = len(accesses(engine))
    gql(
        uploader,
        "mutation($input: RecordCategoryInput!) { recordCategory(input: $input) { ... on Person { name } } }",
        input={"personId": township.person_ids[NEWBORN.name], "code": "MINIMUM_LIVING"},
    )
    [event] = accesses(engine)[before:]
    assert (event.actor, event.entity_id) == ("mz-01", "mutation recordCategory")
    assert event.after == {"personIds": ids(township, NEWBORN)}


def test_a_batch_writes_one_event_per_operation(engine, client_as):
    township = populate(client_as)
    clerk = client_as("VILLAGE_CLERK", TOWNSHIP)
    before = len(accesses(engine))
    batch = [
        {"query": f'{{ person(id: "{township.person_ids[ELDER.name]}") {{ name }} }}'},
        {"query": f'{{ household(id: "{township.households[0]}") {{ members {{ person {{ name }} }} }} }}'},
        {"query": "{ policies { id } }"},
    ]
    response = clerk.post("/graphql", json=batch)
    assert response.status_code == 200 and not any(r.get("errors") for r in response.json())

    events = accesses(engine)[before:]
    assert sorted(tuple(e.after["personIds"]) for e in events) == sorted(
        [tuple(ids(township, ELDER)), tuple(ids(township, *FAMILY))]
    )


def test_a_batch_of_compiled_pages_writes_one_event_per_operation(engine, client_as):
    """The compiled path marks the request's session for the log's write (api/graphql/context.py),
    per operation: each page of a batch writes its own event, each with its own persons."""
    township = populate(client_as)
    clerk = client_as("VILLAGE_CLERK", TOWNSHIP)
    page = (
        "query($after: String) { households(first: 1, after: $after) "
        "{ nodes { members { person { name } } } } }"
    )
    before = len(accesses(engine))
    batch = [{"query": page, "variables": {"after": None}}, {"query": "{ policies { id } }"}]
    first_household = township.households[0]
    batch.append({"query": f'{{ household(id: "{first_household}") {{ members {{ person {{ name }} }} }} }}'})
    response = clerk.post("/graphql", json=batch)
    assert response.status_code == 200 and not any(r.get("errors") for r in response.json())

    events = accesses(engine)[before:]
    assert [e.entity_id for e in events] == ["query households", "query household"]
    assert all(e.after["personIds"] for e in events)


def test_an_export_writes_one_event_for_the_whole_file(engine, client_as):
    township = populate(client_as)
    auditor = client_as("AUDITOR", COUNTY, name="audit-7")
    before = len(accesses(engine))

    response = auditor.get(f"/exports/collection-roster.csv?regionCode={TOWNSHIP}&coverageYear=2024")
    assert response.status_code == 200 and response.text.count("\n") >= 6  # heading + five persons

    [event] = accesses(engine)[before:]
    assert (event.actor, event.role, event.region_code) == ("audit-7", "AUDITOR", COUNTY)
    assert event.action == "export"
    assert event.entity_id == f"collection-roster.csv {TOWNSHIP} 2024"
    assert event.after == {"personIds": ids(township, *FAMILY, ELDER, NEWBORN)}

    refused = client_as("ROSTER_UPLOADER", TOWNSHIP, department="CIVIL_AFFAIRS")
    download = refused.get(f"/exports/change-table.csv?regionCode={TOWNSHIP}&coverageYear=2024")
    assert download.status_code == 403
    assert len(accesses(engine)) == before + 1, "a refused download read nobody"


def test_a_report_listing_persons_is_logged_over_graphql_and_as_a_download(engine, client_as):
    """方城县's 张榜公示 list masks names and numbers for everyone, and still records whose rows they were."""
    numbers = seed_campaign(engine)
    county = client_as("COUNTY_ADMIN", "411322")
    with Session(engine) as session:
        listed = {number: pid for pid, number in session.exec(select(Person.id, Person.id_number)).all()}
    before = len(accesses(engine))

    rows = gql(
        county,
        '{ reports { henanPublicNotice(regionCode: "411322", coverageYear: 2022) { rows { name } } } }',
    )["reports"]["henanPublicNotice"]["rows"]
    county.get("/exports/reports/henan_public_notice.xlsx?regionCode=411322&coverageYear=2022")
    gql(
        county,
        '{ reports { collectionProgress(regionCode: "411322", coverageYear: 2022) { rows { paid } } } }',
    )

    read, exported = accesses(engine)[before:]  # the progress report counts; it lists nobody
    on_notice = {"张三", "李小四", "欧阳小华", "王五", "钱七", "孙八"}
    assert len(rows) == len(on_notice)
    expected = sorted(listed[numbers[name]] for name in on_notice)
    assert (read.action, read.after) == ("read", {"personIds": expected})
    assert (exported.action, exported.after) == ("export", {"personIds": expected})


def test_the_auditor_reads_the_access_log(engine, client_as):
    township = populate(client_as)
    gql(client_as("VILLAGE_CLERK", TOWNSHIP, name="clerk-9"), "{ persons(first: 10) { nodes { name } } }")

    trail = gql(
        client_as("AUDITOR", COUNTY),
        '{ auditEvents(action: "read", first: 100) { nodes { actor action entityId after } } }',
    )["auditEvents"]["nodes"]
    mine = [event for event in trail if event["actor"] == "clerk-9"]
    assert mine == [
        {
            "actor": "clerk-9",
            "action": "read",
            "entityId": "query persons",
            "after": {"personIds": ids(township, *FAMILY, ELDER, NEWBORN)},
        }
    ]
    assert all(event["action"] == "read" for event in trail)


# A list through graphql-core, and a household page through the compiled path answered before
# strawberry's view (api/graphql/compiled_http.py), whose event is written on the connection that
# read the page; refused there, the request goes to the view, whose write is refused too.
UNLOGGABLE = [
    "{ persons(first: 10) { nodes { name } } }",
    "{ households(first: 10) { nodes { members { person { name idNumber } } } } }",
]


REFUSE_AUDIT_INSERTS = {
    "sqlite": [
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_event BEGIN SELECT RAISE(ABORT, '{why}'); END"
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RAISE EXCEPTION '{why}'; END $$",
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
    ],
}


@pytest.mark.parametrize("query", UNLOGGABLE, ids=["persons", "compiled-households"])
def test_an_answer_whose_reading_cannot_be_logged_is_not_sent(engine, client_as, query):
    """Fails closed: when the event cannot be written the caller gets an error instead of the data,
    and the error names no one (a driver's message would carry the statement's ID numbers)."""
    populate(client_as)
    # The database itself refuses the event, whichever way its INSERT is sent (the log writes it on
    # the driver's cursor, core/access_log.py), with a message naming a person.
    with engine.begin() as connection:
        for statement in REFUSE_AUDIT_INSERTS[engine.dialect.name]:
            connection.exec_driver_sql(statement.format(why=f"disk full while writing {FAMILY[0].id_number}"))
    try:
        clerk = client_as("VILLAGE_CLERK", TOWNSHIP)
        body = clerk.post("/graphql", json={"query": query}).json()
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "DROP TRIGGER refuse_audit" + ("" if engine.dialect.name == "sqlite" else " ON audit_event")
            )

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
    assert FAMILY[0].name not in str(body) and FAMILY[0].id_number not in str(body)
