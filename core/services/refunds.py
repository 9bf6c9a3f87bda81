"""Refund obligations: what collect-then-refund (先征后返) owes back after a payment, paid in batches.

方政办明电〔2021〕35号 二（一） collects the full 320 from subsidised persons and 五（二） names who
pays the subsidy back: 民政局 for 低保 (CIVIL_AFFAIRS), the 财政所 for 建档立卡 (FINANCE). A refund on
termination (筑医保通〔2021〕34号 五（三）, core/services/termination.py) is owed by the tax office (TAX).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, case, col, func, select, update

from .. import audit
from ..audit import Actor
from ..errors import ErrorCode, FieldError, InputError
from ..models import Enrolment, Payment, Refund, RefundBatch, Region
from ..money import yuan_to_fen
from ..regions import codes_under, region_path, under
from ..rules.result import Quote
from ..scope import Scope, get_visible, scope_of
from ..text import text_errors
from .persons import region_errors
from .unit import unit_of_work

# Who pays refunds back: the departments the notices name (refunded_by of the plugins' grants),
# and the tax office for refunds on termination.
REFUNDING_DEPARTMENTS = ("CIVIL_AFFAIRS", "FINANCE", "TAX")


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


# --- Paying refunds in batches (方政办明电〔2021〕35号 五（二）: 民政局 refunds 低保, 财政局 建档立卡) ---


@dataclass
class RefundPayout:
    department: str
    region_code: str
    paid_on: date
    idempotency_key: str


def pay_refunds(engine: Engine, actor: Actor, data: RefundPayout) -> RefundBatch:
    """Pays every refund the department still owes for enrolments in or below the region, as one batch.

    The same idempotency key answers the first batch and pays nothing more; nothing owed is refused.
    """
    department = (data.department or "").strip().upper()
    _check_payout(data, department)
    for attempt in range(2):
        if (first := _first_batch(engine, actor, data, department)) is not None:
            return first
        try:
            with unit_of_work(engine, actor) as session:
                return _write_batch(session, actor, data, department)
        except IntegrityError:  # a simultaneous copy of this request won the key
            if attempt:
                raise
    raise AssertionError("unreachable")


def _check_payout(data: RefundPayout, department: str) -> None:
    errors = []
    if not department:
        errors.append(
            FieldError("department", ErrorCode.REQUIRED, "请填写退费部门（department is required）")
        )
    elif department not in REFUNDING_DEPARTMENTS:
        known = "、".join(REFUNDING_DEPARTMENTS)
        errors.append(
            FieldError("department", ErrorCode.INVALID, f"未知的退费部门 {department}（one of {known}）")
        )
    if not (data.idempotency_key or "").strip():
        errors.append(FieldError("idempotencyKey", ErrorCode.REQUIRED, "必填（required）"))
    errors += text_errors("idempotencyKey", data.idempotency_key, 100)
    if data.paid_on is None:
        errors.append(FieldError("paidOn", ErrorCode.REQUIRED, "请填写退费日期（paid on is required）"))
    elif data.paid_on > date.today():
        errors.append(
            FieldError("paidOn", ErrorCode.INVALID, f"退费日期 {data.paid_on} 晚于今天（date in the future）")
        )
    if errors:
        raise InputError(errors)


def _first_batch(engine: Engine, actor: Actor, data: RefundPayout, department: str) -> RefundBatch | None:
    with unit_of_work(engine, actor) as session:
        first = session.exec(
            select(RefundBatch).where(RefundBatch.idempotency_key == data.idempotency_key)
        ).first()
        hidden = first is not None and get_visible(session, RefundBatch, first.id) is None
    if first is None:
        return None
    if hidden or (first.department, first.region_code, first.paid_on) != (
        department,
        data.region_code,
        data.paid_on,
    ):
        raise InputError.one(
            "idempotencyKey",
            ErrorCode.CONFLICT,
            "该幂等键已用于另一退费批次（key used for a different refund batch）",
        )
    return first


def _write_batch(session: Session, actor: Actor, data: RefundPayout, department: str) -> RefundBatch:
    if errors := region_errors(session, "regionCode", data.region_code):
        raise InputError(errors)
    path = region_path(session, data.region_code)
    batch = RefundBatch(
        department=department,
        region_code=data.region_code,
        paid_on=data.paid_on,
        count=0,
        amount_fen=0,
        idempotency_key=data.idempotency_key,
        actor=actor.name[:64],
    )
    session.add(batch)
    session.flush()
    # One UPDATE claims what is still owed: a simultaneous batch cannot pay the same refund again
    # (PostgreSQL re-checks `status` once the other batch's row locks are released; SQLite has
    # one writer at a time, and this is this transaction's first read after its first write).
    claimed = session.execute(
        update(Refund)
        .where(
            Refund.status == "OWED",
            Refund.department == department,
            col(Refund.enrolment_id).in_(
                select(Enrolment.id).where(col(Enrolment.region_code).in_(codes_under(path)))
            ),
            scope_of(session).visible(Refund),
        )
        .values(status="PAID", paid_on=data.paid_on, batch_id=batch.id)
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:
        raise InputError.one(
            "department",
            ErrorCode.NOT_FOUND,
            f"{department} 在 {data.region_code} 没有待退费用（nothing owed）",
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
        before = audit.snapshot_of(refund) | {"status": "OWED", "paid_on": None, "batch_id": None}
        audit.record(session, actor, "pay_refund", refund, before)
    return batch


# --- The refund ledger: owed, paid and outstanding per department and township ---


@dataclass(frozen=True)
class LedgerRow:
    department: str | None
    township_code: str
    township_name: str
    owed_fen: int  # every obligation, paid or not
    paid_fen: int
    outstanding_fen: int
    owed_count: int
    paid_count: int
    outstanding_count: int


def refund_ledger(
    session: Session, scope: Scope, region_code: str, coverage_year: int | None
) -> list[LedgerRow]:
    """One row per refunding department and township, summed in SQL.

    The township is the township-level ancestor of the enrolment's region (a village's township,
    or the township itself); an enrolment registered above township level stands for itself.
    """
    path = region_path(session, region_code)
    if path is None:
        return []
    statement = ledger_statement(path, coverage_year).where(scope.visible(Refund))
    return ledger_rows(session.exec(statement))


def ledger_rows(found) -> list[LedgerRow]:
    rows = [LedgerRow(*(int(v) if isinstance(v, Decimal) else v for v in row)) for row in found]
    return sorted(rows, key=lambda row: (row.department or "", row.township_code))


def ledger_statement(path: str, coverage_year: int | None):
    """The ledger's SELECT for the refunds of enrolments in or below the region at `path`."""
    place = aliased(Region)  # the enrolment's region
    township = aliased(Region)
    township_code = func.coalesce(township.code, place.code)
    township_name = func.coalesce(township.name, place.name)
    is_paid = Refund.status == "PAID"
    statement = (
        select(
            Refund.department,
            township_code,
            township_name,
            func.sum(Refund.amount_fen),
            func.sum(case((is_paid, Refund.amount_fen), else_=0)),
            func.sum(case((is_paid, 0), else_=Refund.amount_fen)),
            func.count(Refund.id),
            func.sum(case((is_paid, 1), else_=0)),
            func.sum(case((is_paid, 0), else_=1)),
        )
        .join(Enrolment, Enrolment.id == Refund.enrolment_id)
        .join(place, place.code == Enrolment.region_code)
        .outerjoin(
            township,
            and_(township.level == "township", place.path.startswith(township.path)),
        )
        .where(under(path, place.path))
        .group_by(Refund.department, township_code, township_name)
    )
    if coverage_year is not None:
        statement = statement.where(Enrolment.coverage_year == coverage_year)
    return statement
