"""Hardship identities (docs/contract/categories.md codes) held by a person over time."""

from datetime import date, datetime

from sqlmodel import CheckConstraint, Field, SQLModel

from ..distribution import county_of_row
from .base import utcnow


class CategoryFact(SQLModel, table=True):
    __tablename__ = "category_fact"
    __table_args__ = (CheckConstraint("until IS NULL OR since IS NULL OR until >= since", name="period"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    code: str = Field(max_length=40)
    since: date | None = None
    until: date | None = None
    # Department or roster it came from, e.g. "civil_affairs:2023-08-31".
    source: str = Field(max_length=100)
    grade: int | None = None
    # The roster import that asserted it, if one did (core/models/imports.py).
    import_job_id: int | None = Field(default=None, foreign_key="import_job.id", index=True)
    # The distribution column on Citus (docs/scaling.md §3, migration 0019): its person's county, stated
    # by the services (core/services/categories.py, rosters.py); the default reads it for a row written
    # without them.
    county_code: str = Field(max_length=6, sa_column_kwargs={"default": county_of_row("person", "person_id")})
    created_at: datetime = Field(default_factory=utcnow)
