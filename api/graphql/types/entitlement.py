from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from yibao.core import models

from ..masking import without_birth_date
from .base import Entity, entity
from .node import Node
from .person import Person

if TYPE_CHECKING:
    from .enrolment import Enrolment


@strawberry.type(description="A coverage period: benefits are paid from start to end, inclusive.")
class Entitlement(Node, Entity, model=models.Entitlement):
    row: strawberry.Private[models.Entitlement]

    @strawberry.field(
        description="Null for roles that see ID numbers masked when coverage starts on the day of "
        "birth (a newborn's), which would give away the birth date."
    )
    async def start_date(self, info: strawberry.Info) -> date | None:
        return await without_birth_date(info, self.row.person_id, self.row.start_date)

    @strawberry.field
    def end_date(self) -> date:
        return self.row.end_date

    @strawberry.field
    def waiting_until(self) -> date | None:
        return self.row.waiting_until

    @strawberry.field
    def reason(self) -> str:
        return self.row.reason

    @strawberry.field
    async def person(self, info: strawberry.Info) -> Person:
        return Person.of(await info.context.loaders.person.load(self.row.person_id))

    @strawberry.field
    async def enrolment(self, info: strawberry.Info) -> Annotated[Enrolment, strawberry.lazy(".enrolment")]:
        return entity(await info.context.loaders.enrolment.load(self.row.enrolment_id))
