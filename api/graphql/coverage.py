"""Coverage, as hospitals ask it: is the person with this ID number covered on a day, and why."""

from __future__ import annotations

from datetime import date

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
    person_id: strawberry.Private[int | None] = None  # for the access log (api/graphql/access_log.py)

    @classmethod
    def of(cls, answer) -> CoverageAnswer:
        return cls(
            covered=answer.covered,
            reason=answer.reason,
            entitlement=Entitlement.of(answer.entitlement),
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
