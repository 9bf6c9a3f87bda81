"""An import batch's bulk writes (COPY on PostgreSQL, INSERTs of many rows on SQLite) store what the
ORM would; `among` and `probe` select what `IN` does, `probe` by one index search per value
whatever the table's statistics say; `custom_plans` plans the session's look-ups for their values
and leaves the server's own cached plans (foreign-key checks, triggers) alone."""

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, MetaData, Numeric, Table, event, text
from sqlalchemy.dialects import postgresql
from sqlmodel import Session, select

from tests.support.factories import id_number
from yibao.core.db import transaction
from yibao.core.imports.bulk import _binary_types, among, custom_plans, insert_rows, probe, share_documents
from yibao.core.imports.jobs import ROW_COLUMNS
from yibao.core.json_text import json_text
from yibao.core.models import (
    AuditEvent,
    CategoryFact,
    Enrolment,
    Entitlement,
    ImportJob,
    ImportRow,
    Payment,
    Person,
    Refund,
)

# With the county code every fact states (migration 0019).
COLUMNS = ("person_id", "code", "since", "until", "grade", "source", "created_at", "county_code")


def persons(engine, count: int) -> list[int]:
    with transaction(engine) as session:
        added = [
            Person(
                id_number=id_number("341721", date(1980, 1, 1), i),
                name=f"测试{i}",
                birth_date=date(1980, 1, 1),
                gender="M",  # id_number gives men by default
                hukou_region_code="341721",
            )
            for i in range(1, count + 1)
        ]
        session.add_all(added)
        session.flush()
        return [p.id for p in added]


def stored(engine) -> dict[str, tuple]:
    with Session(engine) as session:
        facts = session.exec(select(CategoryFact)).all()
    return {f.source: (f.person_id, f.code, f.since, f.until, f.grade, f.created_at) for f in facts}


def test_bulk_rows_read_back_as_the_orm_stores_them(engine):
    first, second = persons(engine, 2)
    # An aware time off UTC, a blank column, a text with a tab and a newline (COPY escapes them).
    at = datetime(2021, 9, 30, 20, 15, 1, 123456, tzinfo=timezone(timedelta(hours=8)))
    values = {
        "orm": (first, "MINIMUM_LIVING", date(2021, 1, 31), None, None, "orm", at, "341721"),
        "bulk": (
            *(second, "SEVERE_DISABILITY", date(2020, 2, 29), date(2021, 12, 31), 2, "bulk\t民政\n", at),
            "341721",
        ),
    }
    with transaction(engine) as session:
        session.add(CategoryFact(**dict(zip(COLUMNS, values["orm"], strict=True))))
    with transaction(engine) as session:
        insert_rows(session, CategoryFact.__table__, COLUMNS, [values["bulk"]])

    rows = stored(engine)
    assert rows["orm"] == (first, "MINIMUM_LIVING", date(2021, 1, 31), None, None, at.astimezone(UTC))
    assert rows["bulk\t民政\n"] == (
        second,
        "SEVERE_DISABILITY",
        date(2020, 2, 29),
        date(2021, 12, 31),
        2,
        at.astimezone(UTC),
    )


def test_dates_and_times_are_stored_as_the_text_the_orm_stores(engine):
    """A date and a time written by `insert_rows` are stored as the text an ORM write stores on
    SQLite (they used to take the driver's adapter's, with "+00:00"), so that they sort and
    compare alike; on PostgreSQL they are typed values."""
    first, *others = persons(engine, 3)
    at = datetime(2021, 9, 30, 20, 15, 1, 123456, tzinfo=timezone(timedelta(hours=8)))
    since = date(2021, 1, 31)
    with transaction(engine) as session:
        orm = (first, "MINIMUM_LIVING", since, None, None, "orm", at, "341721")
        session.add(CategoryFact(**dict(zip(COLUMNS, orm, strict=True))))
    with transaction(engine) as session:
        rows = [(pid, "MINIMUM_LIVING", since, None, None, "bulk", at, "341721") for pid in others]
        insert_rows(session, CategoryFact.__table__, COLUMNS, rows)
    with engine.connect() as connection:
        texts = connection.exec_driver_sql(
            "SELECT CAST(since AS TEXT), CAST(created_at AS TEXT) FROM category_fact ORDER BY id"
        ).all()
    assert [tuple(t) for t in texts] == [tuple(texts[0])] * 3
    if engine.dialect.name == "sqlite":
        assert tuple(texts[0]) == ("2021-01-31", "2021-09-30 12:15:01.123456")


def test_every_table_an_import_writes_is_copied_in_binary_on_postgresql():
    """A column of a type the binary COPY does not know sends its table back to the text COPY,
    whose escaping of the documents cost the client four times the CPU (bulk.py `_BINARY`)."""
    dialect = postgresql.dialect()
    tables = [AuditEvent, CategoryFact, ImportRow, Enrolment, Payment, Entitlement, Refund]
    for table in (model.__table__ for model in tables):
        types = _binary_types(table, [c.name for c in table.c], dialect)
        assert types is not None and len(types) == len(table.c), table.name
    assert types[[c.name for c in table.c].index("created_at")] == "timestamptz"
    unknown = Table("t", MetaData(), Column("amount", Numeric))
    assert _binary_types(unknown, ["amount"], dialect) is None


