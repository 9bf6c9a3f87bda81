"""Refund obligations: what collect-then-refund (先征后返) owes back after a payment."""

from sqlmodel import Session, select

from .. import audit
from ..audit import Actor
from ..models import Enrolment, Payment, Refund
from ..money import yuan_to_fen
from ..rules.result import Quote


def owe_refund(session: Session, actor: Actor, enrolment: Enrolment, payment: Payment, quote: Quote) -> None:
    """A payment whose quote returns part of it creates the refund the named department owes."""
    if not quote.refund_due:
        return
    grant = next((s for s in quote.explanation if s.rule.startswith("先征后返")), None)
    refund = Refund(
        enrolment_id=enrolment.id,
        payment_id=payment.id,
        kind="COLLECT_THEN_REFUND",
        amount_fen=yuan_to_fen(quote.refund_due),
        department=quote.refunded_by,
        reason=f"{quote.subsidy_category} {grant.citation if grant else ''}".strip()[:200],
    )
    session.add(refund)
    audit.record(session, actor, "owe_refund", refund)


def cancel_refunds(session: Session, actor: Actor, payment: Payment) -> None:
    """A reversed payment owes nothing back; a refund already paid stays on the books."""
    owed = session.exec(select(Refund).where(Refund.payment_id == payment.id, Refund.status == "OWED")).all()
    for refund in owed:
        session.delete(refund)
        audit.record(session, actor, "cancel_refund", refund, removed=True)
