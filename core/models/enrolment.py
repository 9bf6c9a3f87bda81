"""Enrolment: one person in one coverage year, with a snapshot of what was decided."""

from datetime import date, datetime
from typing import Any

from sqlmodel import JSON, CheckConstraint, Column, Field, Index, Integer, SQLModel, UniqueConstraint, text

from ..distribution import from_column
from ..statuses import EnrolmentStatus, sql_in
from .base import utcnow

# The ledger's summary each enrolment carries (migration 0011 keeps it with triggers).
LEDGER_COLUMNS = ["first_paid_on", "first_paid_fen", "ledger_reversed"]
REPORT_COLUMNS = [
    "id",
    "person_id",
    "status",
    "enrolled_on",
    "terminated_on",
    "amount_due_fen",
    *LEDGER_COLUMNS,
]
# The same columns in id order (migration 0010): what the year's ledger (payment by enrolment_id,
# core/models/payment.py) merges with, without hashing a city's million enrolments.
ID_ORDER_COLUMNS = [
    "person_id",
    "region_code",
    "status",
    "enrolled_on",
    "terminated_on",
    "amount_due_fen",
    *LEDGER_COLUMNS,
]

# The same columns by person (migration 0014).
PERSON_ORDER_COLUMNS = ["id", "region_code", *REPORT_COLUMNS[2:]]

# What the households still to pay count, by household (migration 0015).
HOUSEHOLD_ORDER_COLUMNS = ["id", "person_id", "region_code", *REPORT_COLUMNS[2:7], "ledger_reversed"]


class Enrolment(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("person_id", "coverage_year", name="uq_enrolment_person_year"),
        # Keys are scoped to the enrolment's region: another region's keys neither collide nor confirm.
        UniqueConstraint("region_code", "idempotency_key", name="uq_enrolment_region_key"),
        CheckConstraint(f"status IN {sql_in(EnrolmentStatus)}", name="status"),
        # Reports select a year's enrolments in a region; on PostgreSQL the columns they count on
        # come from the index alone, not the wide rows with their snapshots (bench/README.md).
        Index(
            "ix_enrolment_year_region",
            "coverage_year",
            "region_code",
            postgresql_include=REPORT_COLUMNS,
        ),
        Index("ix_enrolment_year_id", "coverage_year", "id", postgresql_include=ID_ORDER_COLUMNS),
        # A person's enrolment of the year from the index alone (migration 0014): what reports
        # starting from persons (identity holders, household members) look up.
        Index(
            "ix_enrolment_year_person", "coverage_year", "person_id", postgresql_include=PERSON_ORDER_COLUMNS
        ),
        # The few enrolments whose ledger holds a reversal: the only ones a report reads the
        # ledger itself for (core/reports/counting.py).
        Index(
            "ix_enrolment_reversed",
            "coverage_year",
            "region_code",
            sqlite_where=text("ledger_reversed"),
            postgresql_where=text("ledger_reversed"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    coverage_year: int = Field(index=True)
    # Where the person is insured; reports and scopes select on it.
    region_code: str = Field(foreign_key="region.code", index=True, max_length=12)
    policy_id: str = Field(max_length=64)
    tier: str = Field(max_length=16)
    status: str = Field(default=EnrolmentStatus.ENROLLED, max_length=16)
    # Rules version, category, amounts and method as decided at enrolment, frozen so that
    # later edits to rules or to the registry never rewrite a past decision.
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Chosen by the client per enrolment, so a resent request is answered, not stored twice.
    idempotency_key: str = Field(max_length=64)
    # The clerk's intent (channel, date) and what the deciding quote gave, as columns so that
    # rosters and reports select on them in SQL; the full quote stays in `snapshot`.
    channel: str | None = Field(default=None, max_length=32)
    enrolled_on: date | None = None
    amount_due_fen: int | None = None
    subsidy_fen: int | None = None
    subsidy_category: str | None = Field(default=None, max_length=40)
    method: str | None = Field(default=None, max_length=24)
    terminated_on: date | None = None
    termination_reason: str | None = Field(default=None, max_length=200)
    # The ledger's summary, written only by the database's triggers on `payment` and checked
    # against the ledger on every change (migration 0011), so that reports read one row per
    # enrolment instead of grouping its payments: the enrolment's first payment (the first slot,
    # core/models/payment.py) — its date and amount — and whether any payment was reversed.
    # Without a reversal the first payment is the whole ledger; with one, reports read the
    # ledger (core/reports/counting.py).
    first_paid_on: date | None = None
    first_paid_fen: int | None = None
    ledger_reversed: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    # The distribution column on Citus (docs/scaling.md §3, migration 0018): its region's county.
    county_code: str = Field(max_length=6, sa_column_kwargs={"default": from_column("region_code")})
    created_at: datetime = Field(default_factory=utcnow)


# The household the enrolment's person is a member of now, kept by the database's triggers on
# `enrolment` and `household_member` (migration 0015): whatever a statement sets is replaced. A
# column of the table, not of the entity: no service states or reads it (an entity would hold the
# value as it was before the trigger ran), reports select it (core/reports/unpaid.py) — with the
# index below, a household's enrolments of the year come from the index alone.
HOUSEHOLD_ID = Column("household_id", Integer, nullable=True)
# The entity's columns, what a statement reads or writes to stand for the entity (its audit images
# hold these), taken before the household's column joins the table.
ENTITY_COLUMNS = list(Enrolment.__table__.c)
Enrolment.__table__.append_column(HOUSEHOLD_ID)
Index(
    "ix_enrolment_year_household",
    Enrolment.__table__.c.coverage_year,
    HOUSEHOLD_ID,
    postgresql_include=HOUSEHOLD_ORDER_COLUMNS,
)
