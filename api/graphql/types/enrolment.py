from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry.scalars import JSON

from yibao.core import models
from yibao.core.money import fen_to_yuan

from .. import federation
from ..masking import without_birth_date
from .base import Entity
from .entitlement import Entitlement
from .enums import EnrolmentStatus
from .node import Node
from .payment import Payment
from .person import Person
from .quote import SubsidyMethod
from .refund import Refund
from .region import Region


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else fen_to_yuan(fen)


@strawberry.federation.type(
    keys=list(federation.KEYS["Enrolment"]),
    description="A person's enrolment for one coverage year; a federation entity keyed by the "
    "person (ID number or federation key) and the coverage year (api/graphql/federation.py).",
)
class Enrolment(Node, Entity, model=models.Enrolment):
    row: strawberry.Private[models.Enrolment]

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info, **key) -> Enrolment | None:
        return cls.of(await federation.enrolment(info, key))

    @strawberry.field
    def coverage_year(self) -> int:
        return self.row.coverage_year

    @strawberry.field
    def policy_id(self) -> str:
        return self.row.policy_id

    @strawberry.field
    def tier(self) -> str:
        return self.row.tier

    @strawberry.field
    def status(self) -> EnrolmentStatus:
        return EnrolmentStatus(self.row.status)

    @strawberry.field(
        description="What was decided at enrolment, frozen against later rule edits. For roles that "
        "see ID numbers masked, the person's birth date in it (a newborn's coverage start) reads "
        "1975-**-**."
    )
    async def snapshot(self, info: strawberry.Info) -> JSON:
        return await without_birth_date(info, self.row.person_id, self.row.snapshot)

    @strawberry.field(description="The channel the person means to pay through (a CHANNELS code).")
    def channel(self) -> str | None:
        return self.row.channel

    @strawberry.field(description="The enrolment date the amount due was first quoted for.")
    def enrolled_on(self) -> date | None:
        return self.row.enrolled_on

    @strawberry.field(description="What the deciding quote says the person pays; null if no route admits it.")
    def amount_due(self) -> Decimal | None:
        return _yuan(self.row.amount_due_fen)

    @strawberry.field(description="The hardship subsidy of the deciding quote.")
    def subsidy(self) -> Decimal | None:
        return _yuan(self.row.subsidy_fen)

    @strawberry.field(description="The category whose subsidy applies (highest wins).")
    def subsidy_category(self) -> str | None:
        return self.row.subsidy_category

    @strawberry.field(description="How the subsidy is given, as the deciding quote's `subsidyMethod`.")
    def method(self) -> SubsidyMethod | None:
        return None if self.row.method is None else SubsidyMethod(self.row.method)

    @strawberry.field(
        description="Members of the household not enrolled with this one, where the policy prefers "
        "whole households (e.g. 东政办〔2021〕6号 五（二）); empty otherwise."
    )
    def partial_household(self) -> list[str]:
        return list((self.row.snapshot or {}).get("partialHousehold") or [])

    @strawberry.field(description="The day the enrolment ended (death, moving away…), if it did.")
    def terminated_on(self) -> date | None:
        return self.row.terminated_on

    @strawberry.field(description="Why the enrolment ended, as the request stated it.")
    def termination_reason(self) -> str | None:
        return self.row.termination_reason

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
