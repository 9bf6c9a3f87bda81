"""Collection rosters (缴费清册), change tables (变动表) and departures.

东政办〔2021〕6号 五（三）: last year's enrolment table becomes this year's collection roster of each
village, on which the village notes collection and changes; 方政办明电〔2021〕35号 三（二）: the roster
is made and sent to every village. Reads answer null for a region outside the caller's scope,
as a lookup of another region's row does.
"""

from __future__ import annotations

from datetime import date

import strawberry

from yibao.core.errors import InputError
from yibao.core.services import departures
from yibao.core.services.change_table import change_table
from yibao.core.services.collection_roster import collection_roster

from .ids import parse_id
from .mutations import PersonResult, _attempt
from .rules import refused
from .types.collection import ChangeRow, CollectionRosterRow
from .types.person import Person


def _visible(info: strawberry.Info, region_code: str) -> bool:
    """The region exists and lies in the caller's scope; otherwise the answer is null."""
    context = info.context
    return bool(region_code) and context.scope.covers(context.session, region_code)


@strawberry.type
class CollectionQuery:
    @strawberry.field(
        description="This year's collection roster of a village or township: every household member "
        "(departed persons left out), quoted under this year's policy on `on` (default: the day the "
        "centralized window opens). Null for a region outside the caller's scope."
    )
    def collection_roster(
        self, info: strawberry.Info, region_code: str, coverage_year: int, on: date | None = None
    ) -> list[CollectionRosterRow] | None:
        if not _visible(info, region_code):
            return None
        context = info.context
        try:
            rows = collection_roster(
                context.session, context.scope, context.registry, region_code, coverage_year, on
            )
        except InputError as exc:
            raise refused(exc, "") from None
        return [CollectionRosterRow(row=row) for row in rows]

    @strawberry.field(
        description="Who was added, removed (with the reason) or changed identity or amount due, "
        "against last year's enrolments in the region. Null for a region outside the caller's scope."
    )
    def change_table(
        self, info: strawberry.Info, region_code: str, coverage_year: int
    ) -> list[ChangeRow] | None:
        if not _visible(info, region_code):
            return None
        context = info.context
        try:
            rows = change_table(context.session, context.scope, context.registry, region_code, coverage_year)
        except InputError as exc:
            raise refused(exc, "") from None
        return [ChangeRow(row=row) for row in rows]


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
class CollectionMutation:
    @strawberry.mutation(
        description="Records that a person left resident insurance (death, moving away, employee "
        "insurance): off the next collection roster, listed as removed in the change table. Once per person."
    )
    def record_departure(self, info: strawberry.Info, input: RecordDepartureInput) -> PersonResult:
        ctx = info.context
        return _attempt(
            Person.of, lambda: departures.record_departure(ctx.engine, ctx.actor, input.to_core())
        )
