"""What statements the code sends, and which ledger partitions PostgreSQL's plan for each reads.

The statements are captured as the code runs (a SQLAlchemy cursor listener), then EXPLAINed with
their own parameters, so a test of the plans fails when the code stops carrying the coverage year.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

from yibao.core.partitions import LEDGER

_PARTITION = re.compile(rf"\b((?:{'|'.join(LEDGER)})_(?:y\d{{4}}|default))\b")


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, object]]]:
    """Every (statement, parameters) sent through `engine` inside the block."""
    seen: list[tuple[str, object]] = []

    def listen(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def partitions_read(engine: Engine, statement: str, parameters) -> set[str]:
    """The ledger partitions named in PostgreSQL's plan of the statement, with its parameters."""
    connection = engine.raw_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {statement}", parameters)
            plan = "\n".join(row[0] for row in cursor.fetchall())
    finally:
        connection.rollback()
        connection.close()
    return set(_PARTITION.findall(plan))


def reading(statements: list[tuple[str, object]], matches: Callable[[str], bool]) -> list[tuple[str, object]]:
    return [(s, p) for s, p in statements if matches(" ".join(s.split()))]
