from __future__ import annotations

import strawberry

from yibao.core import models

from .base import Entity
from .node import Node
from .person import Person
from .region import Region


@strawberry.type
class HouseholdMember:
    row: strawberry.Private[models.HouseholdMember]

    @strawberry.field
    def relation(self) -> str | None:
        return self.row.relation

    @strawberry.field
    def is_head(self) -> bool:
        return self.row.is_head

    @strawberry.field
    async def person(self, info: strawberry.Info) -> Person:
        return Person.of(await info.context.loaders.person.load(self.row.person_id))


@strawberry.type
class Household(Node, Entity, model=models.Household):
    row: strawberry.Private[models.Household]

    @strawberry.field
    def address(self) -> str | None:
        return self.row.address

    @strawberry.field
    async def address_region(self, info: strawberry.Info) -> Region:
        return Region.of(await info.context.loaders.region.load(self.row.address_region_code))

    @strawberry.field
    async def members(self, info: strawberry.Info) -> list[HouseholdMember]:
        rows = await info.context.loaders.members_of_household.load(self.row.id)
        return [HouseholdMember(row=row) for row in rows]

    @strawberry.field(description="The head of household (户主).")
    async def head(self, info: strawberry.Info) -> Person | None:
        rows = await info.context.loaders.members_of_household.load(self.row.id)
        head = next((row for row in rows if row.is_head), None)
        return Person.of(await info.context.loaders.person.load(head.person_id)) if head else None
