from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select
from strawberry.scalars import JSON

from yibao.core import models
from yibao.core.money import fen_to_yuan

from .. import federation, siblings
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
        return await without_birth_date(info, self.row.person_id, _snapshot(self, info))

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
    def partial_household(self, info: strawberry.Info) -> list[str]:
        return list((_snapshot(self, info) or {}).get("partialHousehold") or [])

    @strawberry.field(description="The day the enrolment ended (death, moving away…), if it did.")
    def terminated_on(self) -> date | None:
        return self.row.terminated_on

    @strawberry.field(description="Why the enrolment ended, as the request stated it.")
    def termination_reason(self) -> str | None:
        return self.row.termination_reason

    @strawberry.field
    def region(self, info: strawberry.Info) -> Region:
        return siblings.one(self, info, "region", _region, Region.of)

    @strawberry.field
    def person(self, info: strawberry.Info) -> Person:
        return siblings.one(self, info, "person", _person, Person.of)

    @strawberry.field
    def payments(self, info: strawberry.Info) -> list[Payment]:
        return siblings.many(self, info, "payments_of_enrolment", _enrolment_id, _payment)

    @strawberry.field
    def entitlements(self, info: strawberry.Info) -> list[Entitlement]:
        return siblings.many(self, info, "entitlements_of_enrolment", _entitlement_key, _entitlement)

    @strawberry.field
    def refunds(self, info: strawberry.Info) -> list[Refund]:
        return siblings.many(self, info, "refunds_of_enrolment", _refund_key, _refund)


def _snapshot(enrolment: Enrolment, info: strawberry.Info) -> dict:
    """The enrolment's snapshot. The loaders read enrolments without it (api/graphql/loaders.py):
    the first enrolment of a list to need it reads it for all of its siblings, in one statement;
    one read alone loads its own when touched."""
    row = enrolment.row
    if "snapshot" not in row.__dict__ and enrolment.siblings is not None:
        rows = [e.row for e in enrolment.siblings.objects if "snapshot" not in e.row.__dict__]
        ids = [r.id for r in rows]
        statement = select(models.Enrolment.id, models.Enrolment.snapshot).where(
            col(models.Enrolment.id).in_(ids)
        )
        found = dict(info.context.session.exec(statement).all())
        for each in rows:
            set_committed_value(each, "snapshot", found.get(each.id, {}))
    return row.snapshot


# What the fields above fetch by: module-level, as each is the key of its fetch among siblings
# (the same function for two fetches would share one cache: each list field has its own).
def _region(enrolment: Enrolment) -> str:
    return enrolment.row.region_code


def _person(enrolment: Enrolment) -> int:
    return enrolment.row.person_id


def _enrolment_id(enrolment: Enrolment) -> int:
    return enrolment.row.id


def _entitlement_key(enrolment: Enrolment) -> int:
    return enrolment.row.id


def _refund_key(enrolment: Enrolment) -> int:
    return enrolment.row.id


def _payment(row) -> Payment:
    return Payment(row=row)


def _entitlement(row) -> Entitlement:
    return Entitlement(row=row)


def _refund(row) -> Refund:
    return Refund(row=row)
