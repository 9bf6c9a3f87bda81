"""Enrolling a person for a coverage year: one enrolment per person and year, idempotently."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from .. import audit
from ..audit import Actor
from ..distribution import county_code_of
from ..errors import ErrorCode, FieldError, InputError
from ..models import Enrolment, Household, HouseholdMember, Person
from ..rules.facts import Continuity
from ..rules.policy import Policy
from ..rules.registry import Registry, governs
from ..rules.result import Quote
from ..rules.vocabulary import CHANNELS
from ..scope import enrolment_region, get_visible, scope_of
from ..text import text_errors
from . import circumstances
from .circumstances import Circumstances
from .continuity import as_snapshot, continuity_of
from .coverage import decided, quote_columns, quote_for
from .elsewhere import ELSEWHERE_ENROLLED, note_elsewhere
from .household_rule import departed, missing_members, refuse_partial
from .lists_in_force import employee_insured_errors
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
    region_code: str | None = None  # defaults to where the person lives (residence, else hukou)
    # What the clerk states, with its evidence, and whom a newborn follows (core/services/circumstances.py).
    circumstances: Circumstances | None = None
    channel: str | None = None  # how the person means to pay (core/rules/vocabulary.py CHANNELS)
    on: date | None = None  # the enrolment date, which the quote is for; default today


@dataclass
class HouseholdEnrolmentInput:
    household_id: int
    coverage_year: int
    policy_id: str
    idempotency_key: str  # each member's enrolment key is derived from it and the person
    tier: str = "1"
    channel: str | None = None
    on: date | None = None
    person_ids: list[int] | None = None  # default: every member who has not departed


def enrol(engine: Engine, actor: Actor, data: EnrolmentInput, rules: Registry) -> Enrolment:
    """Enrols once: a retry with the same key returns the first enrolment and writes nothing.

    The key is looked up in the same transaction as the write, within the enrolment's region.
    """
    _check_key(data.idempotency_key)
    try:
        return _write(engine, actor, data, rules)
    except InputError as exc:
        # The copy that lost a simultaneous retry hits a unique constraint; it is answered
        # from the winner's row, as a later retry would be.
        if not _LOST_RACE & {(e.field, e.code) for e in exc.errors}:
            raise
        with unit_of_work(engine, actor) as session:
            person = get_person(session, data.person_id)
            first = _first_with_key(session, data.region_code or enrolment_region(session, person), data)
        if first is None:
            raise
        return first


def _write(engine: Engine, actor: Actor, data: EnrolmentInput, rules: Registry) -> Enrolment:
    with unit_of_work(engine, actor) as session:
        person = get_person(session, data.person_id)
        if (
            first := _first_with_key(session, data.region_code or enrolment_region(session, person), data)
        ) is not None:
            return first
        errors = _request_errors(session, rules, data, enrolment_region(session, person))
        errors += _duplicate_errors(session, actor, data.person_id, data.coverage_year, "coverageYear")
        stated = circumstances.check(session, data.circumstances, person, data.coverage_year, "circumstances")
        errors += stated.errors
        region_code = data.region_code or enrolment_region(session, person)
        errors += employee_insured_errors(
            session, person.id_number, region_code, data.on or date.today(), "personId"
        )
        history = continuity_of(session, person, data.coverage_year, region_code, _repair(data))
        errors += _repair_errors(history, "circumstances.repairYears")
        if errors:
            raise InputError(errors)
        policy = rules.get(data.policy_id)
        missing = missing_members(session, policy, [person.id], data.coverage_year)
        refuse_partial(policy, missing, "personId", "参保", "缺少")
        enrolment = _new_enrolment(session, actor, rules, policy, person, data, missing, stated, history)
        return enrolment


def _repair(data: EnrolmentInput) -> int:
    return data.circumstances.repair_years if data.circumstances else 0


def _repair_errors(history: Continuity, field: str) -> list[FieldError]:
    """缴费修复 repairs lapsed years only (国办发〔2024〕38号): no more than the register shows lapsed."""
    if history.repair_years > history.lapsed_years:
        return [
            FieldError(
                field,
                ErrorCode.INVALID,
                f"登记记录显示断保 {history.lapsed_years} 年，修复年数不能超过断保年数",
            )
        ]
    return []


def enrol_household(
    engine: Engine, actor: Actor, data: HouseholdEnrolmentInput, rules: Registry
) -> list[Enrolment]:
    """Enrols the listed members of a household in one transaction: all of them or none.

    Each member's enrolment key is `<key>:<person id>`, so a retry returns the same enrolments.
    """
    _check_key(data.idempotency_key)
    try:
        return _write_household(engine, actor, data, rules)
    except InputError as exc:
        if not _LOST_RACE & {(e.field.split(".")[0], e.code) for e in exc.errors}:
            raise
        return _write_household(engine, actor, data, rules)  # answered from the winner's rows


def _write_household(
    engine: Engine, actor: Actor, data: HouseholdEnrolmentInput, rules: Registry
) -> list[Enrolment]:
    with unit_of_work(engine, actor) as session:
        household = get_visible(session, Household, data.household_id)
        if household is None:
            raise InputError.one("householdId", ErrorCode.NOT_FOUND, f"户 {data.household_id} 不存在")
        members = session.exec(
            select(HouseholdMember)
            .where(HouseholdMember.household_id == household.id)
            .order_by(HouseholdMember.id)
        ).all()
        member_ids = [m.person_id for m in members]
        gone = departed(session, member_ids)
        if data.person_ids is None:
            person_ids = [pid for pid in member_ids if pid not in gone]
        else:
            person_ids = list(data.person_ids)
        errors = []
        if not person_ids:
            errors.append(FieldError("personIds", ErrorCode.REQUIRED, "请选择参保成员"))
        seen = set()
        for index, pid in enumerate(person_ids):
            if pid not in member_ids:
                errors.append(FieldError(f"personIds.{index}", ErrorCode.INVALID, f"居民 {pid} 不是该户成员"))
            elif pid in seen:
                errors.append(FieldError(f"personIds.{index}", ErrorCode.DUPLICATE, "成员重复"))
            elif pid in gone:
                errors.append(
                    FieldError(
                        f"personIds.{index}", ErrorCode.INVALID, "该成员已减员（死亡、迁出或参加职工医保）"
                    )
                )
            seen.add(pid)
        if errors:
            raise InputError(errors)
        inputs = [
            EnrolmentInput(
                person_id=pid,
                coverage_year=data.coverage_year,
                policy_id=data.policy_id,
                idempotency_key=member_key(data.idempotency_key, pid),
                tier=data.tier,
                channel=data.channel,
                on=data.on,
            )
            for pid in person_ids
        ]
        for item in inputs:
            _check_key(item.idempotency_key)
        people = {pid: get_person(session, pid, f"personIds.{i}") for i, pid in enumerate(person_ids)}
        # A retry: the members this key already enrolled are answered, not enrolled twice.
        done: dict[int, Enrolment] = {}
        for item in inputs:
            region_code = item.region_code or enrolment_region(session, people[item.person_id])
            if (first := _first_with_key(session, region_code, item)) is not None:
                done[item.person_id] = first
        if len(done) == len(inputs):
            return [done[item.person_id] for item in inputs]
        errors = _request_errors(session, rules, inputs[0], enrolment_region(session, people[person_ids[0]]))
        checked = {}
        for index, item in enumerate(inputs):
            if item.person_id not in done:
                person = people[item.person_id]
                region_code = item.region_code or enrolment_region(session, person)
                errors += _duplicate_errors(
                    session, actor, item.person_id, item.coverage_year, f"personIds.{index}"
                )
                errors += employee_insured_errors(
                    session, person.id_number, region_code, item.on or date.today(), f"personIds.{index}"
                )
                checked[item.person_id] = (
                    circumstances.check(session, None, person, item.coverage_year, "circumstances"),
                    continuity_of(session, person, item.coverage_year, region_code),
                )
        if errors:
            raise InputError(errors)
        policy = rules.get(data.policy_id)
        missing = missing_members(session, policy, person_ids, data.coverage_year)
        refuse_partial(policy, missing, "personIds", "参保", "缺少")
        enrolments = []
        for item in inputs:
            if item.person_id in done:
                enrolments.append(done[item.person_id])
            else:
                stated, history = checked[item.person_id]
                enrolments.append(
                    _new_enrolment(
                        session, actor, rules, policy, people[item.person_id], item, missing, stated, history
                    )
                )
        return enrolments


def member_key(key: str, person_id: int) -> str:
    return f"{key}:{person_id}"


def _request_errors(session: Session, rules: Registry, data: EnrolmentInput, home: str) -> list[FieldError]:
    """What is wrong with the request itself (region, year, policy, tier, channel)."""
    region_code = data.region_code or home
    return region_errors(session, "regionCode", region_code) + plain_request_errors(rules, data, region_code)


def plain_request_errors(rules: Registry, data: EnrolmentInput, region_code: str) -> list[FieldError]:
    """`_request_errors` but the region's (which reads it): year, policy, tier, channel."""
    errors = []
    if data.coverage_year not in COVERAGE_YEARS:
        errors.append(FieldError("coverageYear", ErrorCode.INVALID, "参保年度无效"))
    errors += policy_errors(rules, data, region_code)
    if data.channel is not None and not any(e.field == "policyId" for e in errors):
        errors += channel_errors(rules.get(data.policy_id), data.channel)
    return errors


