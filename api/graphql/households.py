"""Households (户): registering one with its members, changing its head, moving a person into it."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from yibao.core import models, queries
from yibao.core.ids import parse_id
from yibao.core.services import households
from yibao.core.services.households import HouseholdInput, MemberInput, refuse_oversized
from yibao.core.services.persons import PersonInput

from .errors import InputErrors, attempt, refusing
from .persons import SEARCH, PersonResult, searched
from .types.household import Household
from .types.ordering import HouseholdOrder, to_core
from .types.pagination import Connection, paginate
from .types.person import Person

HouseholdResult = Annotated[Household | InputErrors, strawberry.union("HouseholdResult")]


@strawberry.input
class NewPersonInput:
    name: str
    hukou_region_code: str
    id_number: str | None = strawberry.field(
        default=None, description="18 digits (last may be X); birth date and gender are derived from it."
    )
    no_id_reason: str | None = strawberry.field(
        default=None, description="Without an ID number: NEWBORN, FOREIGNER or NO_HUKOU (000_… 四（五）)."
    )
    birth_date: date | None = strawberry.field(
        default=None, description="Required without an ID number; cross-checked against one."
    )
    gender: str | None = strawberry.field(default=None, description="M or F; cross-checked against the ID.")
    residence_region_code: str | None = None
    phone: str | None = None

    def to_core(self) -> PersonInput:
        return PersonInput(**vars(self))


@strawberry.input(description="A new person to register, or `personId` of one already registered.")
class HouseholdMemberInput:
    person: NewPersonInput | None = None
    person_id: strawberry.ID | None = None
    relation: str | None = strawberry.field(default=None, description="e.g. 户主, 配偶, 子女.")
    is_head: bool = False

    def to_core(self, index: int) -> MemberInput:
        return MemberInput(
            person=self.person.to_core() if self.person else None,
            person_id=parse_id(self.person_id, f"members.{index}.personId") if self.person_id else None,
            relation=self.relation,
            is_head=self.is_head,
        )


@strawberry.input
class RegisterHouseholdInput:
    address_region_code: str
    members: list[HouseholdMemberInput]
    address: str | None = None

    def to_core(self) -> HouseholdInput:
        refuse_oversized("members", len(self.members))
        return HouseholdInput(
            address_region_code=self.address_region_code,
            address=self.address,
            members=[member.to_core(i) for i, member in enumerate(self.members)],
        )


@strawberry.type
class Query:
    @strawberry.field
    def household(self, info: strawberry.Info, id: strawberry.ID) -> Household | None:
        ctx = info.context
        return Household.of(queries.by_id(ctx.session, ctx.scope, models.Household, id))

    @strawberry.field(
        description="Households whose address lies in `regionCode`, found by any member (`search`) and "
        "filtered by their members' enrolments; a village's unpaid households are `paid: false`."
    )
    def households(
        self,
        info: strawberry.Info,
        region_code: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        search: Annotated[str | None, strawberry.argument(description=SEARCH)] = None,
        coverage_year: Annotated[
            int | None, strawberry.argument(description="A member is enrolled that year.")
        ] = None,
        paid: Annotated[
            bool | None,
            strawberry.argument(
                description="Of `coverageYear`: false, a member's enrolment is unpaid; true, members are "
                "enrolled and none is unpaid."
            ),
        ] = None,
        order_by: HouseholdOrder | None = None,
    ) -> Connection[Household]:
        ctx = info.context
        with refusing():
            where = queries.HouseholdFilter(region_code, searched(info, search), coverage_year, paid)
            statement = queries.search_households(ctx.session, ctx.scope, where)
        order = to_core(info, models.Household, order_by)
        return paginate(
            ctx.session,
            statement,
            models.Household.id,
            first,
            after,
            Household.of,
            last=last,
            before=before,
            order=order,
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Registers a household (户) with its members; exactly one is head.")
    def register_household(self, info: strawberry.Info, input: RegisterHouseholdInput) -> HouseholdResult:
        ctx = info.context
        return attempt(
            Household.of, lambda: households.register_household(ctx.engine, ctx.actor, input.to_core())
        )

    @strawberry.mutation(description="Makes another member the head; the old head stays a member.")
    def change_head(
        self, info: strawberry.Info, household_id: strawberry.ID, person_id: strawberry.ID
    ) -> HouseholdResult:
        ctx = info.context
        return attempt(
            Household.of,
            lambda: households.change_head(
                ctx.engine, ctx.actor, parse_id(household_id, "householdId"), parse_id(person_id, "personId")
            ),
        )

    @strawberry.mutation(description="Moves a person into another household and its address region.")
    def move_person(
        self,
        info: strawberry.Info,
        person_id: strawberry.ID,
        household_id: strawberry.ID,
        relation: str | None = None,
    ) -> PersonResult:
        ctx = info.context
        return attempt(
            Person.of,
            lambda: households.move_person(
                ctx.engine,
                ctx.actor,
                parse_id(person_id, "personId"),
                parse_id(household_id, "householdId"),
                relation,
            ),
        )
