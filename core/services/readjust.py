"""Re-adjusting subsidies on a later roster (东政办〔2021〕6号 四（四）).

"对各类全额及定额资助对象以9月份在册人员先行征收，12月31日缴费工作结束后……再以12月31日在册
人员重新调整资助对象": payments are first decided on the September roster; once collection ends,
every paid enrolment is quoted again — at its own payment date, with the identities in force on
the later roster's date — and whoever's subsidy changed is reported and updated. What the change
does to the money is a settlement item (core/services/settlements.py). Only a policy that names
such a re-adjustment (`Policy.readjustment`) is re-adjusted: 贵医保组〔2023〕1号 三9, for one, fixes
the 08-31 roster ("9月1日后特殊群体属性的变更，不享受今年政府资助参保政策").
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from .. import audit
from ..audit import Actor
from ..errors import ErrorCode, InputError
from ..models import Enrolment, Payment, Person
from ..money import fen_to_yuan, yuan_to_fen
from ..regions import codes_under, region_path
from ..rules.registry import Registry
from ..scope import scope_of
from ..statuses import EnrolmentStatus, PaymentKind
from .coverage import decided, quote_for
from .persons import region_errors
from .settlements import record_settlement
from .unit import unit_of_work


@dataclass(frozen=True)
class Decision:
    category: str | None
    subsidy: Decimal | None
    amount_due: Decimal | None


@dataclass(frozen=True)
class SubsidyChange:
    enrolment_id: int
    person_id: int
    person_name: str
    paid_on: date
    before: Decision
    after: Decision


def readjust_subsidies(
    engine: Engine,
    actor: Actor,
    rules: Registry,
    policy_id: str,
    as_of: date,
    region_code: str | None = None,
) -> list[SubsidyChange]:
    """Re-quotes the policy's paid enrolments in scope on the roster of `as_of`; returns who changed.

    Unchanged enrolments are not touched, so a second run on the same roster changes nothing.
    """
    with unit_of_work(engine, actor) as session:
        policy = rules.get(policy_id)  # an unknown policy is refused naming policyId
        if policy.readjustment is None:
            raise InputError.one(
                "policyId",
                ErrorCode.INVALID,
                f"政策 {policy_id} 未规定缴费结束后重新调整资助对象",
            )
        if region_code is not None and (errors := region_errors(session, "regionCode", region_code)):
            raise InputError(errors)
        query = select(Enrolment).where(
            Enrolment.policy_id == policy_id,
            Enrolment.status == EnrolmentStatus.PAID,
            scope_of(session).visible(Enrolment),
        )
        if region_code is not None:
            query = query.where(
                col(Enrolment.region_code).in_(codes_under(region_path(session, region_code)))
            )
        enrolments = session.exec(query.order_by(Enrolment.id)).all()
        standing = _standing_payments(session, [e.id for e in enrolments])
        changes = []
        for enrolment in enrolments:
            if enrolment.id not in standing:
                continue
            day, paid_fen = standing[enrolment.id]
            quote = quote_for(session, rules, enrolment, day, identities_on=as_of)
            if not quote.accepted:  # the payment was admitted; a refusal now is not a readjustment
                continue
            before = Decision(
                enrolment.subsidy_category,
                _yuan(enrolment.subsidy_fen),
                _yuan(enrolment.amount_due_fen),
            )
            after = Decision(quote.subsidy_category, quote.subsidy, quote.amount_due)
            if _same(before, after):
                continue
            previous = audit.snapshot_of(enrolment)
            enrolment.snapshot = {
                **(enrolment.snapshot or {}),
                "readjusted": {
                    "asOf": as_of.isoformat(),
                    "before": _json(before),
                    "quote": decided(quote, day),
                },
            }
            enrolment.subsidy_category = quote.subsidy_category
            enrolment.subsidy_fen = yuan_to_fen(quote.subsidy)
            enrolment.amount_due_fen = yuan_to_fen(quote.amount_due)
            enrolment.method = str(quote.subsidy_method)
            audit.record(session, actor, "readjust_subsidy", enrolment, previous)
            record_settlement(
                session,
                actor,
                rules,
                policy,
                enrolment,
                as_of,
                paid_fen,
                (before.category, yuan_to_fen(before.amount_due or 0)),
                (after.category, yuan_to_fen(after.amount_due)),
            )
            person = session.get(Person, enrolment.person_id)
            changes.append(SubsidyChange(enrolment.id, person.id, person.name, day, before, after))
        return changes


def _standing_payments(session: Session, enrolment_ids: list[int]) -> dict[int, tuple[date, int]]:
    """Each enrolment's standing (unreversed) payment: its date and amount (fen), in one query."""
    if not enrolment_ids:
        return {}
    reversed_ids = select(Payment.reverses_payment_id).where(Payment.kind == PaymentKind.REVERSAL)
    rows = session.exec(
        select(Payment.enrolment_id, Payment.paid_on, Payment.amount_fen)
        .where(
            col(Payment.enrolment_id).in_(enrolment_ids),
            Payment.kind == PaymentKind.PAYMENT,
            col(Payment.id).not_in(reversed_ids),
        )
        .order_by(Payment.id)
    ).all()
    return {enrolment_id: (paid_on, fen) for enrolment_id, paid_on, fen in rows}


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else fen_to_yuan(fen)


def _same(before: Decision, after: Decision) -> bool:
    return (
        before.category == after.category
        and before.subsidy == after.subsidy
        and before.amount_due == after.amount_due
    )


def _json(decision: Decision) -> dict:
    return {
        "subsidyCategory": decision.category,
        "subsidy": None if decision.subsidy is None else str(decision.subsidy),
        "amountDue": None if decision.amount_due is None else str(decision.amount_due),
    }
