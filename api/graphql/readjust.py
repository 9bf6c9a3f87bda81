"""Re-adjusting subsidies on a later department roster (东政办〔2021〕6号 四（四））."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from yibao.core.services import readjust

from .errors import InputErrors, attempt


@strawberry.type(description="One paid enrolment whose subsidy the later roster changed.")
class SubsidyChange:
    enrolment_id: strawberry.ID
    person_id: strawberry.ID
    person_name: str
    paid_on: date
    before_category: str | None
    before_subsidy: Decimal | None
    before_amount_due: Decimal | None
    after_category: str | None
    after_subsidy: Decimal | None
    after_amount_due: Decimal | None

    @classmethod
    def of(cls, change: readjust.SubsidyChange) -> SubsidyChange:
        return cls(
            enrolment_id=strawberry.ID(str(change.enrolment_id)),
            person_id=strawberry.ID(str(change.person_id)),
            person_name=change.person_name,
            paid_on=change.paid_on,
            before_category=change.before.category,
            before_subsidy=change.before.subsidy,
            before_amount_due=change.before.amount_due,
            after_category=change.after.category,
            after_subsidy=change.after.subsidy,
            after_amount_due=change.after.amount_due,
        )


@strawberry.type
class SubsidyChanges:
    changes: list[SubsidyChange]


SubsidyChangesResult = Annotated[SubsidyChanges | InputErrors, strawberry.union("SubsidyChangesResult")]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Re-quotes the policy's paid enrolments in the region with the identities of the roster "
        "of `asOf`, each at its own payment date; updates and lists those whose subsidy changed."
    )
    def readjust_subsidies(
        self, info: strawberry.Info, policy_id: str, as_of: date, region_code: str
    ) -> SubsidyChangesResult:
        ctx = info.context
        return attempt(
            lambda changes: SubsidyChanges(changes=[SubsidyChange.of(c) for c in changes]),
            lambda: readjust.readjust_subsidies(
                ctx.engine, ctx.actor, ctx.registry, policy_id, as_of, region_code
            ),
        )
