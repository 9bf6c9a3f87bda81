"""Enrolling a person for a coverage year: one enrolment per person and year, idempotently."""

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from .. import audit
from ..audit import Actor
from ..errors import ErrorCode, FieldError, InputError
from ..models import Enrolment
from ..rules.registry import Registry, governs
from ..scope import get_visible
from ..text import text_errors
from .facts import stated_facts
from .persons import get_person, region_errors
from .unit import unit_of_work

# The earliest and latest coverage years a request may name; outside is a typing error.
COVERAGE_YEARS = range(2000, 2101)
KEY_LENGTH = 64  # the column's width (core/models/enrolment.py)

# What a simultaneous copy of the same request runs into when the other copy wins.
_LOST_RACE = {("idempotencyKey", ErrorCode.CONFLICT), ("coverageYear", ErrorCode.DUPLICATE)}


@dataclass
class EnrolmentInput:
    person_id: int
    coverage_year: int
    policy_id: str
    idempotency_key: str
    tier: str = "1"
    region_code: str | None = None  # defaults to the person's hukou region
    facts: dict | None = None  # what the clerk states (core.services.facts.stated_facts)


def enrol(engine: Engine, actor: Actor, data: EnrolmentInput, rules: Registry) -> Enrolment:
    """Enrols once: a retry with the same key returns the first enrolment and writes nothing."""
    _check_key(data.idempotency_key)
    if (first := _first_with_key(engine, actor, data)) is not None:
        return first
    try:
        return _write(engine, actor, data, rules)
    except InputError as exc:
        # The copy that lost a simultaneous retry hits a unique constraint; it is answered
        # from the winner's row, as a later retry would be.
        if not _LOST_RACE & {(e.field, e.code) for e in exc.errors}:
            raise
        if (first := _first_with_key(engine, actor, data)) is not None:
            return first
        raise


def _write(engine: Engine, actor: Actor, data: EnrolmentInput, rules: Registry) -> Enrolment:
    with unit_of_work(engine, actor) as session:
        person = get_person(session, data.person_id)
        region_code = data.region_code or person.hukou_region_code
        errors = region_errors(session, "regionCode", region_code)
        if data.coverage_year not in COVERAGE_YEARS:
            errors.append(
                FieldError("coverageYear", ErrorCode.INVALID, "参保年度无效（coverage year out of range）")
            )
        errors += policy_errors(rules, data, region_code)
        if existing := find_enrolment(session, data.person_id, data.coverage_year):
            errors.append(
                FieldError(
                    "coverageYear",
                    ErrorCode.DUPLICATE,
                    f"该居民已参加{data.coverage_year}年度医保，不得重复参保（enrolment {existing.id}）",
                )
            )
        if errors:
            raise InputError(errors)
        policy = rules.get(data.policy_id)
        enrolment = Enrolment(
            person_id=person.id,
            coverage_year=data.coverage_year,
            region_code=region_code,
            policy_id=data.policy_id,
            tier=data.tier,
            idempotency_key=data.idempotency_key,
            # Frozen at decision time, so a later change of the rules cannot rewrite this enrolment.
            snapshot={
                "policyId": data.policy_id,
                "policyVersion": policy.version,
                "documents": [d.number for d in policy.documents],
                "tier": data.tier,
                "regionCode": region_code,
                "facts": data.facts or stated_facts(),
            },
        )
        session.add(enrolment)
        audit.record(session, actor, "enrol", enrolment)
        return enrolment


def _check_key(key: str | None) -> None:
    if not (key or "").strip():
        raise InputError.one("idempotencyKey", ErrorCode.REQUIRED, "必填（required）")
    if errors := text_errors("idempotencyKey", key, KEY_LENGTH):
        raise InputError(errors)


def _first_with_key(engine: Engine, actor: Actor, data: EnrolmentInput) -> Enrolment | None:
    """The enrolment this key already made, if it made one for this very request."""
    with unit_of_work(engine, actor) as session:
        first = session.exec(
            select(Enrolment).where(Enrolment.idempotency_key == data.idempotency_key)
        ).first()
        # Another region's enrolment is never shown; its key simply cannot be reused.
        hidden = first is not None and get_visible(session, Enrolment, first.id) is None
    if first is None:
        return None
    if hidden or (first.person_id, first.coverage_year, first.policy_id) != (
        data.person_id,
        data.coverage_year,
        data.policy_id,
    ):
        raise InputError.one(
            "idempotencyKey",
            ErrorCode.CONFLICT,
            "该幂等键已用于另一参保登记（key used for a different enrolment）",
        )
    return first


def policy_errors(rules: Registry, data: EnrolmentInput, region_code: str) -> list[FieldError]:
    """The policy must exist, be for this coverage year and govern the region; no carry-forward."""
    if not (data.policy_id or "").strip():
        return [FieldError("policyId", ErrorCode.REQUIRED, "请选择参保政策（policy is required）")]
    try:
        policy = rules.get(data.policy_id)
    except InputError as exc:
        return exc.errors
    errors = []
    if policy.coverage_year != data.coverage_year:
        errors.append(
            FieldError(
                "coverageYear",
                ErrorCode.MISMATCH,
                f"政策 {policy.id} 适用于 {policy.coverage_year} 年度，不适用于 {data.coverage_year} 年度",
            )
        )
    if not governs(policy, region_code):
        errors.append(
            FieldError("regionCode", ErrorCode.MISMATCH, f"政策 {policy.id} 不适用于地区 {region_code}")
        )
    if policy.tier(data.tier) is None:
        errors.append(FieldError("tier", ErrorCode.INVALID, f"政策 {policy.id} 没有档次 {data.tier}"))
    return errors


def find_enrolment(session: Session, person_id: int, coverage_year: int) -> Enrolment | None:
    return session.exec(
        select(Enrolment).where(Enrolment.person_id == person_id, Enrolment.coverage_year == coverage_year)
    ).first()
