"""Money going out and coming back: refunds paid in batches, payee accounts, recoveries collected.

方政办明电〔2021〕35号 五（二）: 民政局 refunds 低保 persons, the 财政所 (organised by 财政局) 建档立卡
persons. A payout carries what a payer needs: each refund is paid to the account recorded for it
(一卡通 or bank card) and carries the payout's reference. A refund is paid once and a recovery
collected once: each is claimed by an UPDATE that only matches it while it is still OWED.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select, update

from .. import audit
from ..audit import Actor
from ..errors import ErrorCode, FieldError, InputError
from ..models import Enrolment, Refund, RefundBatch
from ..regions import codes_under, region_path
from ..rules.registry import Registry
from ..scope import get_visible, scope_of
from ..statuses import RefundKind, RefundStatus
from ..text import text_errors
from .pending import resolve_pending
from .persons import region_errors
from .refunds import PayeeAccount, account_errors
from .unit import unit_of_work

# Who pays refunds back: the departments the notices name (refunded_by of the plugins' grants),
# and the tax office for refunds on termination.
REFUNDING_DEPARTMENTS = ("CIVIL_AFFAIRS", "FINANCE", "TAX")
REFERENCE_LENGTH = 64


@dataclass
class RefundPayout:
    department: str
    region_code: str
    paid_on: date
    idempotency_key: str
    reference: str = ""  # the bank's or treasury's reference of the payout (代发批次号)


def pay_refunds(
    engine: Engine, actor: Actor, data: RefundPayout, rules: Registry | None = None
) -> RefundBatch:
    """Pays every refund the department owes for enrolments in or below the region, as one batch,
    to the accounts recorded for them. Refunds still pending a parameter, or without an account,
    wait. The same idempotency key answers the first batch and pays nothing more."""
    department = (data.department or "").strip().upper()
    _check_payout(data, department)
    if rules is not None:
        resolve_pending(engine, rules)
    for attempt in range(2):
        try:
            with unit_of_work(engine, actor) as session:
                if (first := _first_batch(session, data, department)) is not None:
                    return first
                return _write_batch(session, actor, data, department)
        except IntegrityError:  # a simultaneous copy of this request won the key
            if attempt:
                raise
    raise AssertionError("unreachable")


def _check_payout(data: RefundPayout, department: str) -> None:
    errors = []
    if not department:
        errors.append(FieldError("department", ErrorCode.REQUIRED, "请填写退费部门"))
    elif department not in REFUNDING_DEPARTMENTS:
        known = "、".join(REFUNDING_DEPARTMENTS)
        errors.append(
            FieldError("department", ErrorCode.INVALID, f"未知的退费部门 {department}，可选：{known}")
        )
    if not (data.idempotency_key or "").strip():
        errors.append(FieldError("idempotencyKey", ErrorCode.REQUIRED, "必填"))
    errors += text_errors("idempotencyKey", data.idempotency_key, 100)
    if not (data.reference or "").strip():
        errors.append(FieldError("reference", ErrorCode.REQUIRED, "请填写代发批次号或转账凭证号"))
    errors += text_errors("reference", data.reference, REFERENCE_LENGTH)
    if data.paid_on is None:
        errors.append(FieldError("paidOn", ErrorCode.REQUIRED, "请填写退费日期"))
    elif data.paid_on > date.today():
        errors.append(FieldError("paidOn", ErrorCode.INVALID, f"退费日期 {data.paid_on} 晚于今天"))
    if errors:
        raise InputError(errors)


def _first_batch(session: Session, data: RefundPayout, department: str) -> RefundBatch | None:
    """The batch this key already paid in the region (keys are scoped to their region)."""
    first = session.exec(
        select(RefundBatch).where(
            RefundBatch.region_code == data.region_code, RefundBatch.idempotency_key == data.idempotency_key
        )
    ).first()
    if first is None or get_visible(session, RefundBatch, first.id) is None:
        return None
    if (first.department, first.paid_on, first.reference) != (
        department,
        data.paid_on,
        data.reference.strip(),
    ):
        raise InputError.one(
            "idempotencyKey",
            ErrorCode.CONFLICT,
            "该幂等键已用于另一退费批次",
        )
    return first


def _write_batch(session: Session, actor: Actor, data: RefundPayout, department: str) -> RefundBatch:
    if errors := region_errors(session, "regionCode", data.region_code):
        raise InputError(errors)
    path = region_path(session, data.region_code)
    reference = data.reference.strip()
    batch = RefundBatch(
        department=department,
        region_code=data.region_code,
        paid_on=data.paid_on,
        count=0,
        amount_fen=0,
        reference=reference,
        idempotency_key=data.idempotency_key,
        actor=actor.name[:64],
    )
    session.add(batch)
    session.flush()
    owed_here = (
        Refund.department == department,
        col(Refund.enrolment_id).in_(
            select(Enrolment.id).where(col(Enrolment.region_code).in_(codes_under(path)))
        ),
        scope_of(session).visible(Refund),
        Refund.kind != RefundKind.RECOVERY,
    )
    # One UPDATE claims what is still owed: a simultaneous batch cannot pay the same refund again
    # (PostgreSQL re-checks `status` once the other batch's row locks are released; on SQLite the
    # unit of work holds the write lock from its start).
    claimed = session.execute(
        update(Refund)
        .where(Refund.status == RefundStatus.OWED, col(Refund.payee_account).is_not(None), *owed_here)
        .values(
            status=RefundStatus.PAID, paid_on=data.paid_on, batch_id=batch.id, payment_reference=reference
        )
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:
        waiting = session.exec(
            select(Refund.status, func.count())
            .where(col(Refund.status).in_((RefundStatus.OWED, RefundStatus.PENDING)), *owed_here)
            .group_by(Refund.status)
        ).all()
        counts = dict(waiting)
        why = []
        if counts.get(RefundStatus.OWED):
            why.append(f"{counts[RefundStatus.OWED]} 笔缺少收款账户，请先登记")
        if counts.get(RefundStatus.PENDING):
            why.append(f"{counts[RefundStatus.PENDING]} 笔退费金额待参数配置")
        detail = "；".join(why) or "没有待退费用"
        raise InputError.one(
            "department",
            ErrorCode.NOT_FOUND,
            f"{department} 在 {data.region_code} 没有可支付的退费：{detail}",
        )
    paid = session.exec(
        select(Refund)
        .where(Refund.batch_id == batch.id)
        .order_by(Refund.id)
        .execution_options(populate_existing=True)
    ).all()
    batch.count, batch.amount_fen = len(paid), sum(refund.amount_fen for refund in paid)
    audit.record(session, actor, "pay_refunds", batch)
    for refund in paid:
        before = audit.snapshot_of(refund) | {
            "status": RefundStatus.OWED,
            "paid_on": None,
            "batch_id": None,
            "payment_reference": None,
        }
        audit.record(session, actor, "pay_refund", refund, before)
    return batch


# --- the payee's account, and recoveries (应追回) ---


def set_refund_payee(engine: Engine, actor: Actor, refund_id: int, account: PayeeAccount) -> Refund:
    """Records where a refund not yet paid is to be paid; a paid one keeps the account it was paid to."""
    if errors := account_errors(account, "account"):
        raise InputError(errors)
    with unit_of_work(engine, actor) as session:
        refund = get_visible(session, Refund, refund_id)
        if refund is None or refund.kind == RefundKind.RECOVERY:
            raise InputError.one("refundId", ErrorCode.NOT_FOUND, "退费记录不存在")
        if refund.status not in (RefundStatus.OWED, RefundStatus.PENDING):
            raise InputError.one(
                "refundId",
                ErrorCode.CONFLICT,
                f"该退费已{'支付' if refund.status == RefundStatus.PAID else '取消'}，不能修改收款账户",
            )
        before = audit.snapshot_of(refund)
        refund.payee_account_kind, refund.payee_account = account.kind, account.normalised
        audit.record(session, actor, "set_refund_payee", refund, before)
        return refund


def record_recovery(engine: Engine, actor: Actor, recovery_id: int, on: date, reference: str) -> Refund:
    """Marks a recovery (应追回) as collected, once; a second call for it is refused."""
    errors = text_errors("reference", reference, REFERENCE_LENGTH)
    if not (reference or "").strip():
        errors.append(FieldError("reference", ErrorCode.REQUIRED, "请填写追回凭证号"))
    if on is None or on > date.today():
        errors.append(FieldError("recoveredOn", ErrorCode.INVALID, "追回日期无效"))
    if errors:
        raise InputError(errors)
    with unit_of_work(engine, actor) as session:
        recovery = get_visible(session, Refund, recovery_id)
        if recovery is None or recovery.kind != RefundKind.RECOVERY:
            raise InputError.one("recoveryId", ErrorCode.NOT_FOUND, "应追回记录不存在")
        before = audit.snapshot_of(recovery)
        claimed = session.execute(
            update(Refund)
            .where(Refund.id == recovery.id, Refund.status == RefundStatus.OWED)
            .values(status=RefundStatus.PAID, paid_on=on, payment_reference=reference.strip())
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            raise InputError.one("recoveryId", ErrorCode.CONFLICT, "该笔已追回")
        session.refresh(recovery)
        audit.record(session, actor, "record_recovery", recovery, before)
        return recovery
