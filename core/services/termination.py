"""Ending an enrolment (death, moving, employee insurance…), with a refund where the policy allows one.

筑医保通〔2021〕34号 五（三）: "可在终止相关居民医保参保关系的同时，依申请为个人办理退费", per
黔税发〔2020〕6号. yibao refunds, on request, what the person paid (net of reversals) when the
enrolment ends before its coverage starts; the tax office that collected it pays it back
(docs/policies/guizhou-520100-2022.md R18). Without a refund an enrolment may always end; once
coverage has started its entitlement then ends on the day of the request.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select, update

from .. import audit
from ..audit import Actor
from ..errors import ErrorCode, FieldError, InputError
from ..models import Enrolment, Entitlement, Payment, Refund
from ..money import fen_to_yuan
from ..rules.registry import Registry
from ..scope import get_visible
from ..text import text_errors
from .unit import unit_of_work

REFUNDED_BY = "TAX"  # 黔税发〔2020〕6号: refunds of contributions the tax office collected
REASON_LENGTH = 200  # enrolment.termination_reason
KEY_LENGTH = 100


@dataclass
class TerminationInput:
    enrolment_id: int
    reason: str
    requested_on: date
    refund: bool = False
    idempotency_key: str | None = None


def terminate_enrolment(engine: Engine, actor: Actor, rules: Registry, data: TerminationInput) -> Enrolment:
    """Ends the enrolment; a refused request changes nothing, a retried key answers the same enrolment."""
    reason = (data.reason or "").strip()
    errors = text_errors("reason", reason, REASON_LENGTH) + text_errors(
        "idempotencyKey", data.idempotency_key, KEY_LENGTH
    )
    if not reason:
        errors.append(FieldError("reason", ErrorCode.REQUIRED, "请填写终止原因（reason is required）"))
    if data.requested_on is None:
        errors.append(
            FieldError("requestedOn", ErrorCode.REQUIRED, "请填写申请日期（requested on is required）")
        )
    if errors:
        raise InputError(errors)
    with unit_of_work(engine, actor) as session:
        enrolment = get_visible(session, Enrolment, data.enrolment_id)
        if enrolment is None:
            raise InputError.one("enrolmentId", ErrorCode.NOT_FOUND, "参保登记不存在（no such enrolment）")
        before = audit.snapshot_of(enrolment)
        # The first write claims the enrolment, so two simultaneous requests cannot both end and
        # refund it: PostgreSQL re-checks the status once the other's row lock is released, SQLite
        # has one writer at a time, and every read below sees what that writer committed.
        claimed = session.execute(
            update(Enrolment)
            .where(col(Enrolment.id) == enrolment.id, Enrolment.status != "TERMINATED")
            .values(status="TERMINATED")
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            session.refresh(enrolment)
            done = (enrolment.snapshot or {}).get("termination") or {}
            if data.idempotency_key and done.get("idempotencyKey") == data.idempotency_key:
                return enrolment  # a retry of the request that terminated it
            raise InputError.one(
                "enrolmentId",
                ErrorCode.CONFLICT,
                f"参保登记已于 {enrolment.terminated_on} 终止（already terminated）",
            )
        entitlements = session.exec(
            select(Entitlement)
            .where(Entitlement.enrolment_id == enrolment.id)
            .order_by(Entitlement.start_date)
        ).all()
        starts = entitlements[0].start_date if entitlements else None
        refund = _refund(session, rules, enrolment, data, starts, reason) if data.refund else None
        _end_entitlements(session, actor, entitlements, data.requested_on, whole=refund is not None)
        enrolment.status = "TERMINATED"
        enrolment.terminated_on = data.requested_on
        enrolment.termination_reason = reason
        enrolment.snapshot = {
            **(enrolment.snapshot or {}),
            "termination": {
                "requestedOn": data.requested_on.isoformat(),
                "reason": reason,
                "refund": data.refund,
                "idempotencyKey": data.idempotency_key,
            },
        }
        audit.record(session, actor, "terminate_enrolment", enrolment, before)
        if refund is not None:
            session.add(refund)
            audit.record(session, actor, "owe_refund", refund)
        return enrolment


def _refund(
    session: Session,
    rules: Registry,
    enrolment: Enrolment,
    data: TerminationInput,
    starts: date | None,
    reason: str,
) -> Refund:
    """The refund the request asks for, or the reason there is none (nothing is written either way)."""
    cite = rules.get(enrolment.policy_id).termination_refund
    if cite is None:
        raise InputError.one(
            "refund",
            ErrorCode.INVALID,
            f"该政策未规定退费（policy {enrolment.policy_id} provides no refund on termination）",
        )
    if starts is not None and data.requested_on >= starts:
        raise InputError.one(
            "refund",
            ErrorCode.INVALID,
            f"待遇已于 {starts} 开始，不予退费（coverage started on {starts}; {cite}）",
        )
    paid = session.exec(
        select(func.sum(Payment.amount_fen)).where(Payment.enrolment_id == enrolment.id)
    ).one()
    # What departments already owe or paid back for this enrolment is not refunded twice.
    returned = session.exec(
        select(func.sum(Refund.amount_fen)).where(col(Refund.enrolment_id) == enrolment.id)
    ).one()
    amount = int(paid or 0) - int(returned or 0)
    if amount <= 0:
        raise InputError.one("refund", ErrorCode.INVALID, "未缴纳费用，无可退费用（nothing was paid）")
    return Refund(
        enrolment_id=enrolment.id,
        kind="TERMINATION",
        amount_fen=amount,
        department=REFUNDED_BY,
        reason=f"{reason}；依申请退费 {fen_to_yuan(amount)} 元，由税务部门办理（{cite}；黔税发〔2020〕6号）"[
            :REASON_LENGTH
        ],
    )


def _end_entitlements(
    session: Session, actor: Actor, entitlements: list[Entitlement], on: date, *, whole: bool
) -> None:
    """With a refund, or before coverage starts, no coverage remains; otherwise it ends on `on`."""
    for row in entitlements:
        if whole or row.start_date > on:
            session.delete(row)
            audit.record(session, actor, "end_entitlement", row, removed=True)
        elif row.end_date > on:
            before = audit.snapshot_of(row)
            row.end_date = on
            if row.waiting_until and row.waiting_until > on:
                row.waiting_until = on
            audit.record(session, actor, "shorten_entitlement", row, before)
