"""What a quote is asked about: one person's facts, a tier and a payment date."""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class CategoryFact:
    code: str
    since: date | None = None
    grade: int | None = None


@dataclass(frozen=True)
class LifeEvent:
    kind: str
    on: date
    prior_continuous_months: int | None = None


@dataclass(frozen=True)
class PersonFacts:
    birth_date: date
    categories: tuple[CategoryFact, ...] = ()
    events: tuple[LifeEvent, ...] = ()
    college_student: bool = False
    migrant_worker: bool = False
    guardian_enrolled: bool = False
    area_code: str | None = None


@dataclass(frozen=True)
class QuoteRequest:
    policy_id: str
    paid_on: date
    person: PersonFacts
    tier: str | None = None
    parameters: dict = field(default_factory=dict, compare=False)
