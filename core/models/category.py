"""Hardship identities (docs/contract/categories.md codes) held by a person over time."""

from datetime import date, datetime

from sqlmodel import CheckConstraint, Field, SQLModel

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
    created_at: datetime = Field(default_factory=utcnow)
