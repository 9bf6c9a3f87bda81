"""Households (户): registering one with its members, changing the head, moving people."""

from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from .. import audit
from ..audit import Actor
from ..distribution import county_code_of
from ..errors import ErrorCode, FieldError, InputError
from ..models import CategoryFact, Departure, Household, HouseholdMember, Person
from ..models.household import MAX_HOUSEHOLD_MEMBERS
from ..scope import get_visible
from ..text import text_errors
from .persons import PersonInput, check_person, get_person, region_errors
from .unit import unit_of_work


@dataclass
class MemberInput:
    """Either a new person to register, or the id of a person already registered."""

    person: PersonInput | None = None
    person_id: int | None = None
    relation: str | None = None
    is_head: bool = False


@dataclass
class HouseholdInput:
    address_region_code: str
    members: list[MemberInput] = field(default_factory=list)
    address: str | None = None


def register_household(engine: Engine, actor: Actor, data: HouseholdInput) -> Household:
    with unit_of_work(engine, actor) as session:
        errors = region_errors(session, "addressRegionCode", data.address_region_code)
        errors += _head_errors(data.members) + text_errors("address", data.address, 200)
        errors += _size_errors("members", len(data.members))
        for i, member in enumerate(data.members):
            errors += text_errors(f"members.{i}.relation", member.relation, 20)
        people, member_errors = _resolve_members(session, data.members)
        errors += member_errors
        if errors:
            raise InputError(errors)

        # Every row of the household on its county's shard (docs/scaling.md §3): its members, and
        # their persons, whose county is their household's.
        county = county_code_of(data.address_region_code)
        household = Household(
            address_region_code=data.address_region_code, address=data.address, county_code=county
        )
        session.add(household)
        audit.record(session, actor, "register_household", household)
        for member, person in zip(data.members, people, strict=True):
            move_to_county(session, person, county)
            if person.id is None:
                session.add(person)
                audit.record(session, actor, "register_person", person)
            row = HouseholdMember(
                household_id=household.id,
                person_id=person.id,
                relation=member.relation,
                is_head=member.is_head,
                county_code=county,
            )
            session.add(row)
            audit.record(session, actor, "add_member", row)
        return household


def _head_errors(members: list[MemberInput]) -> list[FieldError]:
    if not members:
        return [FieldError("members", ErrorCode.REQUIRED, "一户至少登记一人")]
    heads = [i for i, member in enumerate(members) if member.is_head]
    if not heads:
        return [FieldError("members", ErrorCode.REQUIRED, "须指定一位户主")]
    return [FieldError(f"members.{i}.isHead", ErrorCode.CONFLICT, "一户只能有一位户主") for i in heads[1:]]


def _resolve_members(session: Session, members: list[MemberInput]) -> tuple[list[Person], list[FieldError]]:
    people: list[Person] = []
    errors: list[FieldError] = []
    seen_ids: dict[str, int] = {}
    for i, member in enumerate(members):
        prefix = f"members.{i}"
        if (member.person is None) == (member.person_id is None):
            errors.append(
                FieldError(
                    prefix,
                    ErrorCode.INVALID,
                    "请填写新居民信息或已登记居民编号，二者取一",
                )
            )
            people.append(Person())
            continue
        if member.person_id is not None:
            person = get_visible(session, Person, member.person_id)
            if person is None:
                errors.append(FieldError(f"{prefix}.personId", ErrorCode.NOT_FOUND, "居民不存在"))
            elif household_of(session, person.id) is not None:
                errors.append(
                    FieldError(
                        f"{prefix}.personId",
                        ErrorCode.DUPLICATE,
                        "该居民已属于另一户，请用迁移",
                    )
                )
            people.append(person or Person())
            continue
        person, person_errors = check_person(session, member.person)
        errors += [error.under(f"{prefix}.person") for error in person_errors]
        if person.id_number:
            if person.id_number in seen_ids:
                errors.append(
                    FieldError(
                        f"{prefix}.person.idNumber",
                        ErrorCode.DUPLICATE,
                        f"与第 {seen_ids[person.id_number] + 1} 位成员身份证号码重复",
                    )
                )
            seen_ids.setdefault(person.id_number, i)
        people.append(person)
    return people, errors


