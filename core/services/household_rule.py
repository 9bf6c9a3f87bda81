"""Whether a household enrols and pays as one: who is missing from an enrolment, who still owes.

Only households the policy governs count: a migrant from elsewhere enrols alone where they live.
WHOLE (贵医保组〔2023〕1号 三8 "城乡居民须以户为单位缴费参保，不得选择性参保") refuses a partial
household; PREFERRED (东政办〔2021〕6号 五（二） "原则上以家庭为单位参保") notes it.
"""

from typing import NamedTuple

from sqlalchemy import and_, bindparam, exists
from sqlmodel import Session, col, select

from ..db import run
from ..errors import ErrorCode, InputError
from ..imports.bulk import among, probe
from ..models import Departure, Enrolment, Household, HouseholdMember, Person
from ..rules.policy import HouseholdMode, Policy
from ..rules.registry import governs
from ..statuses import EnrolmentStatus


class _Mate(NamedTuple):
    """A household mate as the household rule names them."""

    id: int
    name: str


class _Owing(NamedTuple):
    """A household mate with their household's address and their enrolment's status (`unpaid_members`)."""

    id: int
    name: str
    address_region_code: str
    status: str | None


def departed(session: Session, person_ids: list[int]) -> set[int]:
    if not person_ids:
        return set()
    return set(
        session.exec(select(Departure.person_id).where(among(session, Departure.person_id, person_ids))).all()
    )


def _household_mates(session: Session, policy: Policy, person_ids: list[int]) -> list[_Mate]:
    """The other members, still on the register, of the governed households of these persons."""
    mates = {m.id: m for found in mates_of(session, policy, person_ids).values() for m in found}
    return [mates[pid] for pid in sorted(mates) if pid not in person_ids]


def mates_of(session: Session, policy: Policy, person_ids: list[int]) -> dict[int, list[_Mate]]:
    """Each person's other household members still on the register, in id order, in the households
    the policy governs (none without a household rule): for one enrolment or a whole import batch."""
    if policy.household is None or not person_ids:
        return {}
    addresses = session.exec(
        select(HouseholdMember.person_id, Household.id, Household.address_region_code)
        .join(HouseholdMember, HouseholdMember.household_id == Household.id)
        .where(among(session, HouseholdMember.person_id, person_ids))
    ).all()
    governed: dict[int, set[int]] = {}
    inside: dict[str, bool] = {}  # each address's answer: a batch's households share a few villages
    for pid, hid, region in addresses:
        if region not in inside:
            inside[region] = governs(policy, region)
        if inside[region]:
            governed.setdefault(pid, set()).add(hid)
    household_ids = set().union(*governed.values()) if governed else set()
    if not household_ids:
        return {}
    # The mates' id and name (all a refusal or a partial household's note names), not model
    # objects: an import's batch reads a household of four per row.
    members = session.exec(
        select(HouseholdMember.household_id, Person.id, Person.name)
        .join(HouseholdMember, HouseholdMember.person_id == Person.id)
        .where(among(session, HouseholdMember.household_id, household_ids))
        .order_by(Person.id)
    ).all()
    members = [(hid, _Mate(pid, name)) for hid, pid, name in members]
    gone = departed(session, sorted({p.id for _, p in members}))
    by_household: dict[int, list[_Mate]] = {}
    for hid, person in members:  # in id order
        if person.id not in gone:
            by_household.setdefault(hid, []).append(person)
    found: dict[int, list[_Mate]] = {}
    for pid, hids in governed.items():
        seen = {p.id: p for hid in hids for p in by_household.get(hid, []) if p.id != pid}
        found[pid] = [seen[mate] for mate in sorted(seen)]
    return found


def statuses(session: Session, ids: list[int], coverage_year: int) -> dict[int, str]:
    """Each person's enrolment status for the year, for those enrolled anywhere."""
    if not ids:
        return {}
    # By person through the index (`probe`): an import's batch asks while it fills the year's
    # enrolments, whose statistics from before it made `= ANY(…)` scan them all.
    statement = select(Enrolment.person_id, Enrolment.status).where(Enrolment.coverage_year == coverage_year)
    return dict(session.execute(probe(session, statement, Enrolment.person_id, ids)).all())


