"""The money side of a re-adjustment: one settlement item per paid enrolment whose amount due changed.

东政办〔2021〕6号 四（四） collects on the September roster and "12月31日缴费工作结束后……再以12月31日
在册人员重新调整资助对象". A person who paid 30 as 低保 in October and left 低保 by 12-31 now owes
320: the 290 difference is an item; one who paid 320 and became 低保 has paid 290 more than is now
due. The notice does not say who settles either, so the policy names a choice parameter
(`Readjustment.settlement`): PERSON (多退少补 with the person) or FUNDING_DEPARTMENT (the person's
payment stands and the department funding the subsidy makes up or keeps the difference). Until a
deployment sets it, items are UNSETTLED — listed, never dropped — and become OWED when it is set
(core/services/pending.py). One item per enrolment and roster date (a unique constraint).
"""

from datetime import date

from sqlmodel import Session, col, select, update

from .. import audit
from ..audit import SYSTEM, Actor
from ..models import Enrolment, Settlement
from ..rules.policy import Policy
from ..rules.registry import Registry
from ..statuses import SettlementStatus


def settlement_party(rules: Registry, policy: Policy) -> str | None:
    """The deployment's choice for the policy, or None while it is unset."""
    if policy.readjustment is None:
        return None
    return rules.parameters.get(policy.id, {}).get(policy.readjustment.settlement)


def record_settlement(
    session: Session,
    actor: Actor,
    rules: Registry,
    policy: Policy,
    enrolment: Enrolment,
    as_of: date,
    paid_fen: int,
    before: tuple[str | None, int],
    after: tuple[str | None, int],
) -> Settlement | None:
    """The item for an enrolment whose amount due moved from `before` to `after` (category, fen)."""
    # The change of this re-adjustment: a second one on a later roster adds only its own change.
    difference = after[1] - before[1]
    if difference == 0:
        return None
    party = settlement_party(rules, policy)
    item = Settlement(
        enrolment_id=enrolment.id,
        coverage_year=enrolment.coverage_year,
        as_of=as_of,
        paid_fen=paid_fen,
        due_before_fen=before[1],
        due_after_fen=after[1],
        difference_fen=difference,
        subsidy_before=before[0],
        subsidy_after=after[0],
        party=party,
        status=SettlementStatus.OWED if party else SettlementStatus.UNSETTLED,
        citation=str(policy.readjustment.cite)[:200],
    )
    session.add(item)
    audit.record(session, actor, "record_settlement", item)
    return item


def resolve_unsettled(session: Session, rules: Registry) -> int:
    """Gives every UNSETTLED item the party its policy's parameter now names; returns how many."""
    decided = 0
    policies = {p.id: p for p in rules.policies()}
    waiting = session.exec(
        select(Settlement, Enrolment.policy_id)
        .join(Enrolment, Enrolment.id == Settlement.enrolment_id)
        .where(Settlement.status == SettlementStatus.UNSETTLED)
    ).all()
    for item, policy_id in waiting:
        policy = policies.get(policy_id)
        party = settlement_party(rules, policy) if policy else None
        if party is None:
            continue
        before = audit.snapshot_of(item)
        claimed = session.execute(
            update(Settlement)
            .where(col(Settlement.id) == item.id, Settlement.status == SettlementStatus.UNSETTLED)
            .values(status=SettlementStatus.OWED, party=party)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            session.refresh(item)
            audit.record(session, SYSTEM, "decide_settlement", item, before)
            decided += 1
    return decided


def settlements_of(session: Session, enrolment_ids: list[int]) -> dict[int, list[Settlement]]:
    """Each enrolment's items, oldest first, in one query."""
    if not enrolment_ids:
        return {}
    found: dict[int, list[Settlement]] = {}
    for item in session.exec(
        select(Settlement).where(col(Settlement.enrolment_id).in_(enrolment_ids)).order_by(Settlement.id)
    ).all():
        found.setdefault(item.enrolment_id, []).append(item)
    return found
