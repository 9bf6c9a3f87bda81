"""A collected roster's rows of households that pay whole (贵医保组〔2023〕1号 三8), paid as one.

Where the policy's household rule is WHOLE, the rows of one household's members are enrolled
together (`enrol_household`) and paid together (`pay_household`): every row is recorded or none,
each member at their own amount due, with one key derived from the household, year and day. A
household whose owing members are not all on the roster is refused, row by row, naming them. The
rows of a household arrive one after another on a roster, so a household cut by the end of a batch
waits for the next one (`hold_back`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from ..audit import Actor
from ..errors import ErrorCode, InputError
from ..imports.jobs import IMPORTED, UNCHANGED
from ..models import Household, HouseholdMember, Payment, Person
from ..money import fen_to_yuan, yuan_to_fen
from ..rules.policy import Policy
from ..rules.registry import Registry, governs
from ..scope import Scope
from .coverage import quote_for
from .enrolments import HouseholdEnrolmentInput, enrol_household, find_enrolment
from .household_payments import HouseholdPaymentInput, pay_household
from .household_rule import unpaid_members, whole
from .unit import unit_of_work

KEY_PREFIX = "payimp:hh"
# No roster holds back more rows than a household has members; beyond this it is not one household.
MOST_MEMBERS = 30


@dataclass(frozen=True)
class MemberRow:
    number: int  # the row as the spreadsheet shows it
    person: Person
    amount_fen: int
    paid_on: date
    channel: str
    tier: str
    account: object  # PayeeAccount | None


def households_paying_whole(session, policy: Policy, person_ids: Iterable[int]) -> dict[int, int]:
    """person id → household id, for persons in the policy's households of several that pay whole."""
    ids = list(person_ids)
    if not whole(policy) or not ids:
        return {}
    rows = session.exec(
        select(HouseholdMember.person_id, HouseholdMember.household_id, Household.address_region_code)
        .join(Household, col(Household.id) == col(HouseholdMember.household_id))
        .where(col(HouseholdMember.person_id).in_(ids))
    ).all()
    governed = {household for _, household, region in rows if governs(policy, region)}
    sizes = dict(
        session.exec(
            select(HouseholdMember.household_id, func.count())
            .where(col(HouseholdMember.household_id).in_(governed))
            .group_by(HouseholdMember.household_id)
        ).all()
    )
    return {person: household for person, household, _ in rows if sizes.get(household, 0) > 1}


def household_key(household_id: int, coverage_year: int, paid_on: date) -> str:
    return f"{KEY_PREFIX}:{household_id}:{coverage_year}:{paid_on:%Y%m%d}"


def record_household(
    engine: Engine,
    actor: Actor,
    rules: Registry,
    policy: Policy,
    scope: Scope,
    household_id: int,
    members: list[MemberRow],
    collector: str,
) -> dict[int, tuple[str, str]]:
    """Enrols and pays the household's rows as one; row number → (outcome, receipt or reason).

    Raises InputError (the whole household refused) with the reason the rows should carry.
    """
    year = policy.coverage_year
    paid_on = members[0].paid_on
    key = household_key(household_id, year, paid_on)
    with unit_of_work(engine, actor) as session:
        done = session.exec(
            select(Payment.enrolment_id, Payment.receipt_number).where(
                Payment.idempotency_key == key, scope.visible(Payment)
            )
        ).all()
        if done:
            return {m.number: (UNCHANGED, "已导入（同户一并缴费）") for m in members}
        present = {m.person.id for m in members}
        owing = unpaid_members(session, policy, sorted(present), year)
        missing = [p for p in owing if p.id not in present]
        if missing:
            names = "、".join(p.name for p in missing)
            raise InputError.one(
                "idNumber",
                ErrorCode.INVALID,
                f"须以户为单位缴费，同户 {names} 未在本清册中（{policy.household.cite}）",
            )
        if {m.paid_on for m in members} != {paid_on} or len({m.channel for m in members}) > 1:
            raise InputError.one("paidOn", ErrorCode.INVALID, "同户成员须同日、同一方式一并缴费")
        unenrolled = [m for m in members if find_enrolment(session, m.person.id, year) is None]
    if unenrolled:
        enrol_household(
            engine,
            actor,
            HouseholdEnrolmentInput(
                household_id,
                year,
                policy.id,
                key,
                tier=members[0].tier,
                channel=members[0].channel,
                on=paid_on,
                person_ids=[m.person.id for m in unenrolled],
            ),
            rules,
        )
    with unit_of_work(engine, actor) as session:
        for member in members:
            enrolment = find_enrolment(session, member.person.id, year)
            quote = quote_for(session, rules, enrolment, paid_on)
            if quote.accepted and yuan_to_fen(quote.amount_due) != member.amount_fen:
                raise InputError.one(
                    "amount",
                    ErrorCode.MISMATCH,
                    f"{member.person.name} 应缴 {quote.amount_due} 元",
                )
    payments = pay_household(
        engine,
        actor,
        HouseholdPaymentInput(
            household_id,
            year,
            fen_to_yuan(sum(m.amount_fen for m in members)),
            paid_on,
            members[0].channel,
            key,
            collector,
            members[0].account,
        ),
        rules,
    )
    receipts = {p.enrolment_id: p.receipt_number for p in payments}
    with unit_of_work(engine, actor) as session:
        enrolment_of = {m.number: find_enrolment(session, m.person.id, year).id for m in members}
    return {number: (IMPORTED, f"receipt {receipts[e]}") for number, e in enrolment_of.items()}
