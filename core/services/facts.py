"""The facts a quote needs about a registered person, from what the database knows.

Birth date and hardship identities are stored; the circumstances a clerk states at enrolment
(a life event, being a college student or a migrant worker, a newborn following a guardian)
are kept in the enrolment's snapshot under "facts".
"""

from datetime import date

from sqlalchemy import bindparam
from sqlmodel import Session, select

from ..db import run
from ..models import CategoryFact, Enrolment, Person
from ..rules.facts import CategoryFact as Fact
from ..rules.facts import Continuity, LifeEvent, PersonFacts
from ..scope import scope_of


def stated_facts(
    events: list[LifeEvent] | None = None,
    college_student: bool = False,
    migrant_worker: bool = False,
    guardian_enrolled: bool = False,
) -> dict:
    """What the clerk states at enrolment, as the snapshot stores it (JSON)."""
    return {
        "events": [
            {"kind": e.kind, "on": e.on.isoformat(), "priorContinuousMonths": e.prior_continuous_months}
            for e in events or []
        ],
        "collegeStudent": college_student,
        "migrantWorker": migrant_worker,
        "guardianEnrolled": guardian_enrolled,
    }


# What a quote reads of a person's identities (built once; `in_force` reads the dates).
_CATEGORIES = select(CategoryFact.code, CategoryFact.since, CategoryFact.grade, CategoryFact.until).where(
    CategoryFact.person_id == bindparam("person")
)
# The same on the person's shard (docs/scaling.md §3): identities lie in their person's county (0019).
_CATEGORIES_IN_COUNTY = _CATEGORIES.where(CategoryFact.county_code == bindparam("county"))


def in_force(row: CategoryFact, on: date, roster: bool = False) -> bool:
    """Not ended before `on`; on a roster's date (`roster`), also recognised by then."""
    if row.until is not None and row.until < on:
        return False
    return not (roster and row.since is not None and row.since > on)


def person_facts(
    session: Session, person: Person, enrolment: Enrolment, on: date, identities_on: date | None = None
) -> PersonFacts:
    """Identities still in force on `on`; the policy's own cut-off then decides which count.

    `identities_on` takes the identities of a roster of that date instead (those recognised by
    then and not ended before), as a re-adjustment on the 12-31 roster does (东政办〔2021〕6号 四（四）).
    """
    # A caller within one county names it, as every statement of theirs does (core/scope.py `Scope.county`).
    if scope_of(session).county is not None and (county := getattr(person, "county_code", None)):
        rows = run(session, _CATEGORIES_IN_COUNTY, {"person": person.id, "county": county}).all()
    else:
        rows = run(session, _CATEGORIES, {"person": person.id}).all()
    return facts_of(person, rows, enrolment, on, identities_on)


def facts_of(person, rows, enrolment, on: date, identities_on: date | None = None) -> PersonFacts:
    """`person_facts` from the person's identities already read (`rows`: code, since, grade, until),
    for a caller that read a whole batch's at once (core/services/payment_batch.py)."""
    stated = (enrolment.snapshot or {}).get("facts") or stated_facts()
    day, roster = (identities_on, True) if identities_on else (on, False)
    return PersonFacts(
        birth_date=person.birth_date,
        categories=tuple(Fact(r.code, r.since, r.grade) for r in rows if in_force(r, day, roster)),
        events=tuple(
            LifeEvent(e["kind"], date.fromisoformat(e["on"]), e.get("priorContinuousMonths"))
            for e in stated["events"]
        ),
        college_student=stated["collegeStudent"],
        migrant_worker=stated["migrantWorker"],
        guardian_enrolled=stated["guardianEnrolled"],
        area_code=enrolment.region_code,
        hukou_region_code=person.hukou_region_code,
        continuity=continuity_of_snapshot(enrolment.snapshot or {}),
    )


def roster_facts(person: Person, categories: list[CategoryFact], on: date, area_code: str) -> PersonFacts:
    """A person's facts without an enrolment (a roster row), from identities loaded in bulk.

    Like `person_facts`: identities still in force on `on`; nothing stated by a clerk yet.
    """
    return PersonFacts(
        birth_date=person.birth_date,
        categories=tuple(
            Fact(r.code, r.since, r.grade) for r in categories if r.until is None or r.until >= on
        ),
        area_code=area_code,
        hukou_region_code=person.hukou_region_code,
    )


def continuity_of_snapshot(snapshot: dict) -> Continuity:
    """The history an enrolment was decided with (core/services/continuity.py computes it at
    enrolment, in the enrolling caller's scope, and the snapshot keeps it so every later quote of
    the enrolment — its payment, a re-adjustment — reads the same)."""
    kept = snapshot.get("continuity") or {}
    return Continuity(
        continuous_years=kept.get("continuousYears", 0),
        lapsed_years=kept.get("lapsedYears", 0),
        repair_years=kept.get("repairYears", 0),
        zero_claim_years=kept.get("zeroClaimYears", 0),
    )