def _duplicate_errors(
    session: Session, actor: Actor, person_id: int, coverage_year: int, field: str
) -> list[FieldError]:
    """不得重复参保: one enrolment per person and year anywhere. Another region's enrolment is not
    described — not its region, its id nor its key — and the attempt is audited."""
    existing = find_enrolment(session, person_id, coverage_year)
    if existing is None:
        return []
    if get_visible(session, Enrolment, existing.id) is None:
        note_elsewhere(session, "enrol", {"personId": person_id, "coverageYear": coverage_year})
        return [FieldError(field, ErrorCode.ELSEWHERE, ELSEWHERE_ENROLLED)]
    return [
        FieldError(
            field,
            ErrorCode.DUPLICATE,
            f"该居民已参加{coverage_year}年度医保（参保登记编号 {existing.id}），不得重复参保",
        )
    ]


def _new_enrolment(
    session: Session,
    actor: Actor,
    rules: Registry,
    policy: Policy,
    person: Person,
    data: EnrolmentInput,
    missing: list[Person],
    stated: circumstances.Checked,
    history: Continuity,
) -> Enrolment:
    region_code = data.region_code or enrolment_region(session, person)
    on = data.on or date.today()
    enrolment = Enrolment(**enrolment_columns(policy, person.id, data, region_code, missing, stated, history))
    # What the person would owe on the enrolment date; a date no route admits does not refuse
    # the enrolment (clerks register ahead of the window): the refusal is kept instead.
    try:
        quote = quote_for(session, rules, enrolment, on)
    except InputError as exc:
        quote = exc
    for column, value in enrolment_quote(enrolment.snapshot, quote, on).items():
        setattr(enrolment, column, value)
    session.add(enrolment)
    audit.record(session, actor, "enrol", enrolment)
    circumstances.record(session, enrolment, stated, actor.name)
    return enrolment


