"""Figures that waited for a parameter, decided once a deployment sets it.

A collect-then-refund payment is taken before its refund amount is known (方政办明电〔2021〕35号
二（一）: the full 320 is collected; the refund is "按照规定标准", a standard the notice does not
print). Its refund waits as PENDING on the parameters its quote named. Parameters are read at
start-up (YIBAO_PARAMETERS), so yibao decides what waited when it starts, and again before refunds
are paid: each pending refund is quoted again at its payment's date with the values now set. The
same holds for re-adjustment settlement items waiting for their policy's settlement choice
(core/services/settlements.py).

Each refund is claimed by an UPDATE that only matches it while it is still PENDING, so two
workers starting together decide it once.
"""

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select, update

from .. import audit
from ..audit import SYSTEM
from ..models import Enrolment, Payment, Refund
from ..money import yuan_to_fen
from ..rules.registry import Registry
from ..statuses import RefundStatus
from .coverage import keep_quote, quote_for
from .settlements import resolve_unsettled
from .unit import unit_of_work


def resolve_pending(engine: Engine, rules: Registry) -> int:
    """Decides every pending refund whose parameters are now set; returns how many it decided."""
    with unit_of_work(engine, SYSTEM) as session:
        waiting = session.exec(
            select(Refund, Payment.paid_on)
            .join(Payment, Payment.id == Refund.payment_id)
            .where(Refund.status == RefundStatus.PENDING)
            .order_by(Refund.id)
        ).all()
        decided = sum(_decide(session, rules, refund, paid_on) for refund, paid_on in waiting)
        decided += resolve_unsettled(session, rules)
        return decided


def _decide(session: Session, rules: Registry, refund: Refund, paid_on) -> bool:
    names = set((refund.pending_on or "").split(","))
    values = rules.parameters
    enrolment = session.get(Enrolment, refund.enrolment_id)
    if not names <= set(values.get(enrolment.policy_id, {})):
        return False
    quote = quote_for(session, rules, enrolment, paid_on)
    if not quote.accepted or quote.pending:
        return False
    amount = yuan_to_fen(quote.refund_due)
    before = audit.snapshot_of(refund)
    claimed = session.execute(
        update(Refund)
        .where(col(Refund.id) == refund.id, Refund.status == RefundStatus.PENDING)
        .values(
            status=RefundStatus.OWED if amount else RefundStatus.CANCELLED,
            amount_fen=amount,
            pending_on=None,
            department=quote.refunded_by,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return False
    session.refresh(refund)
    audit.record(session, SYSTEM, "decide_pending_refund", refund, before)
    previous = audit.snapshot_of(enrolment)
    keep_quote(enrolment, quote, paid_on)  # the subsidy it decided, for reports and rosters
    audit.record(session, SYSTEM, "decide_quote", enrolment, previous)
    return True
