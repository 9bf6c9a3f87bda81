"""Who changed what: one row per mutation, written in the mutation's own transaction."""

from datetime import datetime
from typing import Any

from sqlmodel import JSON, Column, Field, SQLModel

from .base import utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64)
    role: str | None = Field(default=None, max_length=32)
    region_code: str | None = Field(default=None, max_length=12)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: str = Field(max_length=40)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
