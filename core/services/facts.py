"""The facts a quote needs about a registered person, from what the database knows.

Birth date and hardship identities are stored; the circumstances a clerk states at enrolment
(a life event, being a college student or a migrant worker, a newborn following a guardian)
are kept in the enrolment's snapshot under "facts".
"""

from datetime import date

from sqlmodel import Session, select

from ..models import CategoryFact, Enrolment, Person
from ..rules.facts import CategoryFact as Fact
from ..rules.facts import LifeEvent, PersonFacts


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


def person_facts(session: Session, person: Person, enrolment: Enrolment, on: date) -> PersonFacts:
    """Identities still in force on `on`; the policy's own cut-off then decides which count."""
    rows = session.exec(select(CategoryFact).where(CategoryFact.person_id == person.id)).all()
    stated = (enrolment.snapshot or {}).get("facts") or stated_facts()
    return PersonFacts(
        birth_date=person.birth_date,
        categories=tuple(Fact(r.code, r.since, r.grade) for r in rows if r.until is None or r.until >= on),
        events=tuple(
            LifeEvent(e["kind"], date.fromisoformat(e["on"]), e.get("priorContinuousMonths"))
            for e in stated["events"]
        ),
        college_student=stated["collegeStudent"],
        migrant_worker=stated["migrantWorker"],
        guardian_enrolled=stated["guardianEnrolled"],
        area_code=enrolment.region_code,
    )
