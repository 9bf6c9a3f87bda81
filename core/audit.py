"""The audit trail: every change records who made it, in the same transaction as the change."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, SQLModel

from .models import AuditEvent


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
    return {key: _plain(value) for key, value in row.model_dump().items()}


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
    session.add(
        AuditEvent(
            actor=actor.name,
            role=actor.role,
            region_code=actor.region_code,
            action=action,
            entity=type(entity).__tablename__,
            entity_id=str(getattr(entity, "id", None) or getattr(entity, "code", "")),
            before=before,
            after=None if removed else snapshot_of(entity),
        )
    )
