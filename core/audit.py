"""The audit trail: every change records who made it, in the same transaction as the change.

Inside a unit of work (core/services/unit.py) the events wait in the session and are written
together, in the order recorded, just before the commit (`write_pending`: one INSERT for up to 32
events): one event per change still, without a flush and a round trip for each.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session, SQLModel

from .distribution import COLUMN, county_of_region
from .imports.bulk import insert_rows
from .models import AuditEvent
from .models.base import utcnow

# The session's events not yet written; present only in a unit of work, which writes them.
PENDING = "yibao_audit_pending"
# Rows per INSERT. Each row count is its own statement and compiled form, kept for the process's
# life: 32 of them, the largest with 320 parameters, bound the memory whatever a unit of work records
# (an import's batch of hundreds of rows writes its events 32 at a time).
_CHUNK = 32


@dataclass(frozen=True)
class Actor:
    """Who is calling. Until tokens arrive this is what the caller says about itself."""

    name: str = "anonymous"
    role: str | None = None
    region_code: str | None = None


SYSTEM = Actor(name="system", role="system")


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot_of(row: SQLModel | None) -> dict[str, Any] | None:
    """A JSON-safe copy of a row's columns, for the before/after of an audit event."""
    if row is None:
        return None
    return image(row.model_dump())


def image(columns: dict[str, Any]) -> dict[str, Any]:
    """The same copy of a row already read as a mapping of its columns (a Core row's `_asdict()`).
    Without the county code: where a row is stored (migration 0018) is not what it says."""
    # Most values are kept as they are, told by their exact type without a call (an import's
    # batch images thousands of rows).
    return {
        key: value if type(value) in _AS_IS else _plain(value)
        for key, value in columns.items()
        if key != COLUMN
    }


def image_named(columns: dict[str, Any], names: Sequence[str], missing: dict[str, Any]) -> dict[str, Any]:
    """`image` of a row given by some of its columns: those `names`, in their order, each one
    `columns` lacks as `missing` gives it (else None). One pass: an import's batch images every
    row it writes."""
    return {
        name: value
        if type(value := columns[name] if name in columns else missing.get(name)) in _AS_IS
        else _plain(value)
        for name in names
        if name != COLUMN
    }


# Types `_plain` returns unchanged (not dates, not Decimal).
_AS_IS = frozenset({str, int, bool, float, type(None), dict, list})


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: SQLModel,
    before: dict[str, Any] | None = None,
    *,
    removed: bool = False,
) -> None:
    """Writes one event; for a removed entity its last state is the `before`."""
    session.flush()  # the entity's id and defaults exist before they are copied
    if removed:
        before = snapshot_of(entity)
    entity_id = str(getattr(entity, "id", None) or getattr(entity, "code", ""))
    after = None if removed else snapshot_of(entity)
    record_image(session, actor, action, type(entity).__tablename__, entity_id, before, after)


def record_image(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Writes one event from images the caller made (`image`) of a row it wrote without the ORM."""
    before, after = _unplaced(before), _unplaced(after)
    event = {
        "at": utcnow(),
        "actor": actor.name,
        "role": actor.role,
        "region_code": actor.region_code,
        "county_code": county_of_region(actor.region_code),
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "before": before,
        "after": after,
    }
    pending = session.info.get(PENDING)
    if pending is None:
        session.add(AuditEvent(**event))
    else:
        pending.append(event)


def _unplaced(columns: dict[str, Any] | None) -> dict[str, Any] | None:
    """An image without the county code, when the caller gave a row's columns as they are (an
    import's batch): where a row is stored is not what it says."""
    if columns is None or COLUMN not in columns:
        return columns
    return {key: value for key, value in columns.items() if key != COLUMN}


def write_pending(session: Session) -> None:
    """The unit of work's events, in the order recorded, in one INSERT per 32."""
    pending = session.info.get(PENDING) or []
    if len(pending) > _CHUNK:  # an import's batch: one COPY / INSERTs of many rows (core/imports/bulk.py)
        insert_rows(session, AuditEvent.__table__, _COLUMNS, ([row[n] for n in _COLUMNS] for row in pending))
        pending.clear()
        return
    connection = session.connection() if pending else None
    for start in range(0, len(pending), _CHUNK):
        rows = pending[start : start + _CHUNK]
        values = {f"{name}_{i}": value for i, row in enumerate(rows) for name, value in row.items()}
        connection.execute(_insert(len(rows)), values)
    pending.clear()


@functools.lru_cache(maxsize=_CHUNK)
def _insert(count: int):
    """An INSERT of `count` rows with named parameters, built once per count so that its compiled
    form is reused. (A Core multi-row `insert().values([...])` is compiled again at each execution,
    which cost more than the database's work; this is the same statement as text, its parameters
    typed by the table's columns.)"""
    table = AuditEvent.__table__
    rows = ", ".join("(" + ", ".join(f":{name}_{i}" for name in _COLUMNS) + ")" for i in range(count))
    quoted = ", ".join(f'"{name}"' for name in _COLUMNS)
    statement = text(f"INSERT INTO {table.name} ({quoted}) VALUES {rows}")
    return statement.bindparams(
        *(bindparam(f"{name}_{i}", type_=table.c[name].type) for i in range(count) for name in _COLUMNS)
    )


_COLUMNS = (
    "at",
    "actor",
    "role",
    "region_code",
    "county_code",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
)
