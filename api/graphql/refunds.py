"""Refunds: paid in batches, their ledger, ending an enrolment with a refund, the zero-declaration list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from yibao.core import models
from yibao.core.idcard import mask_id_number
from yibao.core.ids import parse_id
from yibao.core.money import fen_to_yuan
from yibao.core.services import refund_ledger, refund_payouts, termination, zero_declaration
from yibao.core.services.refunds import PayeeAccount

from .enrolments import EnrolmentResult
from .errors import InputErrors, attempt
from .permissions import sees_identity
from .types.base import Entity
from .types.enrolment import Enrolment
from .types.enums import PayeeAccountKind
from .types.quote import FundingShare
from .types.refund import Refund


@strawberry.input(description="Where money owed back is paid: an account number and its kind.")
class PayeeAccountInput:
    kind: PayeeAccountKind
    number: str = strawberry.field(description="10 to 30 digits; spaces and hyphens are ignored.")

    def to_core(self) -> PayeeAccount:
        return PayeeAccount(self.kind.value, self.number)


@strawberry.type(description="One payout by one department in one region; every refund it paid points at it.")
class RefundBatch(Entity, model=models.RefundBatch):
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


RefundBatchResult = Annotated[RefundBatch | InputErrors, strawberry.union("RefundBatchResult")]
RefundResult = Annotated[Refund | InputErrors, strawberry.union("RefundResult")]


@strawberry.input(
    description="Pays everything a department owes back in a region, as one batch, to the accounts "
    "recorded for the refunds; refunds without an account or still pending a parameter wait."
)
class PayRefundsInput:
    department: str = strawberry.field(
        description="CIVIL_AFFAIRS (低保), FINANCE (建档立卡) per 方政办明电〔2021〕35号 五（二）; "
        "TAX for refunds on termination."
    )
    region_code: str = strawberry.field(description="The refunds of enrolments in or below this region.")
    paid_on: date
    reference: str = strawberry.field(
        description="The payout's bank or treasury reference (代发批次号), which every refund it pays "
        "carries."
    )
    idempotency_key: str = strawberry.field(
        description="The same key answers the same batch, paying nothing more."
    )

    def to_core(self) -> refund_payouts.RefundPayout:
        return refund_payouts.RefundPayout(
            self.department, self.region_code, self.paid_on, self.idempotency_key, self.reference
        )


@strawberry.input(description="Where a refund not yet paid is to be paid.")
class SetRefundPayeeInput:
    refund_id: strawberry.ID
    account: PayeeAccountInput


@strawberry.input(description="A refund of a reversed payment (应追回), collected back from the person.")
class RecordRecoveryInput:
    recovery_id: strawberry.ID
    recovered_on: date
    reference: str = strawberry.field(description="The receipt or transfer reference of the money recovered.")


@strawberry.input(description="Ends an enrolment; a refund on request where the policy allows one.")
class TerminateEnrolmentInput:
    enrolment_id: strawberry.ID
    reason: str = strawberry.field(description="e.g. 死亡, 迁出, 参加职工医保.")
    requested_on: date
    refund: bool = strawberry.field(
        default=False,
        description="On the person's application, refund what was paid, net of what departments return "
        "for it, where the policy allows it (筑医保通〔2021〕34号 五（三）); `reason` states the case.",
    )
    idempotency_key: str | None = None
    payee_account: PayeeAccountInput | None = strawberry.field(
        default=None, description="Where the refund is to be paid."
    )

    def to_core(self) -> termination.TerminationInput:
        return termination.TerminationInput(
            parse_id(self.enrolment_id, "enrolmentId"),
            self.reason,
            self.requested_on,
            self.refund,
            self.idempotency_key,
            self.payee_account.to_core() if self.payee_account else None,
        )


@strawberry.type
class Query:
    @strawberry.field(
        description="Refunds owed, paid, outstanding and pending, and refunds to recover, per department "
        "and township, in or below `regionCode`. Null for a region outside the caller's scope."
    )
    def refund_ledger(
        self, info: strawberry.Info, region_code: str, coverage_year: int | None = None
    ) -> list[RefundLedgerRow] | None:
        ctx = info.context
        if not ctx.scope.covers(ctx.session, region_code):
            return None
        rows = refund_ledger.refund_ledger(ctx.session, ctx.scope, region_code, coverage_year)
        return [RefundLedgerRow(row=row) for row in rows]

    @strawberry.field(
        description="Fully subsidised persons the tax office declares at zero "
        "(零申报, 筑医保通〔2021〕34号 四（二）). Null for a region outside the caller's scope."
    )
    def zero_declarations(
        self, info: strawberry.Info, region_code: str, coverage_year: int
    ) -> list[ZeroDeclaration] | None:
        ctx = info.context
        if not ctx.scope.covers(ctx.session, region_code):
            return None
        rows = zero_declaration.zero_declarations(ctx.session, ctx.scope, region_code, coverage_year)
        return [ZeroDeclaration(row=row) for row in rows]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Pays every refund a department owes in a region as one batch.")
    def pay_refunds(self, info: strawberry.Info, input: PayRefundsInput) -> RefundBatchResult:
        ctx = info.context
        return attempt(
            RefundBatch.of,
            lambda: refund_payouts.pay_refunds(ctx.engine, ctx.actor, input.to_core(), ctx.registry),
        )

    @strawberry.mutation(
        description="Records where a refund not yet paid is to be paid (一卡通 or bank card)."
    )
    def set_refund_payee(self, info: strawberry.Info, input: SetRefundPayeeInput) -> RefundResult:
        ctx = info.context
        return attempt(
            Refund.of,
            lambda: refund_payouts.set_refund_payee(
                ctx.engine, ctx.actor, parse_id(input.refund_id, "refundId"), input.account.to_core()
            ),
        )

    @strawberry.mutation(description="Records a refund of a reversed payment as recovered (已追回), once.")
    def record_recovery(self, info: strawberry.Info, input: RecordRecoveryInput) -> RefundResult:
        ctx = info.context
        return attempt(
            Refund.of,
            lambda: refund_payouts.record_recovery(
                ctx.engine,
                ctx.actor,
                parse_id(input.recovery_id, "recoveryId"),
                input.recovered_on,
                input.reference,
            ),
        )

    @strawberry.mutation(
        description="Ends an enrolment, with a refund on request where the policy allows it."
    )
    def terminate_enrolment(self, info: strawberry.Info, input: TerminateEnrolmentInput) -> EnrolmentResult:
        ctx = info.context
        return attempt(
            Enrolment.of,
            lambda: termination.terminate_enrolment(ctx.engine, ctx.actor, ctx.registry, input.to_core()),
        )
