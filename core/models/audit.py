"""Who changed what: one row per mutation, written in the mutation's own transaction."""

from datetime import datetime
from typing import Any

from sqlmodel import JSON, Column, Field, SQLModel

from ..distribution import from_column
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
    # The distribution column on Citus (docs/scaling.md §3, migration 0018): the county of the actor's region
    # (core/distribution.py NO_REGION for none), stated by core/audit.py and core/access_log.py.
    county_code: str = Field(max_length=6, sa_column_kwargs={"default": from_column("region_code")})
