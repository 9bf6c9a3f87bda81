"""Registrations whose quote was refused, for the counting tests."""

from datetime import date

from yibao.core.audit import Actor
from yibao.core.plugins import load_registry
from yibao.core.services.enrolments import EnrolmentInput, enrol

REGISTRY = load_registry()


def registered(engine, actor: Actor, person_id: int, policy: str, on: date, region: str | None = None):
    """An enrolment registered on `on` and never paid."""
    year = int(policy.rsplit("/", 1)[1])
    data = EnrolmentInput(person_id, year, policy, f"e-{person_id}", region_code=region, on=on)
    return enrol(engine, actor, data, REGISTRY)


def refused(engine, actor: Actor, person_id: int, policy: str, on: date, region: str | None = None):
    """An enrolment registered on a day no route admits: its quote is refused and kept so."""
    enrolment = registered(engine, actor, person_id, policy, on, region)
    assert enrolment.snapshot["quote"]["accepted"] is False and enrolment.amount_due_fen is None
    return enrolment
