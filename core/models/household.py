"""A household (户) and its members; the database allows one head per household."""

from datetime import datetime

from sqlmodel import Field, Index, SQLModel, text

from ..distribution import county_of_row, from_column
from .base import utcnow

# A household (户) has at most this many members: an extended rural family stays well within it,
# and the API's list costs count on it (api/cost.py).
MAX_HOUSEHOLD_MEMBERS = 20


class Household(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    address_region_code: str = Field(foreign_key="region.code", index=True, max_length=12)
    address: str | None = Field(default=None, max_length=200)
    # The distribution column on Citus (docs/scaling.md §3, migration 0018): its address's county.
    county_code: str = Field(max_length=6, sa_column_kwargs={"default": from_column("address_region_code")})
    created_at: datetime = Field(default_factory=utcnow)


class HouseholdMember(SQLModel, table=True):
    __tablename__ = "household_member"
    __table_args__ = (
        Index(
            "uq_household_member_one_head",
            "household_id",
            unique=True,
            sqlite_where=text("is_head"),
            postgresql_where=text("is_head"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    # A person belongs to one household at a time; moving is a change of this row.
    person_id: int = Field(foreign_key="person.id", unique=True)
    relation: str | None = Field(default=None, max_length=20)
    is_head: bool = False
    # The distribution column on Citus (docs/scaling.md §3, migration 0018): its household's county, stated by
    # the services (core/services/households.py); the default reads it for a row written without them.
    county_code: str = Field(
        max_length=6, sa_column_kwargs={"default": county_of_row("household", "household_id")}
    )
