"""Engines and sessions for the embedded (SQLite) and production (PostgreSQL) stores."""

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from .json_text import json_text
from .settings import settings

DEFAULT_SQLITE_FILE = "yibao.db"


def database_url() -> str:
    """`YIBAO_DATABASE_URL`, or a SQLite file in the working directory."""
    if url := settings().database_url:
        return url
    return f"sqlite:///{Path.cwd() / DEFAULT_SQLITE_FILE}"


def normalise_url(url: str) -> str:
    """Accepts the usual `postgresql://` spelling and selects the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


# Marks a connection that will write: on SQLite its transaction takes the write lock at BEGIN.
WRITE = "yibao_write"


def make_engine(url: str | None = None, **kwargs) -> Engine:
    # An error's message never carries the statement's parameters (names, ID numbers) into a log.
    # JSON columns as orjson's compact text (core/json_text.py), by the ORM as by the bulk writes.
    kwargs = {"hide_parameters": True, "json_serializer": json_text, **kwargs}
    url = normalise_url(url or database_url())
    if url.startswith("sqlite"):
        _create_private(make_url(url).database)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs = {"pool_size": 10, "max_overflow": 10, **kwargs}  # see api/graphql/view.py `operations_at_once`
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _create_private(database: str | None) -> None:
    """Creates the embedded database file readable by its owner only, before SQLite would create
    it with the umask's mode (often world-readable). SQLite gives the -wal and -shm files it makes
    beside it the database file's permissions, so they are private too. An existing file is left
    as it is: its mode is the operator's choice."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    with suppress(FileExistsError):
        os.close(os.open(database, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # The driver's own transaction handling issues BEGIN only before the first INSERT, UPDATE or
    # DELETE, so a unit of work's checks would read outside its transaction and two workers could
    # both pass a check before either writes. yibao begins transactions itself (`_sqlite_begin`).
    dbapi_connection.isolation_level = None
    # Foreign keys are off by default in SQLite; WAL lets readers run beside a writer.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    """A unit of work takes SQLite's write lock before its first read (BEGIN IMMEDIATE), so what it
    checks cannot change before it writes: writers queue (busy_timeout) instead of racing. Plain
    read sessions begin nothing, and each of their statements sees what was last committed, as a
    READ COMMITTED transaction does on PostgreSQL."""
    if connection.get_execution_options().get(WRITE):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def run(session: Session, statement, params: dict):
    """Runs a statement built once (Core, bound parameters) on the session's connection, after
    flushing what the session holds unwritten, as its own `execute` would: without the ORM's
    per-statement work, which on a payment's few small reads costs more than the reads."""
    session.flush()  # returns at once when nothing is pending
    return session.connection().execute(statement, params)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back everything on any error."""
    with (
        Session(engine, expire_on_commit=False, execution_options={WRITE: True}) as session,
        session.begin(),
    ):
        yield session
