"""Money owed back: collect-then-refund subsidies, refunds on termination, and their recoveries.

Each obligation is a row whose status moves one way, PENDING → OWED → PAID, or ends CANCELLED:
- PENDING: owed, but its amount waits for a parameter the notice leaves open (`pending_on`);
  collection does not wait for it (方政办明电〔2021〕35号 二（一）: the full share is collected now);
- OWED: the amount is known and not yet paid; PAID: paid out, with the payee's account and the
  payout's reference;
- CANCELLED: the payment it belonged to was reversed before it was paid.

A RECOVERY (应追回) runs the other way: a refund already PAID whose payment was then reversed is
owed back by the person to the department that paid it. Its OWED means "to recover" and PAID
"recovered". So per department, what was paid out less what was recovered is what the standing
payments are owed, and owed − paid − recovered balances.
"""

from datetime import date, datetime

from sqlmodel import CheckConstraint, Field, Index, SQLModel, UniqueConstraint, text

from ..statuses import PayeeAccountKind, RefundKind, RefundStatus, sql_in
from .base import utcnow


class Refund(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(RefundKind)}", name="kind"),
        CheckConstraint(f"status IN {sql_in(RefundStatus)}", name="status"),
        CheckConstraint("amount_fen IS NULL OR amount_fen >= 0", name="amount"),
        # Only a pending obligation may lack its amount, and only it names what it waits for.
        CheckConstraint(f"(status = '{RefundStatus.PENDING}') = (amount_fen IS NULL)", name="pending_amount"),
        CheckConstraint(f"(status = '{RefundStatus.PENDING}') = (pending_on IS NOT NULL)", name="pending_on"),
        CheckConstraint(f"(status = '{RefundStatus.PAID}') = (paid_on IS NOT NULL)", name="paid_on"),
        CheckConstraint(
            f"(kind = '{RefundKind.RECOVERY}') = (recovers_refund_id IS NOT NULL)", name="recovery"
        ),
        CheckConstraint(
            f"payee_account_kind IS NULL OR payee_account_kind IN {sql_in(PayeeAccountKind)}", name="account"
        ),
        # A payment owes at most one collect-then-refund refund; an enrolment one termination
        # refund; a paid refund at most one recovery (refunds paid once, recovered once).
        Index(
            "uq_refund_one_per_payment",
            "payment_id",
            unique=True,
            sqlite_where=text(f"kind = '{RefundKind.COLLECT_THEN_REFUND}'"),
            postgresql_where=text(f"kind = '{RefundKind.COLLECT_THEN_REFUND}'"),
        ),
        Index(
            "uq_refund_one_termination",
            "enrolment_id",
            unique=True,
            sqlite_where=text(f"kind = '{RefundKind.TERMINATION}'"),
            postgresql_where=text(f"kind = '{RefundKind.TERMINATION}'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    enrolment_id: int = Field(foreign_key="enrolment.id", index=True)
    # Its enrolment's year: the ledger's partition key on PostgreSQL (migration 0013, docs/scaling.md §2).
    coverage_year: int
    payment_id: int | None = Field(default=None, foreign_key="payment.id")
    kind: str = Field(max_length=24)
    amount_fen: int | None = None
    # The department that pays it back (or, for a RECOVERY, is owed it), e.g. civil affairs for 低保.
    department: str | None = Field(default=None, max_length=64)
    status: str = Field(default=RefundStatus.OWED, max_length=10)
    # PENDING only: the parameters whose values decide the amount, comma-separated.
    pending_on: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, max_length=200)
    recovers_refund_id: int | None = Field(default=None, foreign_key="refund.id", unique=True)
    payee_account_kind: str | None = Field(default=None, max_length=10)
    payee_account: str | None = Field(default=None, max_length=32)
    paid_on: date | None = None
    payment_reference: str | None = Field(default=None, max_length=64)
    batch_id: int | None = Field(default=None, foreign_key="refund_batch.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class RefundBatch(SQLModel, table=True):
    """One payout by one department in one region: every refund it paid points at it."""

    __tablename__ = "refund_batch"
    __table_args__ = (UniqueConstraint("region_code", "idempotency_key", name="uq_refund_batch_region_key"),)

    id: int | None = Field(default=None, primary_key=True)
    department: str = Field(max_length=64)
    region_code: str = Field(foreign_key="region.code", index=True, max_length=12)
    paid_on: date
    count: int
    amount_fen: int
    # The bank's or treasury's reference of the payout (e.g. 代发批次号), which each refund carries.
    reference: str | None = Field(default=None, max_length=64)
    idempotency_key: str = Field(max_length=100)
    actor: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
