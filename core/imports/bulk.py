"""Writing an import batch's rows in one statement, and planning its look-ups for their values.

Imports add hundreds of rows per batch (their per-row report, the facts a roster asserts):
PostgreSQL takes them with `COPY … FROM STDIN` (psycopg's `cursor.copy`), several times faster
than a multi-row INSERT; SQLite with INSERTs of up to 999 values each (`_insert_many`), each
value converted by its column type's own bind processor (as a Core insert would, without
building a parameter dictionary per row, which cost as much as SQLite's own work). Neither goes
through ORM objects: no identity map, no per-row flush. Defaults the models fill in Python
(`created_at`) must therefore be in the rows given.

A batch's look-ups (`job_id = … AND row_key IN (…)`) run with the same SQL text every batch, so
psycopg prepares them and PostgreSQL switches to a generic plan after five executions. Over an
`import_row` table that grew since it was last analysed, that plan scanned every row of the job
(366 ms a batch at 20,000 rows, against 3 ms with the plan for the actual values — issue 15), which
made an import's cost grow with the square of its rows. `custom_plans` keeps the planner looking
at the values: within it psycopg prepares nothing, so each statement is planned for its own
parameters. It used to `SET LOCAL plan_cache_mode = force_custom_plan` for the transaction, which
also re-planned the server's own cached plans at every use: the foreign-key check each `COPY`ed
row fires (and any PL/pgSQL trigger's statements), 2.4× the time of a roster batch's two `COPY`s.

`among` asks for a batch's values as one array parameter on PostgreSQL (`= ANY(%s)`): an
`IN (…)` of 500 parameters is rendered into the statement at every execution, and psycopg parses
such a long statement again each time (a fifth of a roster import's time).

`probe` goes further for the tables an import is filling: planned for its values, `= ANY(…)` was
still planned with the statistics of the table before the import (none, or an empty table's), by
which `job_id = …` looked selective and `person_id = ANY(…)` matched everything. PostgreSQL then
read every report row of the job through the (job_id, row_number) index and filtered it by key,
and scanned every stored identity for the batch's persons: a batch's look-ups grew with the rows
before it (2 → 7 ms and 1.4 → 4.3 ms per batch over a 40,000-row import, issue 15). Asked one value
at a time (a LATERAL subquery per value of the array), the planner has only an index search to
choose, whatever the statistics say.
"""

import functools
import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager

import psycopg
from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    String,
    Table,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from ..json_text import json_text