def household_of(session: Session, person_id: int) -> HouseholdMember | None:
    return session.exec(select(HouseholdMember).where(HouseholdMember.person_id == person_id)).first()


def change_head(engine: Engine, actor: Actor, household_id: int, person_id: int) -> Household:
    with unit_of_work(engine, actor) as session:
        household = _get_household(session, household_id)
        membership = household_of(session, person_id)
        if membership is None or membership.household_id != household_id:
            raise InputError.one("personId", ErrorCode.INVALID, "新户主须是本户成员")
        if membership.is_head:
            return household
        old = session.exec(
            select(HouseholdMember).where(
                HouseholdMember.household_id == household_id, HouseholdMember.is_head
            )
        ).first()
        if old is not None:
            before = audit.snapshot_of(old)
            old.is_head = False
            session.flush()  # the one-head index must see the old head stand down first
            audit.record(session, actor, "change_head", old, before)
        before = audit.snapshot_of(membership)
        membership.is_head = True
        audit.record(session, actor, "change_head", membership, before)
        return household


def move_person(
    engine: Engine, actor: Actor, person_id: int, household_id: int, relation: str | None = None
) -> Person:
    """Moves a person into another household, and their residence to its address."""
    with unit_of_work(engine, actor) as session:
        person = get_person(session, person_id)
        target = _get_household(session, household_id, lock=True)  # two moves in cannot both fit
        membership = household_of(session, person_id)
        if membership is not None and membership.household_id == household_id:
            raise InputError.one("householdId", ErrorCode.INVALID, "该居民已在此户")
        if membership is not None and membership.is_head:
            others = session.exec(
                select(HouseholdMember.id).where(
                    HouseholdMember.household_id == membership.household_id,
                    HouseholdMember.id != membership.id,
                )
            ).first()
            if others is not None:
                raise InputError.one("personId", ErrorCode.CONFLICT, "户主迁出前请先变更户主")
        size = len(
            session.exec(select(HouseholdMember.id).where(HouseholdMember.household_id == target.id)).all()
        )
        if errors := _size_errors("householdId", size + 1):
            raise InputError(errors)
        if membership is not None:
            session.delete(membership)
            audit.record(session, actor, "remove_member", membership, removed=True)
            session.flush()
            if membership.is_head:  # the household is now empty: it no longer exists
                old = session.get(Household, membership.household_id)
                session.delete(old)
                audit.record(session, actor, "dissolve_household", old, removed=True)
        row = HouseholdMember(
            household_id=target.id, person_id=person.id, relation=relation, county_code=target.county_code
        )
        session.add(row)
        audit.record(session, actor, "add_member", row)
        before = audit.snapshot_of(person)
        person.residence_region_code = target.address_region_code
        move_to_county(session, person, target.county_code)  # a member's person is on its household's shard
        audit.record(session, actor, "move_person", person, before)
        return person


def move_to_county(session: Session, person: Person, county: str) -> None:
    """Puts a person on `county`'s shard (docs/scaling.md §3), with the facts that lie on their person's:
    hardship identities and a departure (migration 0019). A person not stored yet has none."""
    if person.id is not None and person.county_code != county:
        for model in (CategoryFact, Departure):
            session.exec(update(model).where(model.person_id == person.id).values(county_code=county))
    person.county_code = county


def refuse_oversized(field: str, count: int) -> None:
    """Refuses `count` members at once for one household; the API checks a request with it before
    converting a large list."""
    if errors := _size_errors(field, count):
        raise InputError(errors)


def _size_errors(field: str, count: int) -> list[FieldError]:
    if count <= MAX_HOUSEHOLD_MEMBERS:
        return []
    return [
        FieldError(
            field,
            ErrorCode.INVALID,
            f"一户最多 {MAX_HOUSEHOLD_MEMBERS} 人，本次 {count} 人",
        )
    ]


def _get_household(session: Session, household_id: int, lock: bool = False) -> Household:
    household = get_visible(session, Household, household_id)
    if household is not None and lock:
        session.exec(select(Household.id).where(Household.id == household.id).with_for_update()).one()
    if household is None:
        raise InputError.one("householdId", ErrorCode.NOT_FOUND, f"户 {household_id} 不存在")
    return household
