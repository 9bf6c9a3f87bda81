"""Entitlements: the coverage periods enrolments give, listed by region and year."""

from __future__ import annotations

import strawberry

from yibao.core import models, queries

from .types.entitlement import Entitlement
from .types.pagination import DEFAULT_PAGE, Connection, paginate


@strawberry.type
class Query:
    @strawberry.field
    def entitlements(
        self,
        info: strawberry.Info,
        coverage_year: int | None = None,
        region_code: str | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> Connection[Entitlement]:
        ctx = info.context
        ids = queries.enrolments_in(ctx.session, ctx.scope, region_code, coverage_year)
        statement = queries.of_enrolments(models.Entitlement.enrolment_id, ids)
        return paginate(ctx.session, statement, models.Entitlement.id, first, after, Entitlement.of)
