"""Refund obligations: what collect-then-refund (先征后返) owes back after a payment, and what a
reversal does to it.

方政办明电〔2021〕35号 二（一） collects the full 320 from subsidised persons and "征缴后由相关单位按照
规定标准将资助资金返还给个人"; 五（二） names who pays the subsidy back: 民政局 for 低保
(CIVIL_AFFAIRS), the 财政所 for 建档立卡 (FINANCE). A refund on termination (筑医保通〔2021〕34号
五（三）, core/services/termination.py) is owed by the tax office (TAX).

The subsidy is returned because the person paid. When that payment is reversed, a refund not yet
paid is cancelled; one already paid was money the person received for a payment that no longer
stands, so it is to be recovered (应追回) from the person for the department that paid it.
"""

import re
from dataclasses import dataclass

from sqlmodel import Session, select

from .. import audit
from ..audit import Actor
from ..errors import ErrorCode, FieldError
from ..models import Enrolment, Payment, Refund
from ..money import fen_to_yuan, yuan_to_fen
from ..rules.result import Quote
from ..statuses import PayeeAccountKind, RefundKind, RefundStatus

# A bank card (16–19 digits) or the account of an 一卡通 (惠民惠农财政补贴资金) card or passbook.
ACCOUNT_NUMBER = re.compile(r"\d{10,30}")


@dataclass(frozen=True)
class PayeeAccount:
    """Where money owed back is paid: ONE_CARD (一卡通) or BANK_CARD, and its number."""

    kind: str
    number: str

    @property
    def normalised(self) -> str:
        return re.sub(r"[\s-]", "", self.number or "")


def account_errors(account: PayeeAccount, field: str) -> list[FieldError]:
    errors = []
    if account.kind not in tuple(PayeeAccountKind):
        errors.append(
            FieldError(f"{field}.kind", ErrorCode.INVALID, f"收款账户类型应为 {'、'.join(PayeeAccountKind)}")
        )
    if not ACCOUNT_NUMBER.fullmatch(account.normalised):
        errors.append(FieldError(f"{field}.number", ErrorCode.INVALID, "收款账号应为 10 至 30 位数字"))
    return errors


def owe_refund(
    session: Session,
    actor: Actor,
    enrolment: Enrolment,
    payment: Payment,
    quote: Quote,
    account: PayeeAccount | None = None,
) -> Refund | None:
    """A payment whose quote returns part of it creates the refund the named department owes.

    Where the refund's amount waits for an unset parameter, the refund is PENDING on it
    (core/services/pending.py turns it into an owed amount once the parameter is set).
    """
    columns = refund_columns(enrolment.id, enrolment.coverage_year, payment.id, quote, account)
    if columns is None:
        return None
    refund = Refund(**columns)
    session.add(refund)
    audit.record(session, actor, "owe_refund", refund)
    return refund


def refund_columns(
    enrolment_id: int, coverage_year: int, payment_id: int, quote: Quote, account: PayeeAccount | None
) -> dict | None:
    """The refund a payment's quote owes (`owe_refund`), as its columns; None when it owes none.
    An import's batch writes the same rows (core/services/payment_batch.py)."""
    pending = quote.pending if quote.subsidy_method == "COLLECT_THEN_REFUND" else []
    refund_parameters = [name for name in pending if name != "fiscal_subsidy"]
    if not quote.refund_due and not refund_parameters:
        return None
    grant = next((s for s in quote.explanation if s.rule.startswith("先征后返")), None)
    return {
        "enrolment_id": enrolment_id,
        "coverage_year": coverage_year,
        "payment_id": payment_id,
        "kind": RefundKind.COLLECT_THEN_REFUND,
        "amount_fen": None if refund_parameters else yuan_to_fen(quote.refund_due),
        "status": RefundStatus.PENDING if refund_parameters else RefundStatus.OWED,
        "pending_on": ",".join(refund_parameters)[:200] or None,
        "department": quote.refunded_by,
        "reason": f"{quote.subsidy_category or ''} {grant.citation if grant else ''}".strip()[:200],
        "payee_account_kind": account.kind if account else None,
        "payee_account": account.normalised if account else None,
    }


def settle_refunds_of_reversed(session: Session, actor: Actor, payment: Payment) -> None:
    """A reversed payment owes nothing back: what is unpaid is cancelled, what was paid is recovered."""
    refunds = session.exec(
        select(Refund).where(Refund.payment_id == payment.id, Refund.kind == RefundKind.COLLECT_THEN_REFUND)
    ).all()
    for refund in refunds:
        if refund.status in (RefundStatus.OWED, RefundStatus.PENDING):
            before = audit.snapshot_of(refund)
            refund.status, refund.pending_on = RefundStatus.CANCELLED, None
            refund.amount_fen = refund.amount_fen or 0
            audit.record(session, actor, "cancel_refund", refund, before)
        elif refund.status == RefundStatus.PAID:
            recovery = Refund(
                enrolment_id=refund.enrolment_id,
                coverage_year=refund.coverage_year,
                payment_id=payment.id,
                kind=RefundKind.RECOVERY,
                amount_fen=refund.amount_fen,
                department=refund.department,
                recovers_refund_id=refund.id,
                reason=f"缴费已冲正，已退 {fen_to_yuan(refund.amount_fen)} 元应追回"
                "（方政办明电〔2021〕35号 二（一）、五（二））",
            )
            session.add(recovery)
            audit.record(session, actor, "owe_recovery", recovery)