def test_bulk_json_documents_store_the_text_each_would_encode_to_alone(engine):
    """Documents sharing objects (an enrolment's images, their snapshot, a quote shared by rows
    alike) are encoded once each: the stored text is each document's own `json_text`, the text an
    ORM write stores (the engine's serializer), whatever they share."""
    quote = {f"k{i}": f"值{i}" for i in range(9)} | {"citations": ["东政办〔2021〕6号 二"]}
    snapshot = {"facts": {"events": [], "guardian": None}, "quote": quote}
    enrolled = {"id": 7, "status": "ENROLLED", "snapshot": snapshot, "first_paid_on": None, "ok": True}
    paid = enrolled | {"status": "PAID"}
    documents = [
        (enrolled, None),
        (enrolled, paid),
        (paid, paid | {"amount_due_fen": 32000}),
        ([snapshot, 1, 2.5], {}),
        ({"other": {"quote": quote}}, {1: "a key that is not text", "lone": "\ud800"}),
    ]
    columns = ("at", "actor", "action", "entity", "entity_id", "county_code", "before", "after")
    at = datetime(2021, 10, 8, tzinfo=UTC)
    rows = [(at, "bulk", f"a{i:02d}", "enrolment", "7", "341721", *pair) for i, pair in enumerate(documents)]
    with transaction(engine) as session:
        insert_rows(session, AuditEvent.__table__, columns, rows)
        session.add(AuditEvent(actor="orm", action="a00", entity="enrolment", entity_id="7", after=paid))
    assert _stored_documents(engine, "bulk") == [tuple(json_text(d) for d in pair) for pair in documents]
    assert _stored_documents(engine, "orm") == [(json_text(None), json_text(paid))]
    stored = [tuple(json.loads(text) for text in pair) for pair in _stored_documents(engine, "bulk")]
    assert stored[1] == (enrolled, paid) and stored[4][1] == {"1": "a key that is not text", "lone": "\ud800"}


def test_documents_shared_by_a_session_s_writes_store_the_same_text_in_each(engine):
    """`share_documents`: a document written by two statements of a unit of work (an enrolment's
    snapshot, in its row and in its audit image) is encoded once, and reads as its own json_text
    in both; documents made after others were written are not taken for them."""
    snapshot = {"quote": {f"k{i}": f"值{i}" for i in range(9)}, "facts": {"events": []}}
    columns = ("at", "actor", "action", "entity", "entity_id", "county_code", "before", "after")
    at = datetime(2021, 10, 8, tzinfo=UTC)
    with transaction(engine) as session:
        share_documents(session)
        insert_rows(
            session, AuditEvent.__table__, columns, [(at, "shared", "a0", "e", "1", "341721", snapshot, None)]
        )
        second = [
            (
                at,
                "shared",
                f"a{i}",
                "e",
                "1",
                "341721",
                {"id": i, "snapshot": snapshot},
                {"n": i, "list": [i]},
            )
            for i in range(1, 4)
        ]
        insert_rows(session, AuditEvent.__table__, columns, second)
    expected = [(snapshot, None)] + [(row[6], row[7]) for row in second]
    assert _stored_documents(engine, "shared") == [tuple(json_text(d) for d in pair) for pair in expected]


def _stored_documents(engine, actor: str) -> list[tuple]:
    """The (before, after) texts of `actor`'s audit events as stored, in action order."""
    cast = "::text" if engine.dialect.name == "postgresql" else ""
    with engine.connect() as connection:
        stored = connection.execute(
            text(f"SELECT before{cast}, after{cast} FROM audit_event WHERE actor = :actor ORDER BY action"),
            {"actor": actor},
        ).all()
    return [tuple(row) for row in stored]


def test_rows_beyond_one_statement_are_all_stored_in_order_by_a_few_statements(engine):
    """SQLite takes a batch as INSERTs of many rows each (at most 999 values a statement), not one
    statement per row; PostgreSQL as one COPY."""
    names = ("at", "actor", "action", "entity", "entity_id", "after", "county_code")  # 142 rows a statement
    at = datetime(2021, 9, 30, 12, tzinfo=UTC)
    after = [{"n": i, "名": "张三"} for i in range(300)]
    rows = [(at, "bulk", f"change_{i}", "person", str(i), after[i], "341721") for i in range(300)]
    inserts = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().replace('"', "").startswith("INSERT INTO AUDIT_EVENT"):
            inserts.append(statement.count("?"))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with transaction(engine) as session:
            insert_rows(session, AuditEvent.__table__, names, rows)
    finally:
        event.remove(engine, "before_cursor_execute", seen)

    sqlite = engine.dialect.name == "sqlite"
    assert inserts == ([142 * 7, 142 * 7, 16 * 7] if sqlite else [])
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.entity_id, e.after, e.at) for e in events] == [
        (f"change_{i}", str(i), after[i], at) for i in range(300)
    ]


