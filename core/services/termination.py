"""Ending an enrolment (death, moving, employee insurance…), with a refund where the policy allows one.

筑医保通〔2021〕34号 五（三）, as written: "参保人缴纳居民医保后出现应予退费的情形，按照《…关于做好城乡居民
基本医疗保险退费等工作的通知》（黔税发〔2020〕6号）规定执行，可在终止相关居民医保参保关系的同时，依申请
为个人办理退费。各地医保经办机构要加强与税务部门、误缴地医保经办机构等部门联系". What limits the refund:
- it is made on the person's application (依申请: `refund=True`), and only together with ending
  the enrolment (在终止…的同时): there is no refund without a termination;
- the cases that call for one (应予退费的情形) are 黔税发〔2020〕6号's, which is not among yibao's
  sources: the clerk states the case as the termination's reason, which is recorded with it; the
  notice's own example is a payment made in the wrong place (误缴地), to be sorted out with that
  place's office;
- the notice sets no cut at the start of coverage and no proration, so what the person paid, net
  of reversals and of what departments return or owe back for it (先征后返), is refunded whenever
  the enrolment ends; coverage ends on the request date, with or without a refund.
The tax office that collected the contribution pays it back (TAX), to the account recorded for it.
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
from ..statuses import EnrolmentStatus, RefundKind, RefundStatus
from ..text import text_errors
from .refunds import PayeeAccount, account_errors
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
    payee_account: PayeeAccount | None = None  # where the refund is to be paid


def terminate_enrolment(engine: Engine, actor: Actor, rules: Registry, data: TerminationInput) -> Enrolment:
    """Ends the enrolment; a refused request changes nothing, a retried key answers the same enrolment."""
    reason = (data.reason or "").strip()
    errors = text_errors("reason", reason, REASON_LENGTH) + text_errors(
        "idempotencyKey", data.idempotency_key, KEY_LENGTH
    )
    if not reason:
        errors.append(FieldError("reason", ErrorCode.REQUIRED, "请填写终止原因"))
    if data.requested_on is None:
        errors.append(FieldError("requestedOn", ErrorCode.REQUIRED, "请填写申请日期"))
    if data.payee_account is not None:
        errors += account_errors(data.payee_account, "payeeAccount")
    if errors:
        raise InputError(errors)
    with unit_of_work(engine, actor) as session:
        enrolment = get_visible(session, Enrolment, data.enrolment_id)
        if enrolment is None:
            raise InputError.one("enrolmentId", ErrorCode.NOT_FOUND, "参保登记不存在")
        before = audit.snapshot_of(enrolment)
        # The first write claims the enrolment, so two simultaneous requests cannot both end and
        # refund it: PostgreSQL re-checks the status once the other's row lock is released, SQLite
        # has one writer at a time, and every read below sees what that writer committed.
        claimed = session.execute(
            update(Enrolment)
            .where(col(Enrolment.id) == enrolment.id, Enrolment.status != EnrolmentStatus.TERMINATED)
            .values(status=EnrolmentStatus.TERMINATED)
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
                f"参保登记已于 {enrolment.terminated_on} 终止",
            )
        entitlements = session.exec(
            select(Entitlement)
            .where(Entitlement.enrolment_id == enrolment.id)
            .order_by(Entitlement.start_date)
        ).all()
        refund = _refund(session, rules, enrolment, data, reason) if data.refund else None
        _end_entitlements(session, actor, entitlements, data.requested_on)
        enrolment.status = EnrolmentStatus.TERMINATED
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
    session: Session, rules: Registry, enrolment: Enrolment, data: TerminationInput, reason: str
) -> Refund:
    """The refund the request asks for, or the reason there is none (nothing is written either way)."""
    cite = rules.get(enrolment.policy_id).termination_refund
    if cite is None:
        raise InputError.one(
            "refund",
            ErrorCode.INVALID,
            "该政策未规定退费",
        )
    paid = session.exec(
        select(func.sum(Payment.amount_fen)).where(Payment.enrolment_id == enrolment.id)
    ).one()
    owed_back = session.exec(
        select(Refund.kind, Refund.status, Refund.amount_fen).where(
            col(Refund.enrolment_id) == enrolment.id, Refund.status != RefundStatus.CANCELLED
        )
    ).all()
    if any(status == RefundStatus.PENDING for _, status, _ in owed_back):
        raise InputError.one(
            "refund",
            ErrorCode.CONFLICT,
            "先征后返的返还金额尚待参数配置，暂不能计算终止退费",
        )
    # What departments already owe or paid back for this enrolment is not refunded twice; what
    # is to be recovered from the person (a refund of a reversed payment) was not theirs to keep.
    returned = sum(-fen if kind == RefundKind.RECOVERY else fen for kind, _, fen in owed_back)
    amount = int(paid or 0) - returned
    if amount <= 0:
        raise InputError.one("refund", ErrorCode.INVALID, "未缴纳费用，无可退费用")
    account = data.payee_account
    return Refund(
        enrolment_id=enrolment.id,
        coverage_year=enrolment.coverage_year,
        kind=RefundKind.TERMINATION,
        amount_fen=amount,
        department=REFUNDED_BY,
        reason=f"{reason}；依申请退费 {fen_to_yuan(amount)} 元，由税务部门办理（{cite}；黔税发〔2020〕6号）"[
            :REASON_LENGTH
        ],
        payee_account_kind=account.kind if account else None,
        payee_account=account.normalised if account else None,
    )


def _end_entitlements(session: Session, actor: Actor, entitlements: list[Entitlement], on: date) -> None:
    """Coverage ends on the request date: a period not yet begun goes, a running one is cut short."""
    for row in entitlements:
        if row.start_date > on:
            session.delete(row)
            audit.record(session, actor, "end_entitlement", row, removed=True)
        elif row.end_date > on:
            before = audit.snapshot_of(row)
            row.end_date = on
            if row.waiting_until and row.waiting_until > on:
                row.waiting_until = on
            audit.record(session, actor, "shorten_entitlement", row, before)
