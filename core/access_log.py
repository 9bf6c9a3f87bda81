"""The access log: who read or exported which persons' records, and when (PIPL 第五十五条 style).

One audit event per request — a GraphQL operation, an export download — that returned personal
data, never one per row: action `read` or `export`, entity `person`, `entity_id` naming what
was asked (the root fields, or the export), and `after = {"personIds": [...]}`, every person
whose record the answer held, sorted. Changes keep their own events (core/audit.py); the two
share the `audit_event` table, so `auditEvents(action: "read")` lists reads the way the trail
lists changes, by the region of the caller.

What was read is noted as the answer is built — a person, an enrolment, a household, an ID
number on an import row or a report — and resolved to person ids here, in a few queries.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from .audit import Actor
from .db import transaction
from .distribution import county_of_region
from .models import AuditEvent, Enrolment, HouseholdMember, Person
from .models.base import utcnow
from .regions import county_within

READ, EXPORT = "read", "export"
ACTIONS = (READ, EXPORT)
PERSON, ENROLMENT, HOUSEHOLD, ID_NUMBER = "person", "enrolment", "household", "id_number"
KINDS = (PERSON, ENROLMENT, HOUSEHOLD, ID_NUMBER)
_INSERT = insert(AuditEvent)
CHUNK = 1000  # keys per IN list: well inside SQLite's and PostgreSQL's parameter limits


@dataclass
class Subjects:
    """What one request's answer held, by the key each record names its person with."""

    keys: dict[str, set] = field(default_factory=lambda: {k: set() for k in KINDS})

    def note(self, kind: str, key) -> None:
        if key is not None:
            self.keys[kind].add(key)

    def __bool__(self) -> bool:
        return any(self.keys.values())


def _chunks(values: Iterable) -> Iterable[list]:
    values = sorted(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def person_ids(session: Session, subjects: Subjects, county: str | None = None) -> list[int]:
    """The persons behind the noted records: an enrolment's person, a household's members, the
    registered holder of an ID number (an import row's number may belong to nobody).

    `county`: the caller's, when it lies within one county (`Scope.county`): every enrolment and
    household it was shown is on that county's shard (docs/scaling.md §3), and the lookups say so."""
    found = set(subjects.keys[PERSON])
    lookups = (
        (ENROLMENT, Enrolment.person_id, Enrolment.id, Enrolment.county_code),
        (HOUSEHOLD, HouseholdMember.person_id, HouseholdMember.household_id, HouseholdMember.county_code),
        (ID_NUMBER, Person.id, Person.id_number, None),
    )
    for kind, person_column, key_column, county_column in lookups:
        in_county = () if county is None or county_column is None else (county_column == county,)
        for chunk in _chunks(subjects.keys[kind]):
            statement = select(person_column).where(col(key_column).in_(chunk), *in_county)
            found.update(session.exec(statement).all())
    return sorted(found)


class AccessLogError(RuntimeError):
    """The event could not be written, so the answer must not be sent (the log fails closed)."""


def record_access(
    engine: Engine,
    actor: Actor,
    action: str,
    request: str,
    subjects: Subjects,
    session: Session | None = None,
) -> None:
    """Writes the request's one event, in its own transaction; nothing when no person was read.

    `session`: the request's own session, when it has only read, without error: the event is
    written on its connection and committed with it, instead of through a unit of work of its own
    (a session, a pooled connection, its BEGIN and COMMIT — on PostgreSQL a ping and two round
    trips more), which cost a page's answer as much as its reads. The event is the same."""
    if not subjects:
        return
    try:
        if session is not None:
            _write(session, actor, action, request, subjects)
            session.commit()
            return
        with transaction(engine) as own:
            _write(own, actor, action, request, subjects)
    except Exception:
        # The driver's message would carry the statement's parameters — whole ID numbers among
        # them — into whatever logs the error: only the kind of failure goes on.
        why = "访问记录未能写入"
        raise AccessLogError(why) from None


def _write(session: Session, actor: Actor, action: str, request: str, subjects: Subjects) -> None:
    county = county_within(session, actor.region_code) if actor.region_code else None
    ids = person_ids(session, subjects, county)
    if not ids:
        return
    # A statement built once, not an object through the unit of work: every read writes one, and
    # the ORM's flush of it cost more than the rest of the log's work.
    row = _event(actor, action, request, ids)
    session.flush()  # returns at once when nothing is pending, as `run` does
    connection = session.connection()
    _insert(connection.dialect, connection.connection, row)


def record_read_on(dialect, dbapi_connection, actor: Actor, request: str, subjects: Subjects) -> bool:
    """Writes a read's event on a driver connection that has only read and commits each statement
    as it runs (SQLite's connections here, isolation_level None; psycopg's autocommit), so the event
    is committed when this returns, as `record_access` commits it. Only for subjects that are
    persons already: False, writing nothing, when some must be looked up (then `record_access`)."""
    if any(subjects.keys[kind] for kind in (ENROLMENT, HOUSEHOLD, ID_NUMBER)):
        return False
    ids = sorted(subjects.keys[PERSON])
    if not ids:
        return True
    try:
        _insert(dialect, dbapi_connection, _event(actor, READ, request, ids))
        dbapi_connection.commit()  # nothing to do in autocommit; were it not on, the event would wait
    except Exception:
        raise AccessLogError("访问记录未能写入") from None  # never the driver's message: see record_access
    return True


def _event(actor: Actor, action: str, request: str, ids: list[int]) -> dict:
    return {
        "at": utcnow(),
        "actor": actor.name,
        "role": actor.role,
        "region_code": actor.region_code,
        "county_code": county_of_region(actor.region_code),
        "action": action,
        "entity": "person",
        "entity_id": request[:40],
        "before": None,
        "after": {"personIds": ids},
    }


def _insert(dialect, dbapi_connection, row: dict) -> None:
    compiled = _compiled_insert(dialect, tuple(row))
    params = compiled.construct_params(row)
    for name, process in compiled._bind_processors.items():
        if name in params:
            params[name] = process(params[name])
    bound = [params[name] for name in compiled.positiontup] if compiled.positional else params
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(compiled.string, bound)
    finally:
        cursor.close()


# The event's INSERT as each dialect writes it (its SQL, casts and bind processors: the values
# bound are SQLAlchemy's own), run on the driver's cursor: Core's execution of a statement built
# once still cost the log's write more than the INSERT itself (its execution context, the
# parameters' checks, the result). One entry per dialect and set of columns.
_COMPILED: dict[tuple, Any] = {}


def _compiled_insert(dialect, columns: tuple[str, ...]):
    key = (dialect.name, dialect.driver, dialect.paramstyle, columns)
    found = _COMPILED.get(key)
    if found is None:
        found = _COMPILED[key] = _INSERT.compile(dialect=dialect, column_keys=list(columns))
    return found
