from __future__ import annotations

from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Annotated

import strawberry

from yibao.core import models
from yibao.core.auth import Role
from yibao.core.departments import DEPARTMENT_CATEGORIES
from yibao.core.idcard import mask_id_number, mask_phone

from .. import federation, federation_keys, siblings
from ..masking import whole
from .base import Entity, entity
from .enums import Gender
from .node import Node
from .region import Region

if TYPE_CHECKING:
    from .enrolment import Enrolment
    from .household import Household


@strawberry.type
class CategoryFact:
    code: str
    since: date | None
    until: date | None
    source: str
    grade: int | None


@strawberry.federation.type(
    keys=list(federation.KEYS["Person"]),
    description="A resident; a federation entity keyed by the ID number a tax system holds, resolved "
    "only for roles that see whole ID numbers, or by `federationKey`, for every reader "
    "(api/graphql/federation.py).",
)
class Person(Node, Entity, model=models.Person):
    row: strawberry.Private[models.Person]

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info, **key) -> Person | None:
        return cls.of(await federation.person(info, key))

    @strawberry.field(
        description="A stable, opaque key naming this person, the same for every role: the entity key "
        "for roles that see ID numbers masked (docs/federation.md). It changes only if the server's "
        "signing key or the person's ID number does."
    )
    def federation_key(self, info: strawberry.Info) -> strawberry.ID:
        key = federation_keys.person_key(info.context.key, self.row.id, self.row.id_number)
        return strawberry.ID(key)

    @strawberry.field(
        description="18-digit resident ID number; masked (3417**********123X) for roles that do not need it."
    )
    def id_number(self, info: strawberry.Info) -> str | None:
        number = self.row.id_number
        return number if whole(info) else mask_id_number(number)

    @strawberry.field(description="Why there is no ID number: NEWBORN, FOREIGNER or NO_HUKOU.")
    def no_id_reason(self) -> str | None:
        return self.row.no_id_reason

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field(
        description="Null for roles that see ID numbers masked: digits 7–14 of the ID number are the "
        "birth date, and with it the mask could be undone; they read `birthYear`."
    )
    def birth_date(self, info: strawberry.Info) -> date | None:
        return self.row.birth_date if whole(info) else None

    @strawberry.field(description="The year of birth, for every role that may read the person.")
    def birth_year(self) -> int:
        return self.row.birth_date.year

    @strawberry.field(
        description="M or F. Shown to roles that see ID numbers masked too: the mask keeps digit 17, "
        "whose parity is the gender."
    )
    def gender(self) -> Gender:
        return Gender(self.row.gender)

    @strawberry.field(description="Masked (138****5678) for roles that do not need it.")
    def phone(self, info: strawberry.Info) -> str | None:
        return self.row.phone if whole(info) else mask_phone(self.row.phone)

    @strawberry.field
    def hukou_region(self, info: strawberry.Info) -> Region:
        return siblings.one(self, info, "region", _hukou_region, Region.of)

    @strawberry.field
    def residence_region(self, info: strawberry.Info) -> Region | None:
        return siblings.one(self, info, "region", _residence_region, Region.of)

    @strawberry.field
    async def household(
        self, info: strawberry.Info
    ) -> Annotated[Household, strawberry.lazy(".household")] | None:
        membership = await info.context.loaders.membership_of_person.load(self.row.id)
        if membership is None:
            return None
        return entity(await info.context.loaders.household.load(membership.household_id))

    @strawberry.field(
        description="By coverage year. With `coverageYear`, that year's only: what a page of the "
        "current campaign asks, read from the year's partition alone on PostgreSQL (docs/scaling.md §2)."
    )
    def enrolments(
        self, info: strawberry.Info, coverage_year: int | None = None
    ) -> list[Annotated[Enrolment, strawberry.lazy(".enrolment")]]:
        if coverage_year is None:
            return siblings.many(self, info, "enrolments_of_person", _person_id, entity)
        loader = info.context.loaders.enrolments_of_person_in(coverage_year)
        return siblings.many(self, info, loader, _person_id_in(coverage_year), entity)

    @strawberry.field(
        description="Hardship identities, with codes from the canonical vocabulary; for a department's "
        "roster uploader, only the identities its department may record."
    )
    async def categories(self, info: strawberry.Info) -> list[CategoryFact]:
        rows = await info.context.loaders.categories_of_person.load(self.row.id)
        principal = info.context.principal
        if principal.role is Role.ROSTER_UPLOADER:  # another department's identity is not its business
            own = DEPARTMENT_CATEGORIES.get(principal.department or "", set())
            rows = [r for r in rows if r.code in own]
        return [
            CategoryFact(code=r.code, since=r.since, until=r.until, source=r.source, grade=r.grade)
            for r in rows
        ]


# What the fields above fetch by: module-level, as each is the key of its fetch among siblings.
def _person_id(person: Person) -> int:
    return person.row.id


@cache
def _person_id_in(year: int):
    """A key function per year: siblings keep what each fetched under its key function."""

    def person_id_in_year(person: Person) -> int:
        return person.row.id

    return person_id_in_year


def _hukou_region(person: Person) -> str:
    return person.row.hukou_region_code


def _residence_region(person: Person) -> str | None:
    return person.row.residence_region_code