def test_bulk_rows_roll_back_with_their_transaction(engine):
    (person,) = persons(engine, 1)
    try:
        with transaction(engine) as session:
            insert_rows(
                session,
                CategoryFact.__table__,
                COLUMNS,
                [(person, "MINIMUM_LIVING", None, None, None, "gone", datetime.now(UTC), "341721")],
            )
            raise RuntimeError("the batch fails after writing")
    except RuntimeError:
        pass
    assert stored(engine) == {}


def test_among_selects_the_given_values_only(engine):
    ids = persons(engine, 5)
    numbers = [id_number("341721", date(1980, 1, 1), i) for i in (2, 4)] + ["341721198001019999"]
    with transaction(engine) as session, custom_plans(session):
        found = session.exec(select(Person.id).where(among(session, Person.id_number, numbers))).all()
        none = session.exec(select(Person.id).where(among(session, Person.id, []))).all()
    assert sorted(found) == [ids[1], ids[3]]
    assert none == []


def test_probe_selects_the_given_values_with_the_statement_s_own_conditions(engine):
    ids = persons(engine, 4)
    now = datetime.now(UTC)
    facts = [(ids[0], "MINIMUM_LIVING", None, None, None, "a", now, "341721")]
    facts += [(ids[1], "MINIMUM_LIVING", None, None, None, "b", now, "341721")]
    facts += [(ids[1], "SEVERE_DISABILITY", None, None, 2, "c", now, "341721")]
    facts += [(ids[2], "MINIMUM_LIVING", None, None, None, "d", now, "341721")]
    with transaction(engine) as session:
        insert_rows(session, CategoryFact.__table__, COLUMNS, facts)
    with transaction(engine) as session, custom_plans(session):
        statement = select(CategoryFact.source, CategoryFact.person_id).where(
            CategoryFact.code == "MINIMUM_LIVING"
        )
        found = session.execute(probe(session, statement, CategoryFact.person_id, ids[1:])).all()
        none = session.execute(probe(session, statement, CategoryFact.person_id, [])).all()
    assert sorted(found) == [("b", ids[1]), ("d", ids[2])]
    assert none == []


def _job(session: Session) -> int:
    job = ImportJob(
        kind="ROSTER", dedup_key="k", file_sha256="s", filename="f.csv", region_code="341721", actor="t"
    )
    session.add(job)
    session.flush()
    return job.id


def test_probe_searches_the_key_index_of_a_table_analysed_while_empty(engine):
    """The report rows of a job, looked up by key after the table grew since its statistics were
    taken (empty): `job_id = … AND row_key = ANY(…)` read every row of the job through an index
    on PostgreSQL, searched by `job_id` alone; the probe searches (job_id, row_key) per key."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite plans json_each's values one search each already")
    with transaction(engine) as session:
        session.execute(text("ANALYZE import_row"))
    rows = 5000
    with transaction(engine) as session:
        job_id = _job(session)
        report = [(job_id, n, "IMPORTED", None, None, "", None, f"{n:016x}") for n in range(2, rows + 2)]
        insert_rows(session, ImportRow.__table__, ROW_COLUMNS, report)
    keys = [f"{n:016x}" for n in range(2, rows + 2, 10)]
    with transaction(engine) as session, custom_plans(session):
        statement = probe(
            session, select(ImportRow.row_key).where(ImportRow.job_id == job_id), ImportRow.row_key, keys
        )
        compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        plan = "\n".join(row[0] for row in session.execute(text(f"EXPLAIN {compiled}")))
        found = session.execute(statement).scalars().all()
    assert sorted(found) == sorted(keys)
    # The key in the index search, not a filter over every row of the job the search found.
    assert re.search(r"Index (Only )?Scan using ix_import_row_job_key on import_row", plan), plan
    assert re.search(r"Index Cond: \(\(job_id = \d+\) AND \(row_key = ", plan), plan
    assert "Seq Scan on import_row" not in plan and "Filter" not in plan, plan


def test_custom_plans_prepare_nothing_and_leave_the_server_s_plans_alone(engine):
    """Within `custom_plans` a statement run again and again is planned each time for its values
    (psycopg prepares none), while the server's cache mode stays `auto`: forcing custom plans
    re-planned every foreign-key check of a COPY, 2.4× the time of a roster batch's writes."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's prepared statements and plan cache")
    ids = persons(engine, 2)
    with transaction(engine) as session:
        driver = session.connection().connection.driver_connection
        threshold = driver.prepare_threshold
        with custom_plans(session):
            for _ in range(threshold + 3):
                session.execute(select(Person.id).where(among(session, Person.id, ids))).all()
            prepared = session.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one()
            modes = session.execute(
                text("SELECT current_setting('plan_cache_mode'), current_setting('jit')")
            ).one()
        assert driver.prepare_threshold == threshold  # the pooled connection as it was
    assert prepared == 0
    assert tuple(modes) == ("auto", "off")
