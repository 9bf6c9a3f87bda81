"""Coverage, as hospitals ask it: is the person with this ID number covered on a day, and why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from yibao.core.services.coverage import coverage_on

from .types.entitlement import Entitlement


@strawberry.type(
    description="Whether a person is covered on a day, and why, citing the rule that decided it."
)
class CoverageAnswer:
    covered: bool
    reason: str
    entitlement: Entitlement | None
    waiting_months: int | None = strawberry.field(
        default=None,
        description="The length in months of a waiting period set by the 2025 rules (国办发〔2024〕38号) "
        "for this coverage: fixed plus variable, after repair; its last day is entitlement.waitingUntil.",
    )
    waiting_citation: str | None = strawberry.field(
        default=None, description="The document and clause of the waiting period, when there is one."
    )
    incentive: Decimal | None = strawberry.field(
        default=None,
        description="How much the critical-illness (大病保险) maximum is raised this year for continuous and "
        "zero-claim years (0.00 when none; null for coverage decided under rules without incentives).",
    )
    incentive_detail: str | None = strawberry.field(default=None, description="How the raise was counted.")
    incentive_citation: str | None = strawberry.field(default=None, description="The document and clause.")
    pending_parameters: list[str] = strawberry.field(
        default_factory=list, description="Parameters a figure of this coverage still waits for."
    )
    person_id: strawberry.Private[int | None] = None  # for the access log (api/graphql/access_log.py)

    @classmethod
    def of(cls, answer) -> CoverageAnswer:
        return cls(
            covered=answer.covered,
            reason=answer.reason,
            entitlement=Entitlement.of(answer.entitlement),
            waiting_months=answer.waiting_months,
            waiting_citation=answer.waiting_citation,
            incentive=answer.incentive,
            incentive_detail=answer.incentive_detail,
            incentive_citation=answer.incentive_citation,
            pending_parameters=list(answer.pending),
            person_id=answer.person_id,
        )


@strawberry.type
class Query:
    @strawberry.field(
        description="Is the person with this ID number covered on `on`, and why (for hospitals). Only "
        "for roles that see whole ID numbers: for the others an answer would confirm a guess."
    )
    def coverage(self, info: strawberry.Info, id_number: str, on: date) -> CoverageAnswer | None:
        answer = coverage_on(info.context.session, info.context.scope, id_number, on)
        return CoverageAnswer.of(answer) if answer else None
