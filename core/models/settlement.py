"""What a re-adjustment changes in money: one item per paid enrolment whose amount due changed.

东政办〔2021〕6号 四（四） re-adjusts the subsidised persons on the 12-31 roster after payments were
collected on the September roster. The change of the amount due is an item of its own, never
dropped: `difference_fen` (due after − due before) > 0 means the person's side now owes more,
< 0 that it paid more than is now due. Who settles it (the person, or the department
that funds the subsidy) is the policy's to say; where the notice is silent it is a parameter, and
until a deployment sets it the item stays UNSETTLED with `party` empty.
"""

from datetime import date, datetime

from sqlmodel import CheckConstraint, Field, SQLModel, UniqueConstraint

from ..rules.policy import SETTLEMENT_PARTIES as PARTIES
from ..statuses import SettlementStatus, sql_in
from .base import utcnow


class Settlement(SQLModel, table=True):
    __table_args__ = (
        # One item per enrolment and re-adjustment (the later roster's date).
        UniqueConstraint("enrolment_id", "as_of", name="uq_settlement_enrolment_as_of"),
        CheckConstraint(f"status IN {sql_in(SettlementStatus)}", name="status"),
        CheckConstraint(f"party IS NULL OR party IN {PARTIES}", name="party"),
        CheckConstraint(f"(status = '{SettlementStatus.UNSETTLED}') = (party IS NULL)", name="unsettled"),
        CheckConstraint(
            f"(status = '{SettlementStatus.SETTLED}') = (settled_on IS NOT NULL)", name="settled_on"
        ),
        CheckConstraint("difference_fen <> 0", name="difference"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enrolment_id: int = Field(foreign_key="enrolment.id", index=True)
    # Its enrolment's year: the ledger's partition key on PostgreSQL (migration 0013, docs/scaling.md §2).
    coverage_year: int
    as_of: date  # the roster the re-adjustment used
    paid_fen: int  # what stands paid for the enrolment
    due_before_fen: int
    due_after_fen: int
    difference_fen: int  # due_after − due_before: > 0 owed by the person's side, < 0 owed to it
    subsidy_before: str | None = Field(default=None, max_length=40)
    subsidy_after: str | None = Field(default=None, max_length=40)
    party: str | None = Field(default=None, max_length=20)
    status: str = Field(default=SettlementStatus.UNSETTLED, max_length=10)
    citation: str = Field(max_length=200)
    settled_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
