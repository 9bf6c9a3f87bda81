"""What the compiled path (api/graphql/compiled.py) can answer: per type, the fields it reads from
plain columns, each written to give exactly what the type's resolver gives (the differential test,
tests/api/test_compiled.py, holds the two to it for every field here, every role, both backends).

A household page reads, below the root field's own resolver: the households' members, their
persons, and the persons' enrolments — one statement each for all the objects of the level, of
the columns the fields read (never an enrolment's snapshot), as api/graphql/loaders.py reads them
through the caller's scope:

- members of a household the caller sees are visible (`Scope.visible(HouseholdMember)` is "its
  household is visible"), and the households here come from the root field's scoped list, so
  the members' statement needs no further condition;
- a member's person is visible for the same reason (`Scope.visible(Person)` includes "a member
  of a visible household");
- an enrolment is visible by its own region: the caller's region codes, read once per request,
  are bound as a list.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from datetime import date
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import event

from yibao.core.access_log import HOUSEHOLD, PERSON
from yibao.core.idcard import mask_id_number, mask_phone
from yibao.core.ids import global_ids
from yibao.core.money import fen_to_yuan
from yibao.core.scope import like_pattern

from .errors import refusing
from .types.enums import EnrolmentStatus, Gender
from .types.quote import SubsidyMethod

# The levels' statements, on the driver's own cursor: through SQLAlchemy, building the statement,
# expanding its IN lists and processing each row's values cost more than reading the rows (a third
# of the page). `{ids}` and `{codes}` become one placeholder per value; `?` the driver's own.
SCOPE_CODES = "SELECT code FROM region WHERE path LIKE ? ESCAPE '/'"
PERSON_COLUMNS = "p.id, p.name, p.id_number, p.no_id_reason, p.birth_date, p.gender, p.phone"
# A member's person is read with the member (every member has one): one round trip, not two.
MEMBERS = (
    f"SELECT m.household_id, m.relation, m.is_head, {PERSON_COLUMNS} FROM household_member m "
    "JOIN person p ON p.id = m.person_id WHERE m.household_id IN ({ids}){county} ORDER BY m.id"
)
PERSONS = f"SELECT {PERSON_COLUMNS} FROM person p WHERE p.id IN ({{ids}}){{county}}"
# An enrolment's columns before its snapshot (a few kB of JSON), and those after it: on SQLite a
# column stored after the snapshot is reached through the snapshot's overflow pages (a third more
# time for the statement). The tail is read only when a field of it is asked.
ENROLMENT_HEAD = "person_id, id, coverage_year, policy_id, tier, status"
ENROLMENT_TAIL = (
    ", channel, enrolled_on, amount_due_fen, subsidy_fen, subsidy_category, method, terminated_on, "
    "termination_reason"
)
ENROLMENTS = "SELECT {columns} FROM enrolment WHERE person_id IN ({ids}){scoped} ORDER BY coverage_year"
IN_SCOPE = " AND region_code IN ({codes})"
# For a caller within one county (`Scope.county`), each level names it: the households of its page
# are the county's, so are their members and the members' persons (a person's county is its
# household's, migration 0018), and the enrolments in its regions. On Citus, one shard answers
# (docs/scaling.md §3); here it is one more condition on rows the others already chose.
IN_COUNTY = {
    "members": " AND m.county_code = ? AND p.county_code = m.county_code",
    "persons": " AND p.county_code = ?",
    "enrolments": " AND county_code = ?",
}
MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}  # sqlite3, psycopg


class Member(NamedTuple):
    household_id: int
    relation: str | None
    is_head: bool
    person_id: int


class PersonRow(NamedTuple):
    id: int
    name: str
    id_number: str | None
    no_id_reason: str | None
    birth_date: date
    gender: str
    phone: str | None


class EnrolmentHead(NamedTuple):
    """An enrolment read without its tail: a tail field's getter fails on it (AttributeError),
    and the operation goes to graphql-core, never answers a None for a column not read."""

    person_id: int
    id: int
    coverage_year: int
    policy_id: str
    tier: str
    status: str


class EnrolmentRow(NamedTuple):
    person_id: int
    id: int
    coverage_year: int
    policy_id: str
    tier: str
    status: str
    channel: str | None
    enrolled_on: date | None
    amount_due_fen: int | None
    subsidy_fen: int | None
    subsidy_category: str | None
    method: str | None
    terminated_on: date | None
    termination_reason: str | None


def _day(value):
    """A DATE as SQLAlchemy's types give it: SQLite stores ISO text, PostgreSQL answers a date."""
    return value if value is None or isinstance(value, date) else date.fromisoformat(value)


