"""Collection rosters (缴费清册) and change tables (变动表).

东政办〔2021〕6号 五（三）: last year's enrolment table becomes this year's collection roster of each
village, on which the village notes collection and changes; 方政办明电〔2021〕35号 三（二）: the roster
is made and sent to every village. Reads answer null for a region outside the caller's scope,
as a lookup of another region's row does.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from yibao.core.errors import InputError
from yibao.core.idcard import coarsen_birth_date, mask_id_number
from yibao.core.services.change_table import ChangeRow as CoreChangeRow
from yibao.core.services.change_table import change_table
from yibao.core.services.collection_roster import RosterRow, collection_roster

from .errors import refused
from .masking import whole


def _id_number(info: strawberry.Info, number: str | None) -> str | None:
    return number if whole(info) else mask_id_number(number)


@strawberry.type(
    description="One person on a village's collection roster (缴费清册), quoted under this year's rules."
)
class CollectionRosterRow:
    row: strawberry.Private[RosterRow]

    @strawberry.field(description="The household's address region (a village or township).")
    def village_code(self) -> str:
        return self.row.village_code

    @strawberry.field
    def village_name(self) -> str:
        return self.row.village_name

    @strawberry.field
    def household_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.household_id))

    @strawberry.field
    def head_name(self) -> str | None:
        return self.row.head_name

    @strawberry.field
    def address(self) -> str | None:
        return self.row.address

    @strawberry.field
    def person_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.person_id))

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="Masked (3417**********123X) for roles that do not need it.")
    def id_number(self, info: strawberry.Info) -> str | None:
        return _id_number(info, self.row.id_number)

    @strawberry.field
    def relation(self) -> str | None:
        return self.row.relation

    @strawberry.field
    def is_head(self) -> bool:
        return self.row.is_head

    @strawberry.field(description="Last year's tier where this year's policy has it, else the first tier.")
    def tier(self) -> str:
        return self.row.tier

    @strawberry.field(description="Yuan; null when this year's rules refuse the quote (see `note`).")
    def amount_due(self) -> Decimal | None:
        return self.row.amount_due

    @strawberry.field(description="Yuan: the hardship subsidy (taken off, or refunded after collection).")
    def subsidy(self) -> Decimal | None:
        return self.row.subsidy

    @strawberry.field
    def subsidy_category(self) -> str | None:
        return self.row.subsidy_category

    @strawberry.field(description="UPFRONT or COLLECT_THEN_REFUND (先征后返).")
    def method(self) -> str | None:
        return self.row.method

    @strawberry.field(
        description="ENROLLED, PAID, TERMINATED, or STOPPED (停保, from the 参保底表); null when not "
        "enrolled last year."
    )
    def last_year_status(self) -> str | None:
        return self.row.last_year_status

    @strawberry.field(
        description="REGISTER: last year's enrolment in yibao; HISTORY: the imported 参保底表 of a year "
        "yibao holds no policy for; null when not enrolled last year."
    )
    def last_year_source(self) -> str | None:
        return self.row.last_year_source

    @strawberry.field(description="Yuan paid (net of reversals) for last year; null when not enrolled.")
    def last_year_paid(self) -> Decimal | None:
        return self.row.last_year_paid

    @strawberry.field(
        description="Why there is no amount, when this year's rules refuse the quote; for roles that see "
        "ID numbers masked, a birth date in it reads 1975-**-**."
    )
    def note(self, info: strawberry.Info) -> str | None:
        return self.row.note if whole(info) else coarsen_birth_date(self.row.note, self.row.birth_date)


@strawberry.type(description="One line of the change table (变动表) against last year's enrolments.")
class ChangeRow:
    row: strawberry.Private[CoreChangeRow]

    @strawberry.field(description="ADDED, REMOVED, CHANGED or READJUSTED.")
    def change(self) -> str:
        return self.row.change

    @strawberry.field(
        description="上年参保状态: PAID, ENROLLED, TERMINATED or STOPPED (停保); null without a record "
        "last year."
    )
    def last_year_status(self) -> str | None:
        return self.row.last_year_status

    @strawberry.field(description="REGISTER (yibao's enrolment) or HISTORY (the imported 参保底表).")
    def last_year_source(self) -> str | None:
        return self.row.last_year_source

    @strawberry.field(
        description="ADDED: NEWBORN, MOVED_IN, NEW, RESUMED (停保 last year); REMOVED: DEATH, MOVED_OUT, "
        "EMPLOYEE_INSURANCE, NO_HOUSEHOLD; CHANGED: SUBSIDY_CATEGORY and/or AMOUNT_DUE, comma-joined; "
        "READJUSTED: READJUSTMENT."
    )
    def reason(self) -> str:
        return self.row.reason

    @strawberry.field
    def village_code(self) -> str:
        return self.row.village_code

    @strawberry.field
    def village_name(self) -> str:
        return self.row.village_name

    @strawberry.field(description="This year's household; null for a removed person.")
    def household_id(self) -> strawberry.ID | None:
        return strawberry.ID(str(self.row.household_id)) if self.row.household_id else None

    @strawberry.field
    def person_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.person_id))

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="Masked (3417**********123X) for roles that do not need it.")
    def id_number(self, info: strawberry.Info) -> str | None:
        return _id_number(info, self.row.id_number)

    @strawberry.field
    def departed_on(self) -> date | None:
        return self.row.departed_on

    @strawberry.field
    def tier_before(self) -> str | None:
        return self.row.tier_before

    @strawberry.field
    def tier_after(self) -> str | None:
        return self.row.tier_after

    @strawberry.field
    def category_before(self) -> str | None:
        return self.row.category_before

    @strawberry.field
    def category_after(self) -> str | None:
        return self.row.category_after

    @strawberry.field(description="Yuan due last year, as its deciding quote gave it.")
    def amount_before(self) -> Decimal | None:
        return self.row.amount_before

    @strawberry.field(description="Yuan due this year.")
    def amount_after(self) -> Decimal | None:
        return self.row.amount_after

    @strawberry.field(
        description="READJUSTED: the settlement item, amount due after less before (> 0 owed by the "
        "person's side, < 0 owed to it) — 东政办〔2021〕6号 四（四）."
    )
    def settlement(self) -> Decimal | None:
        return self.row.settlement

    @strawberry.field(description="Who settles it: PERSON or FUNDING_DEPARTMENT; null while unsettled.")
    def settlement_party(self) -> str | None:
        return self.row.settlement_party

    @strawberry.field(
        description="UNSETTLED (the policy's settlement parameter is not set), OWED or SETTLED."
    )
    def settlement_status(self) -> str | None:
        return self.row.settlement_status


def _visible(info: strawberry.Info, region_code: str) -> bool:
    """The region exists and lies in the caller's scope; otherwise the answer is null."""
    context = info.context
    return bool(region_code) and context.scope.covers(context.session, region_code)


@strawberry.type
class Query:
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
