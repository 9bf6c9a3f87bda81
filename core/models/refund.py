"""Money owed back to a person: collect-then-refund subsidies and refunds on termination."""

from datetime import date, datetime

from sqlmodel import CheckConstraint, Field, SQLModel

from .base import utcnow

KINDS = ("COLLECT_THEN_REFUND", "TERMINATION")
STATUSES = ("OWED", "PAID")


class Refund(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(f"kind IN {KINDS}", name="kind"),
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint("amount_fen >= 0", name="amount"),
        CheckConstraint("(status = 'PAID') = (paid_on IS NOT NULL)", name="paid_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enrolment_id: int = Field(foreign_key="enrolment.id", index=True)
    payment_id: int | None = Field(default=None, foreign_key="payment.id")
    kind: str = Field(max_length=24)
    amount_fen: int
    # The department that pays it back, e.g. civil affairs for 低保 (001_… 二).
    department: str | None = Field(default=None, max_length=64)
    status: str = Field(default="OWED", max_length=8)
    reason: str | None = Field(default=None, max_length=200)
    paid_on: date | None = None
    batch_id: int | None = Field(default=None, foreign_key="refund_batch.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class RefundBatch(SQLModel, table=True):
    """One payout by one department in one region: every refund it paid points at it."""

    __tablename__ = "refund_batch"

    id: int | None = Field(default=None, primary_key=True)
    department: str = Field(max_length=64)
    region_code: str = Field(foreign_key="region.code", index=True, max_length=12)
    paid_on: date
    count: int
    amount_fen: int
    idempotency_key: str = Field(unique=True, max_length=100)
    actor: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