def _rows(run, statement: str, params: list) -> list[tuple]:
    dbapi, mark = run.driver()
    cursor = dbapi.cursor()
    try:
        cursor.execute(statement if mark == "?" else statement.replace("?", mark), params)
        return cursor.fetchall()
    finally:
        cursor.close()


def driver(session) -> tuple[Any, str]:
    """The session's driver connection and its placeholder: asked of the session once per request
    (its `connection()` is some 20 µs of SQLAlchemy's bookkeeping, for each of a page's statements).
    The session keeps that connection until it is closed, after the operation."""
    connection = session.connection()
    mark = MARKS.get(connection.dialect.paramstyle)
    if mark is None:  # a driver this module does not know: graphql-core answers (api/graphql/compiled.py)
        raise NotImplementedError(connection.dialect.paramstyle)
    if connection.dialect.name == "postgresql":
        _without_transaction(connection)
    return connection.connection, mark


def leased(engine) -> tuple[Any, str, bool]:
    """A pooled driver connection of its own for a compiled page answered before strawberry's view
    (api/graphql/compiled_http.py), its placeholder, and whether its autocommit was turned on: a
    session's connection costs some 60 µs more to check out and return (its transaction, its
    events). On PostgreSQL its statements run without BEGIN and COMMIT, as `_without_transaction`
    explains; `give_back` turns autocommit off again before the connection goes back to the pool."""
    mark = MARKS.get(engine.dialect.paramstyle)
    if mark is None:
        raise NotImplementedError(engine.dialect.paramstyle)
    pooled = engine.raw_connection()
    flipped = False
    try:
        if engine.dialect.name == "postgresql":
            raw = pooled.driver_connection
            if raw.autocommit is False and raw.info.transaction_status.name == "IDLE":
                raw.autocommit = flipped = True
    except BaseException:
        pooled.invalidate()
        pooled.close()
        raise
    return pooled, mark, flipped


def give_back(pooled, flipped: bool) -> None:
    """Returns a `leased` connection to the pool as it came, or discards it when that fails."""
    try:
        if flipped:
            pooled.driver_connection.autocommit = False
    except BaseException:
        pooled.invalidate()
        raise
    finally:
        pooled.close()


# The pool record of a connection whose autocommit `_without_transaction` turned on.
AUTOCOMMITTED = "yibao_autocommitted"
_resetting: weakref.WeakSet = weakref.WeakSet()  # the engines whose pool turns it off again
_installing = threading.Lock()


def _without_transaction(connection) -> None:
    """On PostgreSQL, the request's statements run without BEGIN and COMMIT (psycopg's autocommit)
    until the connection goes back to the pool, which turns autocommit off again before anyone else
    can check it out (the pool's `reset` event, before its rollback and its `checkin`).

    The compiled path only reads, and its event is the one write (core/access_log.py, on this
    session only when everything before it only read). Under READ COMMITTED, PostgreSQL's default
    and the engine's, each statement of a transaction reads its own snapshot, as it does alone: a
    transaction around reads changes nothing they see, and an INSERT alone is committed when it
    returns, as the session's commit would have committed it. The two round trips they cost were a
    tenth of the page's wall time. A connection that has begun already (a statement before this
    one, on the same session) is left as it is."""
    pooled = connection.connection
    raw = pooled.driver_connection
    info = getattr(raw, "info", None)
    if raw.autocommit is not False or info is None or info.transaction_status.name != "IDLE":
        return
    engine = connection.engine
    if engine not in _resetting:
        with _installing:
            if engine not in _resetting:
                event.listen(engine, "reset", _autocommit_off)
                _resetting.add(engine)
    pooled.info[AUTOCOMMITTED] = True
    raw.autocommit = True


def _autocommit_off(dbapi_connection, record, _reset_state) -> None:
    """Turns autocommit off again as the connection goes back to the pool. Should it fail (a broken
    connection), the pool invalidates the connection rather than keep it."""
    if record is not None and record.info.pop(AUTOCOMMITTED, False):
        dbapi_connection.autocommit = False


def _marks(values: Sequence) -> str:
    return ", ".join("?" * len(values))


def scope_codes(run) -> list[str]:
    """The region codes at or below the caller's region (`Scope.visible`'s `codes_under`)."""
    return [code for (code,) in _rows(run, SCOPE_CODES, [run.scope.path_pattern])]


def codes_under(run, path: str) -> list[str]:
    """The region codes at or below the region whose path is `path` (core/regions.py `codes_under`)."""
    return [code for (code,) in _rows(run, SCOPE_CODES, [like_pattern(path)])]


# ---------------------------------------------------------------- rows by key, kept per request


