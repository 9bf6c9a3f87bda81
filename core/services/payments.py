"""Recording payments and reversing them, idempotently, in the append-only ledger."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session, case, func, select

from .. import audit
from ..audit import Actor
from ..db import transaction
from ..errors import ErrorCode, FieldError, InputError
from ..models import Enrolment, Payment
from ..money import yuan_to_fen
from ..receipts import next_receipt
from ..regions import county_of
from ..rules.registry import Registry
from ..scope import Scope, get_visible
from ..text import text_errors
from .coverage import decide_coverage, quote_for
from .enrolments import channel_errors
from .refunds import cancel_refunds, owe_refund
from .unit import unit_of_work


@dataclass
class PaymentInput:
    enrolment_id: int
    amount: Decimal
    paid_on: date
    channel: str
    idempotency_key: str
    collector: str | None = None


@dataclass
class ReversalInput:
    payment_id: int
    reason: str
    idempotency_key: str


def record_payment(engine: Engine, actor: Actor, data: PaymentInput, rules: Registry) -> Payment:
    """Records one payment of exactly the amount the rules give for its date.

    The quote that decided it is kept in the enrolment's snapshot, and the coverage it gives
    becomes the enrolment's entitlement. The same idempotency key returns the first payment.
    """
    amount_fen = _amount_fen(data.amount)
    _require(key=data.idempotency_key, channel=data.channel, collector=data.collector)

    def write(session: Session) -> Payment:
        enrolment = get_visible(session, Enrolment, data.enrolment_id)
        if enrolment is None:
            raise InputError.one("enrolmentId", ErrorCode.NOT_FOUND, "参保登记不存在（no such enrolment）")
        if enrolment.status == "TERMINATED":
            raise InputError.one("enrolmentId", ErrorCode.CONFLICT, "参保登记已终止（enrolment terminated）")
        if enrolment.status == "PAID":
            # One contribution per enrolment and year: a second one is refused, not collected twice.
            receipt = _standing_receipt(session, enrolment)
            raise InputError.one(
                "enrolmentId", ErrorCode.CONFLICT, f"该参保登记已缴费（receipt {receipt}），不得重复缴费"
            )
        if errors := channel_errors(rules.get(enrolment.policy_id), data.channel):
            raise InputError(errors)
        quote = quote_for(session, rules, enrolment, data.paid_on)
        if not quote.accepted:
            raise InputError.one("paidOn", ErrorCode.INVALID, f"该日期不能缴费：{quote.rejection_reason}")
        if amount_fen != yuan_to_fen(quote.amount_due):
            raise InputError.one(
                "amount",
                ErrorCode.MISMATCH,
                f"应缴 {quote.amount_due} 元（the amount due is {quote.amount_due}）",
            )
        payment = _ledger_entry(
            session,
            enrolment,
            kind="PAYMENT",
            amount_fen=amount_fen,
            paid_on=data.paid_on,
            channel=data.channel,
            collector=data.collector,
            idempotency_key=data.idempotency_key,
        )
        audit.record(session, actor, "record_payment", payment)
        _settle_status(session, actor, enrolment)
        decide_coverage(session, actor, enrolment, quote, data.paid_on)
        owe_refund(session, actor, enrolment, payment, quote)
        return payment

    def same(existing: Payment) -> bool:
        return (
            existing.kind == "PAYMENT"
            and existing.enrolment_id == data.enrolment_id
            and existing.amount_fen == amount_fen
        )

    return _idempotent(engine, actor, data.idempotency_key, same, write)


def reverse_payment(engine: Engine, actor: Actor, data: ReversalInput) -> Payment:
    """Cancels a payment with an equal negative entry; the original row stays as it was."""
    _require(key=data.idempotency_key, reason=data.reason)

    def write(session: Session) -> Payment:
        original = get_visible(session, Payment, data.payment_id)
        if original is None or original.kind != "PAYMENT":
            raise InputError.one("paymentId", ErrorCode.NOT_FOUND, "原缴费记录不存在（no such payment）")
        if session.exec(select(Payment.id).where(Payment.reverses_payment_id == original.id)).first():
            raise InputError.one(
                "paymentId", ErrorCode.CONFLICT, "该笔缴费已冲正（payment already reversed）"
            )
        enrolment = session.get(Enrolment, original.enrolment_id)
        if enrolment.status == "TERMINATED":  # its money was settled (or refunded) on termination
            raise InputError.one(
                "paymentId", ErrorCode.CONFLICT, "参保登记已终止，不能冲正（enrolment terminated）"
            )
        reversal = _ledger_entry(
            session,
            enrolment,
            kind="REVERSAL",
            amount_fen=-original.amount_fen,
            paid_on=date.today(),
            channel=original.channel,
            collector=actor.name,
            idempotency_key=data.idempotency_key,
            reverses_payment_id=original.id,
            reason=data.reason,
        )
        audit.record(session, actor, "reverse_payment", reversal)
        _settle_status(session, actor, enrolment)
        if enrolment.status == "ENROLLED":  # nothing stands paid: no benefits
            decide_coverage(session, actor, enrolment, None)
        cancel_refunds(session, actor, original)
        return reversal

    def same(existing: Payment) -> bool:
        return existing.kind == "REVERSAL" and existing.reverses_payment_id == data.payment_id

    return _idempotent(engine, actor, data.idempotency_key, same, write)


def _idempotent(engine: Engine, actor: Actor, key: str, same, write) -> Payment:
    """Replays return the first entry; a key reused for something else is refused.

    A concurrent duplicate loses on the unique key inside the database and is answered
    from the winner's row.
    """
    for attempt in range(2):
        with transaction(engine) as session:
            existing = session.exec(select(Payment).where(Payment.idempotency_key == key)).first()
            # Another region's payment is never shown; its key simply cannot be reused.
            hidden = (
                existing is not None
                and Scope.of(session, actor.region_code).get(session, Payment, existing.id) is None
            )
        if existing is not None:
            if hidden or not same(existing):
                raise InputError.one(
                    "idempotencyKey",
                    ErrorCode.CONFLICT,
                    "该幂等键已用于另一笔缴费（key used for a different payment）",
                )
            return existing
        try:
            with unit_of_work(engine, actor) as session:
                return write(session)
        except InputError as exc:
            if attempt or [e.field for e in exc.errors] != ["idempotencyKey"]:
                raise
    raise AssertionError("unreachable")


def _ledger_entry(session: Session, enrolment: Enrolment, **values) -> Payment:
    receipt_region = county_of(session, enrolment.region_code)
    seq, number = next_receipt(session, receipt_region, enrolment.coverage_year)
    payment = Payment(
        enrolment_id=enrolment.id,
        receipt_region_code=receipt_region,
        coverage_year=enrolment.coverage_year,
        receipt_seq=seq,
        receipt_number=number,
        **values,
    )
    session.add(payment)
    return payment


def _standing_receipt(session: Session, enrolment: Enrolment) -> str | None:
    """The receipt of the payment that stands unreversed."""
    reversed_ids = select(Payment.reverses_payment_id).where(
        Payment.enrolment_id == enrolment.id, Payment.kind == "REVERSAL"
    )
    return session.exec(
        select(Payment.receipt_number)
        .where(
            Payment.enrolment_id == enrolment.id,
            Payment.kind == "PAYMENT",
            Payment.id.not_in(reversed_ids),
        )
        .order_by(Payment.id.desc())
    ).first()


def _settle_status(session: Session, actor: Actor, enrolment: Enrolment) -> None:
    """PAID while some payment for the enrolment stands unreversed, ENROLLED otherwise."""
    session.flush()
    standing = session.exec(
        select(func.sum(case((Payment.kind == "PAYMENT", 1), else_=-1))).where(
            Payment.enrolment_id == enrolment.id
        )
    ).one()
    status = "PAID" if (standing or 0) > 0 else "ENROLLED"
    if status != enrolment.status:
        before = audit.snapshot_of(enrolment)
        enrolment.status = status
        audit.record(session, actor, "settle_status", enrolment, before)


def _amount_fen(amount: Decimal) -> int:
    try:
        fen = yuan_to_fen(amount)
    except ValueError as exc:
        raise InputError.one("amount", ErrorCode.INVALID, f"金额无效：{exc}") from exc
    if fen < 0:
        raise InputError.one("amount", ErrorCode.INVALID, "金额不能为负数（amount must not be negative）")
    return fen


LIMITS = {"idempotencyKey": 100, "channel": 32, "collector": 64, "reason": 200}  # the columns' lengths


def _require(**values: str | None) -> None:
    names = {"key": "idempotencyKey", "channel": "channel", "reason": "reason", "collector": "collector"}
    errors = [
        FieldError(names[name], ErrorCode.REQUIRED, "必填（required）")
        for name, value in values.items()
        if name != "collector" and not (value or "").strip()
    ]
    for name, value in values.items():
        errors += text_errors(names[name], value, LIMITS[names[name]])
    if errors:
        raise InputError(errors)
