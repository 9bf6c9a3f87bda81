"""The quote exactly as docs/contract/quote.graphql names it, with a few additive fields.

The description of CategoryFactInput.code still names the contract's former home, outside this
repository: it is part of the committed SDL, which stays byte-identical until the next schema
change (GraphQL enums) corrects it to docs/contract/categories.md.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from yibao.core.rules import policy as rules
from yibao.core.rules.facts import CategoryFact, Continuity, LifeEvent, PersonFacts, QuoteRequest
from yibao.core.rules.result import Quote as Result

SubsidyMethod = strawberry.enum(rules.Method, name="SubsidyMethod")


@strawberry.input
class CategoryFactInput:
    code: str = strawberry.field(description="A code from docs/contract/categories.md.")
    since: date | None = None
    grade: int | None = None


@strawberry.input
class LifeEventInput:
    kind: str = strawberry.field(
        description="RELEASED_FROM_PRISON, MILITARY_DISCHARGE, EMPLOYEE_INSURANCE_LAPSE, "
        "HARDSHIP_NEWLY_IDENTIFIED, LEFT_OTHER_SCHEME or GRADUATION."
    )
    on: date
    prior_continuous_months: int | None = strawberry.field(
        default=None, description="For EMPLOYEE_INSURANCE_LAPSE: months of continuous employee insurance."
    )

    def to_core(self) -> LifeEvent:
        return LifeEvent(self.kind, self.on, self.prior_continuous_months)


@strawberry.input(description="Counts of coverage years before the quoted one; all default to 0.")
class ContinuityInput:
    continuous_years: int = strawberry.field(
        default=0, description="Consecutive years enrolled right before the coverage year."
    )
    lapsed_years: int = strawberry.field(
        default=0,
        description="Years not enrolled right before the coverage year, after the last year enrolled "
        "(断保年数); 0 when enrolled last year.",
    )
    repair_years: int = strawberry.field(
        default=0,
        description="Lapsed years paid for now (缴费修复), at most lapsedYears; each at the year's "
        "personal share.",
    )
    zero_claim_years: int = strawberry.field(
        default=0,
        description="Years of the current run of continuous years in which the fund paid nothing "
        "(基金零报销).",
    )

    def to_core(self) -> Continuity:
        return Continuity(self.continuous_years, self.lapsed_years, self.repair_years, self.zero_claim_years)


@strawberry.input
class PersonFactsInput:
    birth_date: date
    categories: list[CategoryFactInput] = strawberry.field(default_factory=list)
    events: list[LifeEventInput] = strawberry.field(default_factory=list)
    college_student: bool = False
    migrant_worker: bool = False
    guardian_enrolled: bool = strawberry.field(
        default=False, description="A newborn whose legal guardian is already enrolled for the coverage year."
    )
    area_code: str | None = strawberry.field(
        default=None, description="County or district of residence inside the policy's region."
    )
    hukou_region_code: str | None = strawberry.field(
        default=None,
        description="Where the household registration (户籍) lies, county or below; grants limited to "
        "local hukou (贵医保组〔2023〕1号 三1、三5) need it. Null: not stated, and they do not apply.",
    )
    continuity: ContinuityInput | None = strawberry.field(
        default=None,
        description="The enrolment history before the coverage year, for the 2025 rules "
        "(国办发〔2024〕38号).",
    )

    def to_core(self) -> PersonFacts:
        return PersonFacts(
            birth_date=self.birth_date,
            categories=tuple(CategoryFact(c.code, c.since, c.grade) for c in self.categories),
            events=tuple(e.to_core() for e in self.events),
            college_student=self.college_student,
            migrant_worker=self.migrant_worker,
            guardian_enrolled=self.guardian_enrolled,
            area_code=self.area_code,
            hukou_region_code=self.hukou_region_code,
            continuity=self.continuity.to_core() if self.continuity else Continuity(),
        )


@strawberry.input
class QuoteInput:
    policy_id: strawberry.ID
    tier: str | None = strawberry.field(default=None, description="Omitted means the policy's first tier.")
    paid_on: date
    person: PersonFactsInput

    def to_core(self) -> QuoteRequest:
        return QuoteRequest(str(self.policy_id), self.paid_on, self.person.to_core(), self.tier)


@strawberry.type
class FundingShare:
    source: str
    amount: Decimal


@strawberry.type
class ExplanationStep:
    rule: str
    detail: str
    amount: Decimal | None
    citation: str | None = strawberry.field(description="Document number and clause.")


@strawberry.type
class Quote:
    accepted: bool
    rejection_reason: str | None
    tier: str
    personal_contribution: Decimal
    fiscal_subsidy: Decimal
    subsidy: Decimal
    subsidy_category: str | None
    subsidy_method: SubsidyMethod
    amount_due: Decimal
    refund_due: Decimal
    funding_shares: list[FundingShare]
    coverage_start: date | None
    coverage_end: date | None
    explanation: list[ExplanationStep]
    route: str | None = strawberry.field(description="Which of the policy's payment routes admitted it.")
    waiting_until: date | None = strawberry.field(description="Last day of a waiting period, if one applies.")
    refunded_by: str | None = strawberry.field(
        description="Department that pays a COLLECT_THEN_REFUND refund."
    )
    waiting_months: int | None = strawberry.field(
        description="The length in months of a waiting period set by the 2025 rules (国办发〔2024〕38号), "
        "fixed plus variable after repair; null without one."
    )
    repair_amount: Decimal = strawberry.field(
        description="What amountDue includes for repaired lapse years (缴费修复); 0 otherwise."
    )
    incentive: Decimal = strawberry.field(
        description="How much the critical-illness (大病保险) maximum is raised this year for continuous and "
        "zero-claim years; 0.00 while a parameter it needs is pending."
    )
    pending_parameters: list[str] = strawberry.field(
        description="Parameters not yet configured that a figure of this quote waits for, though the "
        "amount due does not: while one is listed, the figure it decides (refundDue, fiscalSubsidy) "
        "reads 0.00 and is not final."
    )

    @classmethod
    def of(cls, quote: Result) -> Quote:
        return cls(
            accepted=quote.accepted,
            rejection_reason=quote.rejection_reason,
            tier=quote.tier,
            personal_contribution=quote.personal_contribution,
            fiscal_subsidy=quote.fiscal_subsidy,
            subsidy=quote.subsidy,
            subsidy_category=quote.subsidy_category,
            subsidy_method=quote.subsidy_method,
            amount_due=quote.amount_due,
            refund_due=quote.refund_due,
            funding_shares=[FundingShare(source=s, amount=a) for s, a in quote.funding_shares],
            coverage_start=quote.coverage_start,
            coverage_end=quote.coverage_end,
            explanation=[
                ExplanationStep(rule=s.rule, detail=s.detail, amount=s.amount, citation=s.citation)
                for s in quote.explanation
            ],
            route=quote.route,
            waiting_until=quote.waiting_until,
            refunded_by=quote.refunded_by,
            waiting_months=quote.waiting_months,
            repair_amount=quote.repair_amount,
            incentive=quote.incentive,
            pending_parameters=list(quote.pending),
        )