def _kept(run, loader: str, keys: Sequence, read: Callable[[list], dict], empty: Any) -> list:
    """What `loader` holds for each key, reading the keys not read before in one statement."""
    known = run.kept.setdefault(loader, {})
    missing = [key for key in dict.fromkeys(keys) if key not in known]
    if missing:
        found = read(missing)
        for key in missing:
            known[key] = found.get(key, empty)
    return [known[key] for key in keys]


# A row's tuple made by tuple.__new__ itself: a NamedTuple's own __new__ is a Python function, one
# call per row more (a page makes some 240 rows).
_tuple = tuple.__new__


def _person(row: Sequence) -> PersonRow:
    return _tuple(PersonRow, (*row[:4], _day(row[4]), *row[5:]))


def _in_county(run, level: str, params: list) -> tuple[str, list]:
    """A level's condition on the caller's county (`IN_COUNTY`) and its parameters after `params`;
    none for a caller whose scope spans counties."""
    county = run.scope.county
    return ("", params) if county is None else (IN_COUNTY[level], [*params, county])


def _members(run, household_ids: Sequence[int]) -> list[list]:
    def read(ids):
        found: dict[int, list] = {}
        persons = run.kept.setdefault("persons", {})
        county, params = _in_county(run, "members", ids)
        for row in _rows(run, MEMBERS.format(ids=_marks(ids), county=county), params):
            household_id, relation, head, person_id = row[:4]
            member = _tuple(Member, (household_id, relation, bool(head), person_id))
            found.setdefault(household_id, []).append(member)
            persons[person_id] = _person(row[3:])
        return found

    return _kept(run, "members", household_ids, read, [])


def _persons(run, person_ids: Sequence[int]) -> list:
    def read(ids):
        county, params = _in_county(run, "persons", ids)
        statement = PERSONS.format(ids=_marks(ids), county=county)
        return {row[0]: _person(row) for row in _rows(run, statement, params)}

    return _kept(run, "persons", person_ids, read, None)


def _enrolments(run, person_ids: Sequence[int], whole: bool) -> list[list]:
    """The persons' enrolments in the caller's scope; `whole`: with the tail's columns."""

    def read(ids):
        codes = run.codes()
        columns = ENROLMENT_HEAD + ENROLMENT_TAIL if whole else ENROLMENT_HEAD
        if codes is None:
            statement, params = ENROLMENTS.format(columns=columns, ids=_marks(ids), scoped=""), ids
        else:
            scoped = IN_SCOPE.format(codes=_marks(codes)) if codes else " AND 1 = 0"
            params = [*ids, *codes]
            if codes:
                county, params = _in_county(run, "enrolments", params)
                scoped += county
            statement = ENROLMENTS.format(columns=columns, ids=_marks(ids), scoped=scoped)
        found: dict[int, list] = {}
        for row in _rows(run, statement, params):
            if whole:
                enrolment = _tuple(EnrolmentRow, (*row[:7], _day(row[7]), *row[8:12], _day(row[12]), row[13]))
            else:
                enrolment = _tuple(EnrolmentHead, row)
            found.setdefault(row[0], []).append(enrolment)  # its person_id
        return found

    # Kept apart: the heads read for one selection are not the whole rows another one asks for.
    return _kept(run, "enrolments" if whole else "enrolment heads", person_ids, read, [])


# ---------------------------------------------------------------- field kinds


def leaf(get: Callable[[Any], Any]):
    def complete(run, field_def, details, objects):
        return run.leaves(field_def, map(get, objects))

    return complete


def masked(get: Callable[[Any], Any], mask: Callable[[Any], Any]):
    """A leaf shown whole to roles that see identities (api/graphql/masking.py), else `mask`ed."""

    def complete(run, field_def, details, objects):
        if run.whole:
            return run.leaves(field_def, map(get, objects))
        return run.leaves(field_def, map(mask, map(get, objects)))

    return complete


def one(fetch: Callable[[Any, list], list]):
    def complete(run, field_def, details, objects):
        return run.value(field_def, details, fetch(run, objects))

    return complete


def many(fetch: Callable[[Any, list], list]):
    def complete(run, field_def, details, objects):
        return run.lists(field_def, details, fetch(run, objects))

    return complete


def many_selected(fetch: Callable[[Any, list, set[str]], list]):
    """`many`, whose read is told which fields are selected below it (their names)."""

    def complete(run, field_def, details, objects):
        return run.lists(field_def, details, fetch(run, objects, run.selected(field_def, details)))

    return complete


# ---------------------------------------------------------------- the types


def _node_id(kind: str):
    def complete(run, field_def, details, objects):
        return run.leaves(field_def, global_ids(kind, [o.id for o in objects]))

    return complete


def _members_of(run, households):
    return _members(run, [h.id for h in households])


