from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from core import models

from ..masking import without_birth_date
from .base import Entity
from .person import Person

if TYPE_CHECKING:
    from .enrolment import Enrolment


@strawberry.type(description="A coverage period: benefits are paid from start to end, inclusive.")
class Entitlement(Entity):
    row: strawberry.Private[models.Entitlement]

    @strawberry.field(
        description="Null for roles that see ID numbers masked when coverage starts on the day of "
        "birth (a newborn's), which would give away the birth date."
    )
    async def start_date(self, info: strawberry.Info) -> date | None:
        return await without_birth_date(info, self.row.person_id, self.row.start_date)

    @strawberry.field
    def end_date(self) -> date:
        return self.row.end_date

    @strawberry.field
    def waiting_until(self) -> date | None:
        return self.row.waiting_until

    @strawberry.field
    def reason(self) -> str:
        return self.row.reason

    @strawberry.field
    async def person(self, info: strawberry.Info) -> Person:
        return Person.of(await info.context.loaders.person.load(self.row.person_id))

    @strawberry.field
    async def enrolment(self, info: strawberry.Info) -> Annotated[Enrolment, strawberry.lazy(".enrolment")]:
        from .enrolment import Enrolment

        return Enrolment.of(await info.context.loaders.enrolment.load(self.row.enrolment_id))


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
    person_id: strawberry.Private[int | None] = None  # for the access log (api/access_log.py)

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
