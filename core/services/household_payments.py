"""A household paying as one: every member who owes the year, in one transaction, with one key.

贵医保组〔2023〕1号 三8: "城乡居民须以户为单位缴费参保，不得选择性参保". Where the policy's household
rule is WHOLE a member cannot pay alone while others owe (core/services/payments.py), so nobody
in such a household is covered until the household has paid. Here each member's payment is
recorded at that member's own quoted amount, the stated total is checked against their sum, and
either all are stored or none. The one idempotency key is each member payment's key (keys are
scoped to their enrolment), so a retry finds them and returns them, paying nothing twice.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Row
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from ..audit import Actor
from ..errors import ErrorCode, InputError
from ..models import Enrolment, Household, HouseholdMember, Payment, Person
from ..money import fen_to_yuan, yuan_to_fen
from ..rules.registry import Registry
from ..scope import get_visible, scope_of
from ..statuses import EnrolmentStatus, PaymentKind
from .enrolments import channel_errors
from .household_rule import departed
from .payment_rows import lock_enrolment_row
from .payments import (
    PaymentInput,
    admitted_quote,
    amount_in_fen,
    in_one_unit,
    key_conflict,
    keyed,
    pay,
    payable,
    require_text,
)
from .refunds import PayeeAccount


@dataclass
class HouseholdPaymentInput:
    household_id: int
    coverage_year: int
    amount: Decimal  # the total the household hands over
    paid_on: date
    channel: str
    idempotency_key: str
    collector: str | None = None
    refund_account: PayeeAccount | None = None  # for every member's collect-then-refund refund


def pay_household(
    engine: Engine, actor: Actor, data: HouseholdPaymentInput, rules: Registry
) -> list[Payment]:
    """Records the payment of every member who owes the year; returns them in member order."""
    total_fen = amount_in_fen(data.amount)
    require_text(key=data.idempotency_key, channel=data.channel, collector=data.collector)

    def write(session: Session) -> list[Payment]:
        household = get_visible(session, Household, data.household_id)
        if household is None:
            raise InputError.one("householdId", ErrorCode.NOT_FOUND, f"户 {data.household_id} 不存在")
        members = _members(session, household.id)
        enrolments, elsewhere = _enrolments(session, members, data.coverage_year)
        if done := keyed(session, data.idempotency_key):
            mine = {e.id for e in enrolments.values()}
            if any(p.enrolment_id not in mine or p.kind != PaymentKind.PAYMENT for p in done) or (
                sum(p.amount_fen for p in done) != total_fen
            ):
                raise key_conflict()
            return done
        unenrolled = [p for p in members if p.id not in enrolments and p.id not in elsewhere]
        if unenrolled:
            names = "、".join(p.name for p in unenrolled)
            raise InputError.one(
                "householdId",
                ErrorCode.INVALID,
                f"须以户为单位参保缴费，{names} 尚未参加 {data.coverage_year} 年度医保，请先以户参保",
            )
        owing = [e for e in enrolments.values() if e.status == EnrolmentStatus.ENROLLED]
        if not owing:
            raise InputError.one("householdId", ErrorCode.CONFLICT, "该户本年度已缴费")
        names = {p.id: p.name for p in members}
        quotes = []
        for enrolment in owing:
            payable(session, enrolment, "householdId")
            if errors := channel_errors(rules.get(enrolment.policy_id), data.channel):
                raise InputError(errors)
            quote = admitted_quote(session, rules, enrolment, data.paid_on)
            quotes.append((enrolment, quote, yuan_to_fen(quote.amount_due)))
        due = sum(fen for _, _, fen in quotes)
        if total_fen != due:
            items = " + ".join(f"{names[e.person_id]} {fen_to_yuan(fen)}" for e, _, fen in quotes)
            raise InputError.one(
                "amount",
                ErrorCode.MISMATCH,
                f"全户应缴合计 {fen_to_yuan(due)} 元（{items}）",
            )
        payments = []
        for enrolment, quote, fen in quotes:
            member = PaymentInput(
                enrolment.id,
                fen_to_yuan(fen),
                data.paid_on,
                data.channel,
                data.idempotency_key,
                data.collector,
            )
            payments.append(pay(session, actor, enrolment, quote, member, fen, data.refund_account))
        return payments

    return in_one_unit(engine, actor, write)


def _members(session: Session, household_id: int) -> list[Person]:
    """The household's members still on the register, in the order they were added."""
    people = session.exec(
        select(Person)
        .join(HouseholdMember, HouseholdMember.person_id == Person.id)
        .where(HouseholdMember.household_id == household_id)
        .order_by(HouseholdMember.id)
    ).all()
    gone = departed(session, [p.id for p in people])
    return [p for p in people if p.id not in gone]


def _enrolments(
    session: Session, members: list[Person], coverage_year: int
) -> tuple[dict[int, Row], set[int]]:
    """The members' enrolments for the year that the caller may see, each locked (in id order, so
    two household payments never wait on each other crosswise), and the members enrolled in
    another region: those are not this household's to pay here, and not described."""
    found = session.exec(
        select(Enrolment.id, Enrolment.person_id)
        .where(
            col(Enrolment.person_id).in_([p.id for p in members]), Enrolment.coverage_year == coverage_year
        )
        .order_by(Enrolment.id)
    ).all()
    visible = set(
        session.exec(
            select(Enrolment.id).where(
                col(Enrolment.id).in_([enrolment_id for enrolment_id, _ in found]),
                scope_of(session).visible(Enrolment),
            )
        ).all()
    )
    mine = {
        person_id: lock_enrolment_row(session, enrolment_id, "householdId", coverage_year)
        for enrolment_id, person_id in found
        if enrolment_id in visible
    }
    return mine, {person_id for enrolment_id, person_id in found if enrolment_id not in visible}
