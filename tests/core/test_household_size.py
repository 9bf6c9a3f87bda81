"""A household has at most MAX_HOUSEHOLD_MEMBERS members, however it grows: by registration or by
moving people in (the API's list costs count on it, api/cost.py)."""

import pytest
from sqlmodel import Session, select

from tests.support.db_state import stored
from tests.support.factories import id_number
from yibao.core.audit import SYSTEM
from yibao.core.errors import InputError
from yibao.core.models import HouseholdMember
from yibao.core.models.household import MAX_HOUSEHOLD_MEMBERS
from yibao.core.services.households import HouseholdInput, MemberInput, move_person, register_household
from yibao.core.services.persons import PersonInput


def members(count: int, start: int = 0) -> list[MemberInput]:
    return [
        MemberInput(
            person=PersonInput(
                name=f"居民{start + i}", hukou_region_code="341721", id_number=id_number(seq=start + i)
            ),
            is_head=i == 0,
        )
        for i in range(count)
    ]


def test_registering_more_members_than_a_household_holds_is_refused(engine):
    before = stored(engine)
    with pytest.raises(InputError) as refused:
        register_household(engine, SYSTEM, HouseholdInput("341721", members(MAX_HOUSEHOLD_MEMBERS + 1)))
    assert [(e.field, e.code) for e in refused.value.errors] == [("members", "INVALID")]
    assert stored(engine) == before


def test_moving_one_more_person_into_a_full_household_is_refused(engine):
    full = register_household(engine, SYSTEM, HouseholdInput("341721", members(MAX_HOUSEHOLD_MEMBERS)))
    other = register_household(engine, SYSTEM, HouseholdInput("341721", members(1, start=100)))
    [newcomer] = [m.person_id for m in other_members(engine, other.id)]
    before = stored(engine)
    with pytest.raises(InputError) as refused:
        move_person(engine, SYSTEM, newcomer, full.id)
    assert [(e.field, e.code) for e in refused.value.errors] == [("householdId", "INVALID")]
    assert stored(engine) == before


def other_members(engine, household_id: int):
    with Session(engine) as session:
        return session.exec(select(HouseholdMember).where(HouseholdMember.household_id == household_id)).all()