@contextmanager
def custom_plans(session: Session) -> Iterator[None]:
    """The session's statements within are planned for their parameters (PostgreSQL: psycopg
    prepares none of them; a no-op elsewhere), and for the rest of the transaction none is
    JIT-compiled. Triggers keep their cached generic plans."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    # Nor compiled: estimated from the statistics before the import, a batch's look-up of 500
    # index searches crossed jit_above_cost and spent 4 ms compiling for 1.5 ms of work.
    session.execute(text("SET LOCAL jit = off"))
    driver = session.connection().connection.driver_connection
    threshold = driver.prepare_threshold
    driver.prepare_threshold = None  # an unnamed statement is planned with its values
    try:
        yield
    finally:
        driver.prepare_threshold = threshold


def among(session: Session, column, values: Collection) -> ColumnElement[bool]:
    """`column IN values`, as `column = ANY(array)` on PostgreSQL and `column IN (SELECT value FROM
    json_each(?))` on SQLite: one parameter either way, so the statement's compiled form is reused
    (an `IN` of 500 literal parameters is compiled again at every execution: on SQLite a fifth of
    a roster batch's Python). Values are text or integers (ID numbers, keys, ids)."""
    column = col(column)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    listed = func.json_each(bindparam(None, json.dumps(list(values)), type_=String))
    return column.in_(select(literal_column("value")).select_from(listed).scalar_subquery())


def probe(session: Session, statement: Select, column, values: Collection) -> Select:
    """`statement` restricted to rows whose `column` is among `values`, found by one search of
    `column`'s index per value on PostgreSQL (see the module's docstring); `among` elsewhere (SQLite
    plans `IN (SELECT value FROM json_each(?))` as one search per value already). The rows come
    in no particular order."""
    column = col(column)
    if session.get_bind().dialect.name != "postgresql":
        return statement.where(among(session, column, values))
    given = func.unnest(bindparam(None, list(values), type_=ARRAY(column.type)))
    given = given.table_valued("value").render_derived()
    # OFFSET 0 keeps the subquery apart: pulled up into a plain join, it would be planned as one.
    each = statement.where(column == given.c.value).offset(0).lateral()
    return select(*each.c).select_from(given).join(each, true())


# The session's JSON documents, encoded once each whichever table they are written to (`share_documents`).
DOCUMENTS = "yibao_bulk_documents"


def share_documents(session: Session) -> None:
    """Until `session` ends, `insert_rows` encodes each document object once whichever of its
    rows and tables hold it: an import's batch writes its enrolments' snapshots to `enrolment` and
    again inside their audit images. For a caller that changes no document once it is written."""
    session.info[DOCUMENTS] = _Encoded()


def insert_rows(session: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Inserts `rows` (tuples in the order of `columns`) into `table` in the session's transaction."""
    rows = list(rows)
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        names = ", ".join(f'"{name}"' for name in columns)
        # JSON values as the text a Core insert sends (json_text; None is JSON null).
        documents = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
        binary = _binary_types(table, columns, connection.dialect)
        statement = f'COPY "{table.name}" ({names}) FROM STDIN' + (" (FORMAT BINARY)" if binary else "")
        encoded = session.info.get(DOCUMENTS) or _Encoded()
        try:
            with (
                connection.connection.driver_connection.cursor() as cursor,  # in the session's transaction
                cursor.copy(statement) as copy,
            ):
                if binary:
                    copy.set_types(binary)
                for row in rows:
                    if documents:
                        row = list(row)
                        for i in documents:
                            row[i] = encoded(row[i])
                    copy.write_row(row)
        except psycopg.errors.IntegrityError as exc:  # as SQLAlchemy reports it for its own statements
            raise IntegrityError(statement, None, exc) from exc
        return
    # JSON documents as the engine's serializer writes them (core/db.py), without the type's
    # wrapper's call per document; each other column by the bind processor a Core insert uses,
    # its type's implementation for SQLite: a date or a time as the text the ORM stores (the
    # type's own, generic, processor left times to the driver's adapter, which adds "+00:00").
    encoded = session.info.get(DOCUMENTS) or _Encoded()
    dialect = connection.dialect
    processors = [
        encoded
        if isinstance(table.c[name].type, JSON)
        else table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        for name in columns
    ]
    converting = [(i, process) for i, process in enumerate(processors) if process is not None]
    values: list = []  # the rows' converted values, one after another
    # The value last converted in each column and its conversion: a batch's rows often share one
    # (the batch's `created_at`, its job), and a datetime's conversion is an isoformat.
    last = {i: (object(), None) for i, _ in converting}
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"{len(row)} values for {len(columns)} columns of {table.name}")
        row = list(row)
        for i, process in converting:
            value = row[i]
            before, done = last[i]
            if value is not before:
                done = process(value)
                last[i] = (value, done)
            row[i] = done
        values += row
    width = len(columns)
    per = max(1, _VARIABLES // width)  # rows per INSERT
    for start in range(0, len(values), per * width):
        part = values[start : start + per * width]
        connection.exec_driver_sql(_insert_many(table.name, tuple(columns), len(part) // width), tuple(part))


# Bound values per statement: SQLite before 3.32 took at most 999.
_VARIABLES = 999


@functools.lru_cache(maxsize=64)
def _insert_many(table: str, columns: tuple[str, ...], rows: int) -> str:
    """`INSERT INTO table (columns) VALUES (?, …), (?, …), …` for `rows` rows: one statement for
    many rows, where the driver's `executemany` runs a statement per row. SQLite opens a statement
    journal for each statement that may fail midway (a trigger, a foreign key: the enrolment's and
    the payment's), and a batch of one-row statements took 32-52 µs a row of an enrolment or a
    payment where one of 70 rows takes 12-17 (issue 15). The same text for as many rows is one
    compiled statement in the driver's cache."""
    names = ", ".join(f'"{name}"' for name in columns)
    row = "(" + ", ".join("?" * len(columns)) + ")"
    return f'INSERT INTO "{table}" ({names}) VALUES ' + ", ".join([row] * rows)


# Each column type's binary form in a COPY: a JSON document goes as its text (what the server's
# `json` input reads), a string as its bytes. The text format instead escaped every backslash of
# the documents' \uXXXX (a Chinese character each) and the server took them apart again: 2,500
# audit events took 60-70 ms and 17-24 ms of the client's CPU that way, 52 ms and 4 ms in binary.
_BINARY = {
    "VARCHAR": "text",
    "JSON": "text",
    "INTEGER": "int4",
    "BOOLEAN": "bool",
    "DATE": "date",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}
_BINARY_OF: dict[tuple, list[str] | None] = {}


def _binary_types(table: Table, columns: Sequence[str], dialect) -> list[str] | None:
    """The COPY's binary types for `columns`, or None (text COPY) if one has a type not above."""
    key = (table.name, tuple(columns))
    if key not in _BINARY_OF:
        named = [table.c[name].type.compile(dialect=dialect).split("(")[0] for name in columns]
        _BINARY_OF[key] = [_BINARY[n] for n in named] if all(n in _BINARY for n in named) else None
    return _BINARY_OF[key]


class _Encoded:
    """A JSON column's encoding (core/json_text.py), once per document object of the rows being
    written: a payment's audit events name the same enrolment image two or three times (the
    enrolment as enrolled is the `after` of one event and the `before` of the next), and an
    enrolment's snapshot is written in its row as in its images. Each object is encoded once, and
    held, so that no id is reused while this lives. Its nested objects are encoded in place:
    orjson writes a snapshot in microseconds, where putting together texts encoded apart (json.dumps
    before) cost more Python than it saved."""

    def __init__(self):
        self.done: dict[int, str] = {}
        self.held: list = []  # every document encoded

    def __call__(self, value) -> str:
        if type(value) is not dict and type(value) is not list:
            return json_text(value)
        key = id(value)
        text = self.done.get(key)
        if text is None:
            text = self.done[key] = json_text(value)
            self.held.append(value)
        return text
