"""A resident, identified by a GB 11643 ID number or registered without one for a stated reason."""

from datetime import date, datetime

from sqlmodel import CheckConstraint, Field, Index, SQLModel, text

from ..distribution import county_of_person
from ..statuses import Gender, sql_in
from .base import utcnow

# 000_… 四（五）: newborns before registration, foreigners, people without hukou.
NO_ID_REASONS = ("NEWBORN", "FOREIGNER", "NO_HUKOU")


class Person(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("(id_number IS NULL) <> (no_id_reason IS NULL)", name="id_or_reason"),
        CheckConstraint(f"no_id_reason IN {NO_ID_REASONS}", name="no_id_reason"),
        CheckConstraint(f"gender IN {sql_in(Gender)}", name="gender"),
        # What a clerk's search reads (core/search.py, migration 0009_search). On PostgreSQL the
        # migration builds the name index comparing by code point (COLLATE "C"), as the search does.
        Index("ix_person_name", "name", "id"),
        Index("ix_person_id_suffix", text("substr(id_number, 15)")),
        Index("ix_person_phone", "phone"),
    )

    id: int | None = Field(default=None, primary_key=True)
    id_number: str | None = Field(default=None, max_length=18, unique=True)
    no_id_reason: str | None = Field(default=None, max_length=16)
    name: str = Field(max_length=64)
    birth_date: date
    gender: str = Field(max_length=1)
    hukou_region_code: str = Field(foreign_key="region.code", index=True, max_length=12)
    residence_region_code: str | None = Field(default=None, foreign_key="region.code", max_length=12)
    phone: str | None = Field(default=None, max_length=20)
    # The distribution column on Citus (docs/scaling.md §3, migration 0018): its household's county (a member
    # and its person are on one shard), stated by the services; without a household, where it lives.
    county_code: str = Field(max_length=6, sa_column_kwargs={"default": county_of_person})
    created_at: datetime = Field(default_factory=utcnow)