def missing_members(
    session: Session, policy: Policy, enrolling: list[int], coverage_year: int
) -> list[_Mate]:
    """The household's other members who are enrolled for the year nowhere."""
    mates = _household_mates(session, policy, enrolling)
    enrolled = statuses(session, [p.id for p in mates], coverage_year)
    return [p for p in mates if p.id not in enrolled]


def _mates(county: bool):
    """Every other member still on the register of the paying persons' households, with their
    household's address and their enrolment's status for the year (none when not enrolled): one
    statement. With `county`, each table names the households' county (bound parameter `county`):
    a member's person and its departure lie on its household's shard (migrations 0018, 0019), and
    so does the enrolment of a member enrolled where the household is — the others are read apart
    (`unpaid_members`)."""
    paying = bindparam("paying", expanding=True)
    here = bindparam("county")

    def in_county(model) -> tuple:
        return (model.county_code == here,) if county else ()

    return (
        select(Person.id, Person.name, Household.address_region_code, Enrolment.status)
        .join(HouseholdMember, HouseholdMember.person_id == Person.id)
        .join(Household, Household.id == HouseholdMember.household_id)
        .outerjoin(
            Enrolment,
            and_(
                Enrolment.person_id == Person.id,
                Enrolment.coverage_year == bindparam("year"),
                *in_county(Enrolment),
            ),
        )
        .where(
            col(HouseholdMember.household_id).in_(
                select(HouseholdMember.household_id).where(
                    col(HouseholdMember.person_id).in_(paying), *in_county(HouseholdMember)
                )
            ),
            col(Person.id).not_in(paying),
            ~exists().where(Departure.person_id == Person.id, *in_county(Departure)),
            *in_county(Person),
            *in_county(HouseholdMember),
            *in_county(Household),
        )
        .order_by(Person.id)
    )


# Built once: for any caller, and for a caller within one county (docs/scaling.md §3).
_MATES = {False: _mates(False), True: _mates(True)}


def unpaid_members(
    session: Session, policy: Policy, paying: list[int], coverage_year: int, county: str | None = None
) -> list:
    """The household's other members who still owe the year: not enrolled, or enrolled unpaid.
    Rows with the person's `id` and `name`, in id order, of the households the policy governs.

    `county`: the paying persons' county (their household's, which their persons carry), for a
    caller within one county: the statement then names it for every table. A member not enrolled
    in that county may be enrolled elsewhere (where they live): only those are looked up again, by
    person, in every county."""
    if policy.household is None:
        return []
    values = {"paying": paying, "year": coverage_year}
    if county is None:
        mates = run(session, _MATES[False], values).all()
    else:
        mates = run(session, _MATES[True], values | {"county": county}).all()
        if away := [mate.id for mate in mates if mate.status is None]:
            found = statuses(session, away, coverage_year)
            mates = [_Owing(*mate[:3], found.get(mate.id, mate.status)) for mate in mates]
    return [
        mate
        for mate in mates
        if governs(policy, mate.address_region_code)
        and mate.status not in (EnrolmentStatus.PAID, EnrolmentStatus.TERMINATED)
    ]


def whole(policy: Policy) -> bool:
    return policy.household is not None and policy.household.mode == HouseholdMode.WHOLE


def refuse_partial(
    policy: Policy, others: list[Person], field: str, doing: str, who: str, hint: str = ""
) -> None:
    """WHOLE: refuses, naming who is missing; any other rule lets a partial household through."""
    if not whole(policy) or not others:
        return
    names = "、".join(p.name for p in others)
    message = f"须以户为单位{doing}，{who}：{names}（{policy.household.cite}）{hint}"
    raise InputError.one(field, ErrorCode.INVALID, message)
