"""The payment ledger: append-only; a correction is a reversal entry, never an edit.

Migrations add triggers that refuse UPDATE and DELETE on `payment`.

One standing payment per enrolment, in the database itself: an enrolment's first payment takes
its one "first" slot (a partial unique index), and every later payment must name the reversal
that freed a slot (`replaces_reversal_id`, unique). Each reversal cancels one payment of the
same enrolment (`reverses_payment_id`, unique; a trigger checks enrolment and kind), so an
enrolment never holds more payments than reversals plus one: at most one stands, whatever two
workers do at the same moment.
"""

from datetime import date, datetime

from sqlmodel import CheckConstraint, Field, Index, SQLModel, UniqueConstraint, text

from ..distribution import from_column
from ..statuses import PaymentKind, sql_in
from .base import utcnow


class Payment(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("receipt_region_code", "coverage_year", "receipt_seq", name="uq_payment_receipt"),
        # A key names one request within the caller's region (core/services/payments.py `keyed`);
        # unique per enrolment, so another region's use of the same key neither collides nor shows.
        UniqueConstraint("enrolment_id", "idempotency_key", name="uq_payment_enrolment_key"),
        CheckConstraint(f"kind IN {sql_in(PaymentKind)}", name="kind"),
        CheckConstraint(
            f"(kind = '{PaymentKind.PAYMENT}' AND amount_fen >= 0 AND reverses_payment_id IS NULL)"
            f" OR (kind = '{PaymentKind.REVERSAL}' AND amount_fen <= 0 AND reverses_payment_id IS NOT NULL"
            " AND replaces_reversal_id IS NULL)",
            name="sign",
        ),
        # The year's ledger per enrolment, in enrolment order, from the index alone on PostgreSQL:
        # every report's "payment standing" groups it (core/reports/counting.py; migration 0010).
        Index(
            "ix_payment_year_enrolment",
            "coverage_year",
            "enrolment_id",
            postgresql_include=["paid_on", "kind", "amount_fen"],
        ),
        Index(
            "uq_payment_first_slot",
            "enrolment_id",
            unique=True,
            sqlite_where=text(f"kind = '{PaymentKind.PAYMENT}' AND replaces_reversal_id IS NULL"),
            postgresql_where=text(f"kind = '{PaymentKind.PAYMENT}' AND replaces_reversal_id IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    enrolment_id: int = Field(foreign_key="enrolment.id", index=True)
    kind: str = Field(default=PaymentKind.PAYMENT, max_length=10)
    amount_fen: int
    paid_on: date = Field(index=True)  # the payments list's date range and order (0009_search)
    channel: str = Field(max_length=32)
    collector: str | None = Field(default=None, max_length=64)
    receipt_region_code: str = Field(foreign_key="region.code", max_length=12)
    coverage_year: int
    receipt_seq: int
    receipt_number: str = Field(unique=True, max_length=40)
    idempotency_key: str = Field(max_length=100, index=True)
    # A payment can be reversed once: the reversal points back at it, uniquely.
    reverses_payment_id: int | None = Field(default=None, foreign_key="payment.id", unique=True)
    # A payment after a reversal takes the slot that reversal freed, once (see the module docstring).
    replaces_reversal_id: int | None = Field(default=None, foreign_key="payment.id", unique=True)
    reason: str | None = Field(default=None, max_length=200)
    # The distribution column on Citus (docs/scaling.md §3, migration 0018): its enrolment's county (the
    # receipt's region is the county of the enrolment's region, core/services/payments.py).
    county_code: str = Field(max_length=6, sa_column_kwargs={"default": from_column("receipt_region_code")})
    created_at: datetime = Field(default_factory=utcnow)


class ReceiptSequence(SQLModel, table=True):
    """One counter per region and coverage year, advanced inside the payment's transaction."""

    __tablename__ = "receipt_sequence"

    region_code: str = Field(primary_key=True, foreign_key="region.code", max_length=12)
    coverage_year: int = Field(primary_key=True)
    last_value: int = 0
    # The distribution column on Citus (docs/scaling.md §3, migration 0018): its region's county.
    county_code: str = Field(max_length=6, sa_column_kwargs={"default": from_column("region_code")})
