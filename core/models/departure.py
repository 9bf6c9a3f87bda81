"""A person leaving resident insurance: death, moving away, or joining employee insurance.

The collection roster leaves them out and the change table (变动表) lists them as removed.
"""

from datetime import date, datetime

from sqlmodel import CheckConstraint, Field, SQLModel

from ..distribution import county_of_row
from .base import utcnow

REASONS = ("DEATH", "MOVED_OUT", "EMPLOYEE_INSURANCE")


class Departure(SQLModel, table=True):
    __table_args__ = (CheckConstraint(f"reason IN {REASONS}", name="reason"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", unique=True)
    reason: str = Field(max_length=20)
    departed_on: date
    note: str | None = Field(default=None, max_length=200)
    # The distribution column on Citus (docs/scaling.md §3, migration 0019): its person's county, stated by
    # core/services/departures.py; the default reads it for a row written without it.
    county_code: str = Field(max_length=6, sa_column_kwargs={"default": county_of_row("person", "person_id")})
    created_at: datetime = Field(default_factory=utcnow)
