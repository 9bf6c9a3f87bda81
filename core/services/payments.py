"""Recording payments and reversing them, idempotently, in the append-only ledger.

Money invariants are kept where they cannot be raced. A payment or reversal first locks its
enrolment (PostgreSQL `SELECT … FOR UPDATE`; on SQLite the unit of work holds the write lock
from its first read, core/db.py), then looks up its idempotency key and checks the enrolment,
all in one transaction, so a second worker waits and then sees the first one's payment. Behind
the lock the database itself allows one standing payment per enrolment (core/models/payment.py):
were the lock ever missed, the second payment would fail on a unique index, never be stored.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Row
from sqlalchemy.engine import Engine
from sqlmodel import Session, case, col, func, select

from .. import audit
from ..audit import Actor
from ..errors import ErrorCode, FieldError, InputError
from ..models import Enrolment, Payment
from ..money import yuan_to_fen
from ..receipts import next_receipt
from ..regions import county_of
from ..rules.registry import Registry
from ..rules.result import Quote
from ..scope import scope_of
from ..statuses import EnrolmentStatus, PaymentKind
from ..text import text_errors
from .coverage import decide_coverage, quote_for, quote_person
from .enrolments import channel_errors
from .household_rule import refuse_partial, unpaid_members
from .payment_rows import keyed_ids, lock_enrolment_row, write_payment
from .refunds import PayeeAccount, account_errors, owe_refund, settle_refunds_of_reversed
from .unit import unit_of_work

# A simultaneous copy of the same request that lost on the key's unique index is answered from
# the winner's row on a second attempt.
_LOST_KEY = ("idempotencyKey", ErrorCode.DUPLICATE)


@dataclass
class PaymentInput:
    enrolment_id: int
    amount: Decimal
    paid_on: date
    channel: str
    idempotency_key: str
    collector: str | None = None
    # Where a collect-then-refund refund is to be paid (一卡通 or bank card), if the clerk has it.
    refund_account: PayeeAccount | None = None
    # The enrolment's year, if the client has it (the household page shows it): on PostgreSQL the
    # enrolment is then locked in its year's partition, not looked for in every year's.
    coverage_year: int | None = None


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
    amount_fen = amount_in_fen(data.amount)
    require_text(key=data.idempotency_key, channel=data.channel, collector=data.collector)
    if data.refund_account is not None and (errors := account_errors(data.refund_account, "refundAccount")):
        raise InputError(errors)

    def write(session: Session) -> Payment:
        enrolment = lock_enrolment_row(session, data.enrolment_id, year=data.coverage_year)
        if first := keyed(session, data.idempotency_key):
            if [(p.enrolment_id, p.kind, p.amount_fen) for p in first] != [
                (enrolment.id, PaymentKind.PAYMENT, amount_fen)
            ]:
                raise key_conflict()
            return first[0]
        policy = rules.get(enrolment.policy_id)
        payable(session, enrolment)
        # Read once, for the household rule and the quote.
        person = quote_person(session, enrolment)
        # A member of a household that pays whole pays with the household (payHousehold). A caller
        # within one county names the household's, which its member's person carries (docs/scaling.md §3).
        county = person.county_code if scope_of(session).county is not None else None
        others = unpaid_members(session, policy, [enrolment.person_id], enrolment.coverage_year, county)
        refuse_partial(
            policy, others, "enrolmentId", "缴费", "同户未缴", "；请用 payHousehold 为全户一并缴费"
        )
        if errors := channel_errors(policy, data.channel):
            raise InputError(errors)
        quote = admitted_quote(session, rules, enrolment, data.paid_on, person=person)
        if error := amount_error(quote, amount_fen):
            raise error
        return pay(session, actor, enrolment, quote, data, amount_fen, data.refund_account)

    return in_one_unit(engine, actor, write)


def reverse_payment(engine: Engine, actor: Actor, data: ReversalInput) -> Payment:
    """Cancels a payment with an equal negative entry; the original row stays as it was."""
    require_text(key=data.idempotency_key, reason=data.reason)

    def write(session: Session) -> Payment:
        original = scope_of(session).get(session, Payment, data.payment_id)
        if original is None or original.kind != PaymentKind.PAYMENT:
            raise InputError.one("paymentId", ErrorCode.NOT_FOUND, "原缴费记录不存在")
        enrolment = lock_enrolment(session, original.enrolment_id, "paymentId", original.coverage_year)
        if first := keyed(session, data.idempotency_key):
            if [p.reverses_payment_id for p in first] != [original.id]:
                raise key_conflict()
            return first[0]
        if session.exec(select(Payment.id).where(Payment.reverses_payment_id == original.id)).first():
            raise InputError.one("paymentId", ErrorCode.CONFLICT, "该笔缴费已冲正")
        if enrolment.status == EnrolmentStatus.TERMINATED:  # its money was settled (or refunded) then
            raise InputError.one("paymentId", ErrorCode.CONFLICT, "参保登记已终止，不能冲正")
        reversal = ledger_entry(
            session,
            enrolment,
            kind=PaymentKind.REVERSAL,
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
        if enrolment.status == EnrolmentStatus.ENROLLED:  # nothing stands paid: no benefits
            decide_coverage(session, actor, enrolment, None)
        settle_refunds_of_reversed(session, actor, original)
        return reversal

    return in_one_unit(engine, actor, write)


# --- what a payment and a household payment share (core/services/household_payments.py) ---


def lock_enrolment(
    session: Session, enrolment_id: int, field: str = "enrolmentId", year: int | None = None
) -> Enrolment:
    """The visible enrolment, locked until the transaction ends: payments to it queue here. With
    `year`, PostgreSQL looks in that year's partition only."""
    in_year = () if year is None else (Enrolment.coverage_year == year,)
    enrolment = session.exec(
        select(Enrolment)
        .where(Enrolment.id == enrolment_id, *in_year, scope_of(session).visible(Enrolment))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if enrolment is None:
        raise InputError.one(field, ErrorCode.NOT_FOUND, "参保登记不存在")
    return enrolment


def keyed(session: Session, key: str) -> list[Payment]:
    """The entries this key already made that the caller may see: within the caller's region a key
    names one request; another region's entries with the same key are neither found nor confirmed.
    (The database holds a key unique per enrolment, so the same key elsewhere cannot collide.)
    A new key, the usual case, costs one narrow lookup; a repeated one loads its entries."""
    if not (ids := keyed_ids(session, key)):
        return []
    return list(session.exec(select(Payment).where(col(Payment.id).in_(ids)).order_by(Payment.id)).all())


def key_conflict() -> InputError:
    return InputError.one("idempotencyKey", ErrorCode.CONFLICT, "该幂等键已用于另一笔缴费")


def payable(session: Session, enrolment: Enrolment | Row, field: str = "enrolmentId") -> None:
    """Refuses a terminated enrolment, or one whose payment already stands."""
    if enrolment.status == EnrolmentStatus.TERMINATED:
        raise InputError.one(field, ErrorCode.CONFLICT, "参保登记已终止")
    if enrolment.status == EnrolmentStatus.PAID:
        # One contribution per enrolment and year: a second one is refused, not collected twice.
        receipt = _standing_receipt(session, enrolment)
        raise InputError.one(field, ErrorCode.CONFLICT, f"该参保登记已缴费（收据号 {receipt}），不得重复缴费")


def admitted_quote(
    session: Session,
    rules: Registry,
    enrolment: Enrolment,
    paid_on: date,
    field: str = "paidOn",
    person=None,
) -> Quote:
    quote = quote_for(session, rules, enrolment, paid_on, person=person)
    if error := date_error(quote, field):
        raise error
    return quote


def date_error(quote: Quote, field: str = "paidOn") -> InputError | None:
    """A day no route of the rules admits a payment on."""
    if not quote.accepted:
        return InputError.one(field, ErrorCode.INVALID, f"该日期不能缴费：{quote.rejection_reason}")
    return None


def amount_error(quote: Quote, amount_fen: int, field: str = "amount") -> InputError | None:
    """The server computes the amount: a payment must be exactly what the quote says is due."""
    if amount_fen != yuan_to_fen(quote.amount_due):
        return InputError.one(field, ErrorCode.MISMATCH, f"应缴 {quote.amount_due} 元")
    return None


def pay(
    session: Session,
    actor: Actor,
    enrolment: Row,
    quote: Quote,
    data: PaymentInput,
    amount_fen: int,
    account: PayeeAccount | None,
) -> Payment:
    """Writes the payment into the enrolment's free slot, then status, coverage and any refund.
    `enrolment` is its locked row (`lock_enrolment_row`)."""
    own = {
        "paid_on": data.paid_on,
        "channel": data.channel,
        "collector": data.collector,
        "idempotency_key": data.idempotency_key,
    }
    payment = write_payment(session, actor, enrolment, quote, own, amount_fen)
    owe_refund(session, actor, enrolment, payment, quote, account)
    return payment


def ledger_entry(session: Session, enrolment: Enrolment, **values) -> Payment:
    receipt_region = county_of(session, enrolment.region_code)
    seq, number = next_receipt(session, receipt_region, enrolment.coverage_year)
    payment = Payment(
        enrolment_id=enrolment.id,
        receipt_region_code=receipt_region,
        coverage_year=enrolment.coverage_year,
        county_code=enrolment.county_code,
        receipt_seq=seq,
        receipt_number=number,
        **values,
    )
    session.add(payment)
    return payment


def in_one_unit(engine: Engine, actor: Actor, write):
    """Runs `write` in one unit of work; a simultaneous copy that lost the key is answered again."""
    for attempt in range(2):
        try:
            with unit_of_work(engine, actor) as session:
                return write(session)
        except InputError as exc:
            if attempt or _LOST_KEY not in {(e.field, e.code) for e in exc.errors}:
                raise
    raise AssertionError("unreachable")


def _standing_receipt(session: Session, enrolment: Enrolment) -> str | None:
    """The receipt of the payment that stands unreversed."""
    reversed_ids = select(Payment.reverses_payment_id).where(
        Payment.enrolment_id == enrolment.id, Payment.kind == PaymentKind.REVERSAL
    )
    return session.exec(
        select(Payment.receipt_number)
        .where(
            Payment.enrolment_id == enrolment.id,
            Payment.kind == PaymentKind.PAYMENT,
            col(Payment.id).not_in(reversed_ids),
        )
        .order_by(Payment.id.desc())
    ).first()


def _settle_status(session: Session, actor: Actor, enrolment: Enrolment) -> None:
    """PAID while some payment for the enrolment stands unreversed, ENROLLED otherwise."""
    session.flush()
    standing = session.exec(
        select(func.sum(case((Payment.kind == PaymentKind.PAYMENT, 1), else_=-1))).where(
            Payment.enrolment_id == enrolment.id
        )
    ).one()
    status = EnrolmentStatus.PAID if (standing or 0) > 0 else EnrolmentStatus.ENROLLED
    if status != enrolment.status:
        before = audit.snapshot_of(enrolment)
        enrolment.status = status
        audit.record(session, actor, "settle_status", enrolment, before)


def amount_in_fen(amount: Decimal, field: str = "amount") -> int:
    try:
        fen = yuan_to_fen(amount)
    except ValueError as exc:
        raise InputError.one(field, ErrorCode.INVALID, f"金额无效：{exc}") from exc
    if fen < 0:
        raise InputError.one(field, ErrorCode.INVALID, "金额不能为负数")
    return fen


LIMITS = {"idempotencyKey": 100, "channel": 32, "collector": 64, "reason": 200}  # the columns' lengths


def require_text(**values: str | None) -> None:
    names = {"key": "idempotencyKey", "channel": "channel", "reason": "reason", "collector": "collector"}
    errors = [
        FieldError(names[name], ErrorCode.REQUIRED, "必填")
        for name, value in values.items()
        if name != "collector" and not (value or "").strip()
    ]
    for name, value in values.items():
        errors += text_errors(names[name], value, LIMITS[names[name]])
    if errors:
        raise InputError(errors)
