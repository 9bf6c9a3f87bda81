"""Everything stored, as plain data: comparing two of these proves a refusal changed nothing.

The access log's events (reads and exports, core/access_log.py) are left out: a refused or
repeated request may well have read something, and that is not a change.
"""

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, col

import yibao.core.models  # noqa: F401
from yibao.core.access_log import ACTIONS
from yibao.core.models import AuditEvent


def stored(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            table.name: sorted(tuple(map(repr, row)) for row in connection.execute(_changes(table)))
            for table in SQLModel.metadata.sorted_tables
        }


def _changes(table):
    if table.name == AuditEvent.__tablename__:
        return select(table).where(col(AuditEvent.action).not_in(ACTIONS))
    return select(table)
