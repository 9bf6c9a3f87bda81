"""Coverage periods: the days on which benefits are paid, and why."""

from datetime import date

from sqlmodel import CheckConstraint, Field, SQLModel

from ..distribution import county_of_row


class Entitlement(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="period"),
        CheckConstraint(
            "waiting_until IS NULL OR waiting_until >= start_date",
            name="waiting",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    enrolment_id: int = Field(foreign_key="enrolment.id", index=True)
    # Its enrolment's year: the ledger's partition key on PostgreSQL (migration 0013, docs/scaling.md §2).
    coverage_year: int
    person_id: int = Field(foreign_key="person.id", index=True)
    start_date: date
    end_date: date
    # Last day of a waiting period inside the period, if any (e.g. late payers).
    waiting_until: date | None = None
    reason: str = Field(max_length=200)
    # The distribution column on Citus (docs/scaling.md §3, migration 0018): its enrolment's county, stated
    # by the services (core/services/coverage.py); the default reads it for a row written without them.
    county_code: str = Field(
        max_length=6, sa_column_kwargs={"default": county_of_row("enrolment", "enrolment_id")}
    )
