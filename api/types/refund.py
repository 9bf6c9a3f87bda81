from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from yibao.core import models
from yibao.core.idcard import mask_account, mask_id_number
from yibao.core.money import fen_to_yuan
from yibao.core.services import refund_ledger, zero_declaration

from ..permissions import sees_identity
from .base import Entity
from .quote import FundingShare


@strawberry.type(
    description="Money owed back to the person (先征后返, on termination), and by which department; or, "
    "as a RECOVERY (应追回), a refund of a reversed payment owed back by the person."
)
class Refund(Entity):
    row: strawberry.Private[models.Refund]

    @strawberry.field(description="COLLECT_THEN_REFUND, TERMINATION or RECOVERY.")
    def kind(self) -> str:
        return self.row.kind

    @strawberry.field(description="Null while the amount waits for a parameter (status PENDING).")
    def amount(self) -> Decimal | None:
        return None if self.row.amount_fen is None else fen_to_yuan(self.row.amount_fen)

    @strawberry.field(
        description="e.g. CIVIL_AFFAIRS for 低保, FINANCE for 脱贫人口 (方政办明电〔2021〕35号 五（二）)."
    )
    def department(self) -> str | None:
        return self.row.department

    @strawberry.field(
        description="PENDING (amount waits for a parameter), OWED, PAID (for a RECOVERY: recovered) or "
        "CANCELLED (its payment was reversed before it was paid)."
    )
    def status(self) -> str:
        return self.row.status

    @strawberry.field(description="PENDING only: the parameters its amount waits for.")
    def pending_on(self) -> list[str]:
        return [name for name in (self.row.pending_on or "").split(",") if name]

    @strawberry.field
    def reason(self) -> str | None:
        return self.row.reason

    @strawberry.field(description="ONE_CARD (一卡通) or BANK_CARD; null until recorded.")
    def payee_account_kind(self) -> str | None:
        return self.row.payee_account_kind

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


@strawberry.type(description="One payout by one department in one region; every refund it paid points at it.")
class RefundBatch(Entity):
    row: strawberry.Private[models.RefundBatch]

    @strawberry.field(
        description="e.g. CIVIL_AFFAIRS (方政办明电〔2021〕35号 五（二）), TAX (refunds on termination)."
    )
    def department(self) -> str:
        return self.row.department

    @strawberry.field
    def region_code(self) -> str:
        return self.row.region_code

    @strawberry.field
    def paid_on(self) -> date:
        return self.row.paid_on

    @strawberry.field(description="How many refunds the batch paid.")
    def count(self) -> int:
        return self.row.count

    @strawberry.field(description="Their total.")
    def amount(self) -> Decimal:
        return fen_to_yuan(self.row.amount_fen)

    @strawberry.field(description="The payout's bank or treasury reference (代发批次号).")
    def reference(self) -> str | None:
        return self.row.reference

    @strawberry.field(description="Who paid it out, as the audit trail names them.")
    def actor(self) -> str:
        return self.row.actor


@strawberry.type(
    description="What one department owes back in one township. owed = paid + outstanding − toRecover: every "
    "yuan paid out is owed to a standing payment or on its way back."
)
class RefundLedgerRow:
    row: strawberry.Private[refund_ledger.LedgerRow]

    @strawberry.field(description="The refunding department; null where the notice names none (相关单位).")
    def department(self) -> str | None:
        return self.row.department

    @strawberry.field(description="The township (乡镇/街道) of the enrolments, or their region above it.")
    def township_code(self) -> str:
        return self.row.township_code

    @strawberry.field
    def township_name(self) -> str:
        return self.row.township_name

    @strawberry.field(description="What standing payments are owed back, paid or not.")
    def owed(self) -> Decimal:
        return fen_to_yuan(self.row.owed_fen)

    @strawberry.field(description="应追回: refunds already paid for payments since reversed.")
    def to_recover(self) -> Decimal:
        return fen_to_yuan(self.row.to_recover_fen)

    @strawberry.field(description="已追回.")
    def recovered(self) -> Decimal:
        return fen_to_yuan(self.row.recovered_fen)

    @strawberry.field(description="Refunds owed whose amount waits for a parameter.")
    def pending_count(self) -> int:
        return self.row.pending_count

    @strawberry.field
    def to_recover_count(self) -> int:
        return self.row.to_recover_count

    @strawberry.field
    def paid(self) -> Decimal:
        return fen_to_yuan(self.row.paid_fen)

    @strawberry.field
    def outstanding(self) -> Decimal:
        return fen_to_yuan(self.row.outstanding_fen)

    @strawberry.field
    def owed_count(self) -> int:
        return self.row.owed_count

    @strawberry.field
    def paid_count(self) -> int:
        return self.row.paid_count

    @strawberry.field
    def outstanding_count(self) -> int:
        return self.row.outstanding_count


@strawberry.type(
    description="A fully subsidised person the tax office declares at zero "
    "(零申报, 筑医保通〔2021〕34号 四（二）)."
)
class ZeroDeclaration:
    row: strawberry.Private[zero_declaration.ZeroDeclaration]

    @strawberry.field
    def enrolment_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.enrolment.id))

    @strawberry.field
    def region_code(self) -> str:
        return self.row.enrolment.region_code

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="Masked (3417**********123X) for roles that do not need it.")
    def id_number(self, info: strawberry.Info) -> str | None:
        number = self.row.id_number
        return number if sees_identity(info.context.principal.role) else mask_id_number(number)

    @strawberry.field
    def subsidy_category(self) -> str | None:
        return self.row.subsidy_category

    @strawberry.field
    def subsidy(self) -> Decimal:
        return self.row.subsidy

    @strawberry.field(description="Who funds the subsidy, from the deciding quote.")
    def funding(self) -> list[FundingShare]:
        return [FundingShare(source=f.source, amount=f.amount) for f in self.row.funding]

    @strawberry.field(description="ENROLLED, or PAID once the zero payment is recorded.")
    def status(self) -> str:
        return self.row.enrolment.status
