from __future__ import annotations

import strawberry

from yibao.core import models

from .. import siblings
from ..siblings import Siblings
from .base import Entity
from .node import Node
from .person import Person
from .region import Region


@strawberry.type
class HouseholdMember:
    row: strawberry.Private[models.HouseholdMember]
    siblings: strawberry.Private[Siblings | None] = None

    @strawberry.field
    def relation(self) -> str | None:
        return self.row.relation

    @strawberry.field
    def is_head(self) -> bool:
        return self.row.is_head

    @strawberry.field
    def person(self, info: strawberry.Info) -> Person:
        return siblings.one(self, info, "person", _person_of_member, Person.of)


@strawberry.type
class Household(Node, Entity, model=models.Household):
    row: strawberry.Private[models.Household]

    @strawberry.field
    def address(self) -> str | None:
        return self.row.address

    @strawberry.field
    def address_region(self, info: strawberry.Info) -> Region:
        return siblings.one(self, info, "region", _address_region, Region.of)

    @strawberry.field
    def members(self, info: strawberry.Info) -> list[HouseholdMember]:
        return siblings.many(self, info, "members_of_household", _household_id, _member)

    @strawberry.field(description="The head of household (户主).")
    def head(self, info: strawberry.Info) -> Person | None:
        if self.siblings is None:
            return self._head_alone(info)
        members = siblings.many(self, info, "members_of_household", _household_id, _member)
        head = next((member for member in members if member.row.is_head), None)
        # The head is one of the members: their persons are fetched together with everyone's.
        return None if head is None else siblings.one(head, info, "person", _person_of_member, Person.of)

    async def _head_alone(self, info: strawberry.Info) -> Person | None:
        rows = await info.context.loaders.members_of_household.load(self.row.id)
        head = next((row for row in rows if row.is_head), None)
        return Person.of(await info.context.loaders.person.load(head.person_id)) if head else None


# What the fields above fetch by: module-level, as each is the key of its fetch among siblings.
def _person_of_member(member: HouseholdMember) -> int:
    return member.row.person_id


def _address_region(household: Household) -> str:
    return household.row.address_region_code


def _household_id(household: Household) -> int:
    return household.row.id


def _member(row: models.HouseholdMember) -> HouseholdMember:
    return HouseholdMember(row=row)
