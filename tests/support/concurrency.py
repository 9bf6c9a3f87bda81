"""Shared set-up for the tests that race real threads against the real databases."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session, select

from tests.support.factories import id_number
from yibao.core.audit import SYSTEM
from yibao.core.models import HouseholdMember
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.persons import PersonInput


def registered_people(engine, count: int, start: int = 0) -> list[int]:
    """Person ids of one new 东至县 household of `count` members, in the order registered."""
    members = [
        MemberInput(
            person=PersonInput(name=f"居民{i}", hukou_region_code="341721", id_number=id_number(seq=i)),
            is_head=i == start,
        )
        for i in range(start, start + count)
    ]
    household = register_household(engine, SYSTEM, HouseholdInput("341721", members))
    with Session(engine) as session:
        statement = select(HouseholdMember.person_id).where(HouseholdMember.household_id == household.id)
        return list(session.exec(statement.order_by(HouseholdMember.id)).all())


def at_once(count: int, call: Callable[[], object]) -> list:
    """Runs `call` on `count` threads released together by a barrier; their results in order."""
    start = threading.Barrier(count, timeout=60)

    def run(_):
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))