def enrolment_columns(
    policy: Policy,
    person_id: int,
    data: EnrolmentInput,
    region_code: str,
    missing: list[Person],
    stated: circumstances.Checked,
    history: Continuity,
) -> dict:
    """A new enrolment's columns before its quote: what `_new_enrolment` stores, and an import's
    batch (core/services/payment_batch.py) for each of its rows."""
    snapshot = {
        "policyId": data.policy_id,
        "policyVersion": policy.version,
        "documents": [d.number for d in policy.documents],
        "tier": data.tier,
        "regionCode": region_code,
        "facts": stated.facts,
        # The history the enrolment is decided with, computed now in the caller's scope and kept,
        # so its payment and any later re-quote read the same (core/services/continuity.py).
        "continuity": as_snapshot(history),
    }
    if policy.household is not None and missing:
        snapshot["partialHousehold"] = [m.name for m in missing]
    return {
        "person_id": person_id,
        "coverage_year": data.coverage_year,
        "region_code": region_code,
        "county_code": county_code_of(region_code),  # its shard on Citus (docs/scaling.md §3)
        "policy_id": data.policy_id,
        "tier": data.tier,
        "idempotency_key": data.idempotency_key,
        "channel": data.channel,
        "enrolled_on": data.on or date.today(),
        # Frozen at decision time, so a later change of the rules cannot rewrite this enrolment.
        "snapshot": snapshot,
    }


def enrolment_quote(snapshot: dict, quote: Quote | InputError, on: date, decide=decided) -> dict:
    """The columns the enrolment-date quote sets: kept when the rules answered, else the refusal
    (`decide`: as `quote_columns` takes it)."""
    if isinstance(quote, InputError):
        return {
            "snapshot": {**snapshot, "quote": {"accepted": False, "reason": str(quote), "on": on.isoformat()}}
        }
    return quote_columns(snapshot, quote, on, decide)


def channel_errors(policy: Policy, channel: str, field: str = "channel") -> list[FieldError]:
    """A channel the policy's notice names; a policy naming none takes any known channel."""
    allowed = [code for code, _ in policy.channels] or list(CHANNELS)
    if channel in allowed:
        return []
    listed = "、".join(f"{CHANNELS.get(code, code)}（{code}）" for code in allowed)
    return [
        FieldError(field, ErrorCode.INVALID, f"缴费渠道 {channel} 不适用于政策 {policy.id}（可选：{listed}）")
    ]


def _check_key(key: str | None) -> None:
    if not (key or "").strip():
        raise InputError.one("idempotencyKey", ErrorCode.REQUIRED, "必填")
    if errors := text_errors("idempotencyKey", key, KEY_LENGTH):
        raise InputError(errors)


def _first_with_key(session: Session, region_code: str, data: EnrolmentInput) -> Enrolment | None:
    """The enrolment this key already made, if it made one for this very request.

    A key names one request within the caller's region: an enrolment with the same key that the
    caller cannot see is neither found nor confirmed (the database holds keys unique per region).
    """
    first = session.exec(
        select(Enrolment)
        .where(Enrolment.idempotency_key == data.idempotency_key, scope_of(session).visible(Enrolment))
        .order_by(Enrolment.region_code != region_code)  # the request's own region first
    ).first()
    if first is None:
        return None
    if (first.person_id, first.coverage_year, first.policy_id) != (
        data.person_id,
        data.coverage_year,
        data.policy_id,
    ):
        raise InputError.one(
            "idempotencyKey",
            ErrorCode.CONFLICT,
            "该幂等键已用于另一参保登记",
        )
    return first


def policy_errors(rules: Registry, data: EnrolmentInput, region_code: str) -> list[FieldError]:
    """The policy must exist, be for this coverage year and govern the region; no carry-forward."""
    if not (data.policy_id or "").strip():
        return [FieldError("policyId", ErrorCode.REQUIRED, "请选择参保政策")]
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
