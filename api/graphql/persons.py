"""Persons: looking them up, their hardship identities (困难身份) and their leaving the scheme."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from yibao.core import models, queries, search
from yibao.core.auth import Role
from yibao.core.ids import parse_id
from yibao.core.services import categories, departures
from yibao.core.services.categories import CategoryInput

from .errors import InputErrors, attempt, refusing
from .masking import whole
from .types.enums import Gender
from .types.ordering import PersonOrder, to_core
from .types.pagination import Connection, paginate
from .types.person import Person

PersonResult = Annotated[Person | InputErrors, strawberry.union("PersonResult")]


@strawberry.input(description="A hardship identity from a department's roster.")
class RecordCategoryInput:
    person_id: strawberry.ID
    code: str = strawberry.field(
        description="A code from the canonical vocabulary (docs/contract/categories.md)."
    )
    since: date | None = strawberry.field(default=None, description="Date recognised (认定日期).")
    until: date | None = None
    grade: int | None = strawberry.field(default=None, description="For SEVERE_DISABILITY: 1–4.")

    def to_core(self) -> CategoryInput:
        return CategoryInput(
            person_id=parse_id(self.person_id, "personId"),
            code=self.code,
            since=self.since,
            until=self.until,
            grade=self.grade,
        )


@strawberry.input
class RecordDepartureInput:
    person_id: strawberry.ID
    reason: str = strawberry.field(description="DEATH, MOVED_OUT or EMPLOYEE_INSURANCE.")
    departed_on: date
    note: str | None = None

    def to_core(self) -> departures.DepartureInput:
        return departures.DepartureInput(
            person_id=parse_id(self.person_id, "personId"),
            reason=self.reason,
            departed_on=self.departed_on,
            note=self.note,
        )


@strawberry.type
class Query:
    @strawberry.field
    def person(self, info: strawberry.Info, id: strawberry.ID) -> Person | None:
        ctx = info.context
        return Person.of(queries.by_id(ctx.session, ctx.scope, models.Person, id))

    @strawberry.field(
        description="Persons whose hukou or residence lies in `regionCode` (any level), among those you "
        "may see — a resident registered where they live is listed there — found by `search` and "
        "filtered; a page of `first` after `after`, or of `last` before `before`."
    )
    def persons(
        self,
        info: strawberry.Info,
        region_code: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        search: Annotated[str | None, strawberry.argument(description=SEARCH)] = None,
        gender: Gender | None = None,
        category: Annotated[
            str | None,
            strawberry.argument(description="Holding this hardship identity (a `categories` code)."),
        ] = None,
        coverage_year: Annotated[
            int | None,
            strawberry.argument(
                description="Enrolled that year; with `enrolled: false`, not enrolled that year."
            ),
        ] = None,
        enrolled: bool | None = None,
        paid: Annotated[
            bool | None,
            strawberry.argument(description="Of `coverageYear`: enrolled and paid, or enrolled and unpaid."),
        ] = None,
        born_from_year: int | None = None,
        born_to_year: int | None = None,
        order_by: PersonOrder | None = None,
    ) -> Connection[Person]:
        ctx = info.context
        with refusing():
            where = queries.PersonFilter(
                region_code=region_code,
                search=searched(info, search),
                gender=gender.value if gender else None,
                category=category,
                coverage_year=coverage_year,
                enrolled=enrolled,
                paid=paid,
                born_from_year=born_from_year,
                born_to_year=born_to_year,
            )
            statement = queries.search_persons(ctx.session, ctx.scope, where)
        order = to_core(info, models.Person, order_by)
        return paginate(
            ctx.session,
            statement,
            models.Person.id,
            first,
            after,
            Person.of,
            last=last,
            before=before,
            order=order,
        )


SEARCH = (
    "A name or its beginning (张, 张三); an ID number, whole — for roles that see whole numbers — or "
    "masked as 3417**********0231; a whole mobile number (roles that see whole numbers)."
)


def searched(info: strawberry.Info, text: str | None) -> search.Needle | None:
    """What the search box holds; a role that sees numbers masked may not search by a whole one."""
    return None if text is None else search.parse(text, whole(info))


@strawberry.type
class CategoryMutation:
    @strawberry.mutation(
        description="Records a hardship identity; a department may record only its own categories."
    )
    def record_category(self, info: strawberry.Info, input: RecordCategoryInput) -> PersonResult:
        ctx = info.context
        principal = ctx.principal
        department = principal.department if principal.role is Role.ROSTER_UPLOADER else None
        return attempt(
            Person.of,
            lambda: categories.record_category(
                ctx.engine, ctx.actor, input.to_core(), ctx.registry.categories, department
            ),
        )


@strawberry.type
class DepartureMutation:
    @strawberry.mutation(
        description="Records that a person left resident insurance (death, moving away, employee "
        "insurance): off the next collection roster, listed as removed in the change table. Once per person."
    )
    def record_departure(self, info: strawberry.Info, input: RecordDepartureInput) -> PersonResult:
        ctx = info.context
        return attempt(Person.of, lambda: departures.record_departure(ctx.engine, ctx.actor, input.to_core()))
