"""Benefits: the quote that decides an enrolment, its entitlement, and whether a day is covered."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam
from sqlmodel import Session, select

from .. import audit
from ..audit import Actor
from ..db import run
from ..models import Enrolment, Entitlement, Person
from ..money import yuan_to_fen
from ..rules.dates import next_day
from ..rules.facts import QuoteRequest
from ..rules.registry import Registry
from ..rules.result import Quote
from ..scope import Scope, scope_of
from .facts import facts_of, person_facts

# What a quote reads of the person: these columns, not the whole row (built once); its county, which
# its identities' lie in (migration 0019).
_PERSON = select(Person.id, Person.birth_date, Person.hukou_region_code, Person.county_code).where(
    Person.id == bindparam("id")
)
# The same in one county: on Citus, that county's shard alone (docs/scaling.md §3).
_PERSON_IN_COUNTY = _PERSON.where(Person.county_code == bindparam("county"))


def quote_for(
    session: Session,
    rules: Registry,
    enrolment: Enrolment,
    paid_on: date,
    identities_on: date | None = None,
    person=None,
) -> Quote:
    """The quote for paying on `paid_on`; `identities_on` takes the identities of another day's roster.
    `enrolment` may be the model or a row of its columns (core/services/payment_rows.py); `person`
    its person as `quote_person` reads it, when the caller has read it already."""
    person = person or quote_person(session, enrolment)
    facts = person_facts(session, person, enrolment, paid_on, identities_on=identities_on)
    return rules.quote(QuoteRequest(enrolment.policy_id, paid_on, facts, enrolment.tier))


def quote_person(session: Session, enrolment: Enrolment):
    """What a quote reads of the enrolment's person (id, birth date, hukou region, county code).

    For a caller within one county (docs/scaling.md §3) the person is looked for in the enrolment's
    county first: a person's county is their household's, else where they live (migration 0018),
    which is where they enrol but for a resident enrolled away from their household (where they
    live, 贵医保组〔2023〕1号 二). Only such a person is read a second time, from every county."""
    county = getattr(enrolment, "county_code", None)
    if county and scope_of(session).county is not None:
        found = run(session, _PERSON_IN_COUNTY, {"id": enrolment.person_id, "county": county}).first()
        if found is not None:
            return found
    return run(session, _PERSON, {"id": enrolment.person_id}).one()


def quote_with(rules: Registry, person, categories, enrolment, paid_on: date) -> Quote:
    """`quote_for` from the person and their identities already read (an import's batch reads its
    persons' at once): the same facts, the same rules."""
    facts = facts_of(person, categories, enrolment, paid_on)
    return rules.quote(QuoteRequest(enrolment.policy_id, paid_on, facts, enrolment.tier))


WAITING_STEP = "等待期 waiting period"
INCENTIVE_STEP = "大病保险最高支付限额提高 incentive"


def decided(quote: Quote, on: date) -> dict:
    """The quote as an enrolment's snapshot keeps it (JSON), with the clauses of its waiting period
    and incentive, which `coverage_on` answers hospitals with."""
    steps = {step.rule: step for step in quote.explanation}
    kept = quote.as_contract() | {"on": on.isoformat(), "citations": [s.citation for s in quote.explanation]}
    for key, rule in (("waiting", WAITING_STEP), ("incentiveStep", INCENTIVE_STEP)):
        if rule in steps:
            kept[key] = {"detail": steps[rule].detail, "citation": steps[rule].citation}
    return kept


def keep_quote(enrolment: Enrolment, quote: Quote | None, on: date | None) -> None:
    """Stores the deciding quote in the snapshot and its amounts in the columns reports select on.

    A quote no route admits (a clerk registering ahead of the window) is kept as
    `{"accepted": false, "reason": …}` with the amount columns left empty.
    """
    for column, value in quote_columns(enrolment.snapshot, quote, on).items():
        setattr(enrolment, column, value)


def quote_columns(snapshot: dict | None, quote: Quote | None, on: date | None, decide=decided) -> dict:
    """The enrolment's columns that `keep_quote` sets, given its snapshot so far; `decide`: `decided`,
    or a caller's memo of it (an import's batch keeps one document per quote and day)."""
    if quote is not None and quote.accepted:
        return {
            "snapshot": {**(snapshot or {}), "quote": decide(quote, on)},
            "amount_due_fen": yuan_to_fen(quote.amount_due),
            "subsidy_fen": yuan_to_fen(quote.subsidy),
            "subsidy_category": quote.subsidy_category,
            "method": str(quote.subsidy_method),
        }
    reason = quote.rejection_reason if quote is not None else None
    kept = {"accepted": False, "reason": reason, "on": on.isoformat()} if quote is not None else None
    columns = {"snapshot": {**(snapshot or {}), "quote": kept}}
    if quote is not None:
        columns |= {"amount_due_fen": None, "subsidy_fen": None, "subsidy_category": None, "method": None}
    return columns


def decide_coverage(
    session: Session, actor: Actor, enrolment: Enrolment, quote: Quote | None, paid_on: date | None = None
) -> None:
    """Keeps the quote that decided the enrolment, and replaces its entitlement (none without one)."""
    for old in session.exec(select(Entitlement).where(Entitlement.enrolment_id == enrolment.id)).all():
        session.delete(old)
        audit.record(session, actor, "end_entitlement", old, removed=True)
    before = audit.snapshot_of(enrolment)
    if quote is None:  # nothing stands paid: the amounts once quoted stay in the columns
        enrolment.snapshot = {**(enrolment.snapshot or {}), "quote": None}
    else:
        keep_quote(enrolment, quote, paid_on)
    audit.record(session, actor, "decide_quote", enrolment, before)
    if quote is None:
        return
    entitlement = Entitlement(**entitlement_columns(enrolment, quote, paid_on))
    session.add(entitlement)
    audit.record(session, actor, "grant_entitlement", entitlement)


def entitlement_columns(enrolment: Enrolment, quote: Quote, paid_on: date | None) -> dict:
    """The entitlement an accepted quote gives. A waiting period is part of it: it starts the day
    after payment and pays nothing until `waiting_until` has passed."""
    waiting = quote.waiting_until
    return {
        "enrolment_id": enrolment.id,
        "coverage_year": enrolment.coverage_year,
        "county_code": enrolment.county_code,  # its enrolment's shard (docs/scaling.md §3)
        "person_id": enrolment.person_id,
        "start_date": (quote.waiting_from or next_day(paid_on)) if waiting else quote.coverage_start,
        "end_date": quote.coverage_end,
        "waiting_until": waiting,
        "reason": f"{quote.route} {quote.route_cite}"[:200],
    }


@dataclass(frozen=True)
class CoverageAnswer:
    covered: bool
    reason: str
    entitlement: Entitlement | None
    person_id: int | None = None  # whose coverage it is: what the access log records as read
    # From the deciding quote of the entitlement's enrolment (国办发〔2024〕38号 rules, where they apply):
    waiting_months: int | None = None
    waiting_citation: str | None = None
    incentive: Decimal | None = None  # the raise of the critical-illness maximum this year
    incentive_detail: str | None = None
    incentive_citation: str | None = None
    pending: tuple[str, ...] = ()


def _answer(session: Session, covered: bool, reason: str, row: Entitlement, person_id: int) -> CoverageAnswer:
    enrolment = session.get(Enrolment, row.enrolment_id)
    quote = (enrolment.snapshot or {}).get("quote") or {}
    waiting, step = quote.get("waiting") or {}, quote.get("incentiveStep") or {}
    incentive = quote.get("incentive")
    return CoverageAnswer(
        covered,
        reason,
        row,
        person_id,
        waiting_months=quote.get("waitingMonths"),
        waiting_citation=waiting.get("citation") if row.waiting_until else None,
        incentive=Decimal(incentive) if incentive is not None else None,
        incentive_detail=step.get("detail"),
        incentive_citation=step.get("citation"),
        pending=tuple(quote.get("pendingParameters") or ()),
    )


def coverage_on(session: Session, scope: Scope, id_number: str, on: date) -> CoverageAnswer | None:
    """Is this person covered on this day, and why. None when no such person is visible."""
    person = session.exec(
        select(Person).where(Person.id_number == id_number.strip().upper(), scope.visible(Person))
    ).first()
    if person is None:
        return None
    rows = session.exec(
        select(Entitlement)
        .where(Entitlement.person_id == person.id, scope.visible(Entitlement))
        .order_by(Entitlement.start_date)
    ).all()
    for row in rows:
        if row.start_date <= on <= row.end_date:
            if row.waiting_until and on <= row.waiting_until:
                reason = f"等待期内（至 {row.waiting_until}），不予报销（{row.reason}）"
                return _answer(session, False, reason, row, person.id)
            reason = f"{row.start_date} 至 {row.end_date} 享受待遇（{row.reason}）"
            return _answer(session, True, reason, row, person.id)
    periods = "、".join(f"{r.start_date} 至 {r.end_date}" for r in rows) or "无"
    return CoverageAnswer(False, f"{on} 无参保待遇（已有待遇期：{periods}）", None, person.id)
