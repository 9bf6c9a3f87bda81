from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from yibao.core import models
from yibao.core.money import fen_to_yuan

from .. import federation
from .base import Entity, entity
from .enums import PaymentKind
from .node import Node

if TYPE_CHECKING:
    from .enrolment import Enrolment


@strawberry.federation.type(
    keys=["receiptNumber"],
    description="One entry of the append-only ledger; reversals carry negative amounts. A federation "
    "entity keyed by its receipt number (api/graphql/federation.py).",
)
class Payment(Node, Entity, model=models.Payment):
    row: strawberry.Private[models.Payment]

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info, **key) -> Payment | None:
        return cls.of(await federation.payment(info, key))

    @strawberry.field
    def kind(self) -> PaymentKind:
        return PaymentKind(self.row.kind)

    @strawberry.field(description="Yuan; negative for a reversal.")
    def amount(self) -> Decimal:
        return fen_to_yuan(self.row.amount_fen)

    @strawberry.field
    def paid_on(self) -> date:
        return self.row.paid_on

    @strawberry.field
    def channel(self) -> str:
        return self.row.channel

    @strawberry.field
    def collector(self) -> str | None:
        return self.row.collector

    @strawberry.field(description="Unique per county and coverage year, from a database counter.")
    def receipt_number(self) -> str:
        return self.row.receipt_number

    @strawberry.field
    def idempotency_key(self) -> str:
        return self.row.idempotency_key

    @strawberry.field
    def reason(self) -> str | None:
        return self.row.reason

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field(description="For a reversal, the payment it cancels.")
    async def reverses(self, info: strawberry.Info) -> Payment | None:
        target = self.row.reverses_payment_id
        return Payment.of(await info.context.loaders.payment.load(target)) if target else None

    @strawberry.field
    async def enrolment(self, info: strawberry.Info) -> Annotated[Enrolment, strawberry.lazy(".enrolment")]:
        return entity(await info.context.loaders.enrolment.load(self.row.enrolment_id))
