"""Money owed back: to the person (先征后返, on termination) or, as a recovery, by the person."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from yibao.core import models
from yibao.core.idcard import mask_account
from yibao.core.money import fen_to_yuan

from ..permissions import sees_identity
from .base import Entity
from .enums import PayeeAccountKind, RefundKind, RefundStatus
from .node import Node


@strawberry.type(
    description="Money owed back to the person (先征后返, on termination), and by which department; or, "
    "as a RECOVERY (应追回), a refund of a reversed payment owed back by the person."
)
class Refund(Node, Entity, model=models.Refund):
    row: strawberry.Private[models.Refund]

    @strawberry.field
    def kind(self) -> RefundKind:
        return RefundKind(self.row.kind)

    @strawberry.field(description="Null while the amount waits for a parameter (status PENDING).")
    def amount(self) -> Decimal | None:
        return None if self.row.amount_fen is None else fen_to_yuan(self.row.amount_fen)

    @strawberry.field(
        description="e.g. CIVIL_AFFAIRS for 低保, FINANCE for 脱贫人口 (方政办明电〔2021〕35号 五（二）)."
    )
    def department(self) -> str | None:
        return self.row.department

    @strawberry.field
    def status(self) -> RefundStatus:
        return RefundStatus(self.row.status)

    @strawberry.field(description="PENDING only: the parameters its amount waits for.")
    def pending_on(self) -> list[str]:
        return [name for name in (self.row.pending_on or "").split(",") if name]

    @strawberry.field
    def reason(self) -> str | None:
        return self.row.reason

    @strawberry.field(description="Null until recorded.")
    def payee_account_kind(self) -> PayeeAccountKind | None:
        kind = self.row.payee_account_kind
        return None if kind is None else PayeeAccountKind(kind)

    @strawberry.field(description="Where it is paid; masked (****1234) for roles that do not need it.")
    def payee_account(self, info: strawberry.Info) -> str | None:
        number = self.row.payee_account
        return number if sees_identity(info.context.principal.role) else mask_account(number)

    @strawberry.field
    def paid_on(self) -> date | None:
        return self.row.paid_on

    @strawberry.field(description="The payout's reference (代发批次号) or, for a RECOVERY, the receipt's.")
    def payment_reference(self) -> str | None:
        return self.row.payment_reference

    @strawberry.field(description="The batch that paid it, if paid.")
    def batch_id(self) -> strawberry.ID | None:
        return strawberry.ID(str(self.row.batch_id)) if self.row.batch_id else None

    @strawberry.field(description="RECOVERY only: the paid refund it recovers.")
    def recovers_refund_id(self) -> strawberry.ID | None:
        return strawberry.ID(str(self.row.recovers_refund_id)) if self.row.recovers_refund_id else None
