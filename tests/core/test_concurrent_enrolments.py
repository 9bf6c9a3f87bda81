"""Simultaneous and repeated enrolments store one enrolment, on both backends, with real threads."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, func, select

from core.audit import Actor
from core.errors import ErrorCode, InputError
from core.models import AuditEvent, Enrolment
from core.services import enrolments
from core.services.enrolments import EnrolmentInput, enrol
from core.testing.scenarios import registry
from tests.core.concurrency import at_once, registered_people
from tests.db_state import stored

POLICY = "anhui/341721/2022"
CLERK = Actor(name="东至县经办", role="COUNTY_ADMIN", region_code="341721")


def _count(engine, model, *where) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_two_clerks_enrolling_one_person_at_once_store_one_enrolment(engine, monkeypatch):
    [person] = registered_people(engine, 1)
    # Both requests pass the service's own duplicate check before either writes, so the
    # database's unique constraint is what decides, on each backend.
    both_checked = threading.Barrier(2, timeout=30)
    check = enrolments.find_enrolment

    def check_then_wait(session, person_id, year):
        found = check(session, person_id, year)
        both_checked.wait()
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


def test_a_key_of_another_regions_enrolment_is_refused_without_showing_it(engine):
    [person, other] = registered_people(engine, 2)
    enrol(engine, CLERK, EnrolmentInput(person, 2022, POLICY, "taken"), registry())
    elsewhere = Actor(name="贵池区经办", role="COUNTY_ADMIN", region_code="341702")
    before = stored(engine)

    for who in (person, other):
        with pytest.raises(InputError) as refused:
            enrol(engine, elsewhere, EnrolmentInput(who, 2022, POLICY, "taken"), registry())
        assert [(e.field, e.code) for e in refused.value.errors] == [("idempotencyKey", ErrorCode.CONFLICT)]
    assert stored(engine) == before
