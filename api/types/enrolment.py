from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from core import models

from .base import Entity
from .entitlement import Entitlement
from .payment import Payment
from .person import Person
from .refund import Refund
from .region import Region


@strawberry.type
class Enrolment(Entity):
    row: strawberry.Private[models.Enrolment]

    @strawberry.field
    def coverage_year(self) -> int:
        return self.row.coverage_year

    @strawberry.field
    def policy_id(self) -> str:
        return self.row.policy_id

    @strawberry.field
    def tier(self) -> str:
        return self.row.tier

    @strawberry.field(description="ENROLLED, PAID or TERMINATED.")
    def status(self) -> str:
        return self.row.status

    @strawberry.field(description="What was decided at enrolment, frozen against later rule edits.")
    def snapshot(self) -> JSON:
        return self.row.snapshot

    @strawberry.field
    async def region(self, info: strawberry.Info) -> Region:
        return Region.of(await info.context.loaders.region.load(self.row.region_code))

    @strawberry.field
    async def person(self, info: strawberry.Info) -> Person:
        return Person.of(await info.context.loaders.person.load(self.row.person_id))

    @strawberry.field
    async def payments(self, info: strawberry.Info) -> list[Payment]:
        rows = await info.context.loaders.payments_of_enrolment.load(self.row.id)
        return [Payment(row=row) for row in rows]

    @strawberry.field
    async def entitlements(self, info: strawberry.Info) -> list[Entitlement]:
        rows = await info.context.loaders.entitlements_of_enrolment.load(self.row.id)
        return [Entitlement(row=row) for row in rows]

    @strawberry.field
    async def refunds(self, info: strawberry.Info) -> list[Refund]:
        rows = await info.context.loaders.refunds_of_enrolment.load(self.row.id)
        return [Refund(row=row) for row in rows]