def _heads_of(run, households):
    members = _members_of(run, households)  # with their persons
    heads = [next((m for m in each if m.is_head), None) for each in members]
    persons = _persons(run, [m.person_id for m in heads if m is not None])
    found = iter(persons)
    return [None if m is None else next(found) for m in heads]


def _person_of_member(run, members):
    return _persons(run, [m.person_id for m in members])


# The fields of an enrolment read from the tail's columns (ENROLMENT_TAIL).
TAIL_FIELDS = frozenset(
    {
        "channel",
        "enrolledOn",
        "amountDue",
        "subsidy",
        "subsidyCategory",
        "method",
        "terminatedOn",
        "terminationReason",
    }
)


def _enrolments_of(run, persons, selected: set[str]):
    return _enrolments(run, [p.id for p in persons], not selected.isdisjoint(TAIL_FIELDS))


def _nodes(run, connections):
    return [[edge.node.row for edge in c.edges] for c in connections]


def _edge_nodes(run, edges):
    return [edge.node.row for edge in edges]


def _member(enum, get: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`enum(get(row))`, by the enum's own table of values (a KeyError where the call would raise)."""
    members = enum._value2member_map_
    return lambda row: members[get(row)]


def _yuan(fen):
    return None if fen is None else fen_to_yuan(fen)


def _total_count(connection):
    with refusing():
        return connection.count()


FIELDS: dict[str, dict[str, Callable]] = {
    "HouseholdConnection": {
        "edges": many(lambda run, cs: [c.edges for c in cs]),
        "nodes": many(_nodes),
        "pageInfo": one(lambda run, cs: [c.page_info for c in cs]),
        "totalCount": leaf(_total_count),
    },
    "HouseholdEdge": {
        "cursor": leaf(attrgetter("cursor")),
        "node": one(_edge_nodes),
    },
    "PageInfo": {
        "hasNextPage": leaf(lambda p: p.found.has_next),
        "endCursor": leaf(lambda p: p.found.cursors[-1] if p.found.cursors else None),
        "hasPreviousPage": leaf(lambda p: p.found.has_previous),
        "startCursor": leaf(lambda p: p.found.cursors[0] if p.found.cursors else None),
    },
    "Household": {
        "id": _node_id("Household"),
        "databaseId": leaf(attrgetter("id")),
        "address": leaf(attrgetter("address")),
        "members": many(_members_of),
        "head": one(_heads_of),
    },
    "HouseholdMember": {
        "relation": leaf(attrgetter("relation")),
        "isHead": leaf(attrgetter("is_head")),
        "person": one(_person_of_member),
    },
    "Person": {
        "id": _node_id("Person"),
        "databaseId": leaf(attrgetter("id")),
        "idNumber": masked(attrgetter("id_number"), mask_id_number),
        "noIdReason": leaf(attrgetter("no_id_reason")),
        "name": leaf(attrgetter("name")),
        "birthDate": masked(attrgetter("birth_date"), lambda _: None),
        "birthYear": leaf(lambda p: p.birth_date.year),
        "gender": leaf(_member(Gender, attrgetter("gender"))),
        "phone": masked(attrgetter("phone"), mask_phone),
        "enrolments": many_selected(_enrolments_of),
    },
    "Enrolment": {
        "id": _node_id("Enrolment"),
        "databaseId": leaf(attrgetter("id")),
        "coverageYear": leaf(attrgetter("coverage_year")),
        "policyId": leaf(attrgetter("policy_id")),
        "tier": leaf(attrgetter("tier")),
        "status": leaf(_member(EnrolmentStatus, attrgetter("status"))),
        "channel": leaf(attrgetter("channel")),
        "enrolledOn": leaf(attrgetter("enrolled_on")),
        "amountDue": leaf(lambda e: _yuan(e.amount_due_fen)),
        "subsidy": leaf(lambda e: _yuan(e.subsidy_fen)),
        "subsidyCategory": leaf(attrgetter("subsidy_category")),
        "method": leaf(lambda e: None if e.method is None else SubsidyMethod(e.method)),
        "terminatedOn": leaf(attrgetter("terminated_on")),
        "terminationReason": leaf(attrgetter("termination_reason")),
    },
}

# The root fields answered here: their own resolver runs (api/graphql/compiled.py), then their type's fields.
ROOTS = {"households"}

# The keys api/graphql/access_log.py notes for an object of each type, for these rows.
SUBJECTS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "Household": (HOUSEHOLD, lambda h: h.id),
    "HouseholdMember": (PERSON, lambda m: m.person_id),
    "Person": (PERSON, lambda p: p.id),
    "Enrolment": (PERSON, lambda e: e.person_id),
}
