"""Simultaneous and repeated enrolments store one enrolment, on both backends, with real threads."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session, func, select

from tests.support.concurrency import at_once, registered_people
from tests.support.db_state import stored
from tests.support.factories import id_number
from yibao.core.audit import SYSTEM, Actor
from yibao.core.errors import ErrorCode, InputError
from yibao.core.models import AuditEvent, Enrolment, HouseholdMember
from yibao.core.services import enrolments
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.persons import PersonInput
from yibao.core.testing.scenarios import registry

POLICY = "anhui/341721/2022"
CLERK = Actor(name="东至县经办", role="COUNTY_ADMIN", region_code="341721")


def _count(engine, model, *where) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_two_clerks_enrolling_one_person_at_once_store_one_enrolment(engine, monkeypatch):
    [person] = registered_people(engine, 1)
    # On PostgreSQL both requests pass the service's own duplicate check before either writes,
    # so the database's unique constraint is what decides. On SQLite a unit of work holds the
    # write lock from its first read (core/db.py): the second cannot check until the first has
    # committed, the barrier breaks after a short wait, and the check itself refuses it.
    both_checked = threading.Barrier(2, timeout=3)
    check = enrolments.find_enrolment

    def check_then_wait(session, person_id, year):
        found = check(session, person_id, year)
        try:
            both_checked.wait()
        except threading.BrokenBarrierError:
            assert engine.dialect.name == "sqlite"
        return found

    monkeypatch.setattr(enrolments, "find_enrolment", check_then_wait)

    def attempt(key: str) -> Enrolment | InputError:
        try:
            return enrol(engine, CLERK, EnrolmentInput(person, 2022, POLICY, key), registry())
        except InputError as refusal:  # anything else (an IntegrityError) fails the test
            return refusal

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(attempt, ["clerk-a", "clerk-b"]))

    [winner] = [o for o in outcomes if isinstance(o, Enrolment)]
    [refusal] = [o for o in outcomes if isinstance(o, InputError)]
    assert [(e.field, e.code) for e in refusal.errors] == [("coverageYear", ErrorCode.DUPLICATE)]
    with Session(engine) as session:
        [kept] = session.exec(select(Enrolment)).all()
    assert (kept.id, kept.idempotency_key) == (winner.id, winner.idempotency_key)
    assert _count(engine, AuditEvent, AuditEvent.action == "enrol") == 1


def test_twenty_simultaneous_retries_store_one_enrolment(engine):
    [person] = registered_people(engine, 1)
    request = EnrolmentInput(person, 2022, POLICY, "same-key")
    ids = [e.id for e in at_once(20, lambda: enrol(engine, CLERK, request, registry()))]

    with Session(engine) as session:
        [kept] = session.exec(select(Enrolment)).all()
    assert ids == [kept.id] * 20
    assert kept.idempotency_key == "same-key"
    assert _count(engine, AuditEvent, AuditEvent.action == "enrol") == 1


def test_a_retry_after_success_returns_the_first_enrolment_and_writes_nothing(engine):
    [person] = registered_people(engine, 1)
    request = EnrolmentInput(person, 2022, POLICY, "retry-me")
    first = enrol(engine, CLERK, request, registry())
    before = stored(engine)

    again = enrol(engine, CLERK, request, registry())

    assert again.model_dump() == first.model_dump()
    assert stored(engine) == before  # no enrolment and no audit event added
    assert _count(engine, AuditEvent, AuditEvent.action == "enrol") == 1


def test_a_key_of_another_regions_enrolment_neither_collides_nor_is_confirmed(engine):
    [person] = registered_people(engine, 1)
    first = enrol(engine, CLERK, EnrolmentInput(person, 2022, POLICY, "taken"), registry())
    guichi = register_household(engine, SYSTEM, HouseholdInput("341702", [guichi_member()])).id
    with Session(engine) as session:
        [guichi_person] = session.exec(
            select(HouseholdMember.person_id).where(HouseholdMember.household_id == guichi)
        ).all()
    elsewhere = Actor(name="贵池区经办", role="COUNTY_ADMIN", region_code="341702")

    theirs = enrol(
        engine, elsewhere, EnrolmentInput(guichi_person, 2024, "anhui/341702/2024", "taken"), registry()
    )

    assert theirs.id != first.id and theirs.person_id == guichi_person  # a new enrolment, not Dongzhi's
    # Dongzhi's clerk resending its request still gets its own enrolment back.
    assert enrol(engine, CLERK, EnrolmentInput(person, 2022, POLICY, "taken"), registry()).id == first.id


def guichi_member() -> MemberInput:
    number = id_number(region="341702", seq=77)
    return MemberInput(
        person=PersonInput(name="贵池居民", hukou_region_code="341702", id_number=number), is_head=True
    )
