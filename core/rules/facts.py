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
class Continuity:
    """A person's enrolment history before the quoted year, as core computes it from the register and
    the imported history (core/services/continuity.py), or as a quote states it.

    - continuous_years: consecutive coverage years enrolled right before the quoted one;
    - lapsed_years: years not enrolled right before it, after the last year enrolled (断保年数);
      0 when enrolled last year, and 0 when no year is on record (nothing to count a lapse from);
    - repair_years: lapsed years paid for now (缴费修复), at most lapsed_years;
    - zero_claim_years: years of the current run of continuous years without fund payments (基金零报销).
    """

    continuous_years: int = 0
    lapsed_years: int = 0
    repair_years: int = 0
    zero_claim_years: int = 0


@dataclass(frozen=True)
class PersonFacts:
    birth_date: date
    categories: tuple[CategoryFact, ...] = ()
    events: tuple[LifeEvent, ...] = ()
    college_student: bool = False
    migrant_worker: bool = False
    guardian_enrolled: bool = False
    area_code: str | None = None
    # Where the person's household registration (户籍) lies: grants limited to local hukou read it
    # (贵医保组〔2023〕1号 三1、三5 "户籍在贵池区"). None: not stated.
    hukou_region_code: str | None = None
    continuity: Continuity = field(default_factory=Continuity)


@dataclass(frozen=True)
class QuoteRequest:
    policy_id: str
    paid_on: date
    person: PersonFacts
    tier: str | None = None
    parameters: dict = field(default_factory=dict, compare=False)
