"""Refunds: paid in batches, their ledger, ending an enrolment with a refund, the zero-declaration list."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from core.services import refunds, termination, zero_declaration

from .ids import parse_id
from .mutations import EnrolmentResult, _attempt
from .types.enrolment import Enrolment
from .types.errors import InputErrors
from .types.refund import RefundBatch, RefundLedgerRow, ZeroDeclaration

RefundBatchResult = Annotated[RefundBatch | InputErrors, strawberry.union("RefundBatchResult")]


@strawberry.input(description="Pays everything a department owes back in a region, as one batch.")
class PayRefundsInput:
    department: str = strawberry.field(
        description="CIVIL_AFFAIRS (低保), FINANCE (建档立卡) per 方政办明电〔2021〕35号 五（二）; "
        "TAX for refunds on termination."
    )
    region_code: str = strawberry.field(description="The refunds of enrolments in or below this region.")
    paid_on: date
    idempotency_key: str = strawberry.field(
        description="The same key answers the same batch, paying nothing more."
    )

    def to_core(self) -> refunds.RefundPayout:
        return refunds.RefundPayout(self.department, self.region_code, self.paid_on, self.idempotency_key)


@strawberry.input(description="Ends an enrolment; a refund on request where the policy allows one.")
class TerminateEnrolmentInput:
    enrolment_id: strawberry.ID
    reason: str = strawberry.field(description="e.g. 死亡, 迁出, 参加职工医保.")
    requested_on: date
    refund: bool = strawberry.field(
        default=False,
        description="Refund what was paid; only before coverage starts and where the policy allows it "
        "(筑医保通〔2021〕34号 五（三）).",
    )
    idempotency_key: str | None = None

    def to_core(self) -> termination.TerminationInput:
        return termination.TerminationInput(
            parse_id(self.enrolment_id, "enrolmentId"),
            self.reason,
            self.requested_on,
            self.refund,
            self.idempotency_key,
        )


@strawberry.type
class RefundsQuery:
    @strawberry.field(
        description="Refunds owed, paid and outstanding per department and township, "
        "in or below `regionCode`. Null for a region outside the caller's scope."
    )
    def refund_ledger(
        self, info: strawberry.Info, region_code: str, coverage_year: int | None = None
    ) -> list[RefundLedgerRow] | None:
        ctx = info.context
        if not ctx.scope.covers(ctx.session, region_code):
            return None
        rows = refunds.refund_ledger(ctx.session, ctx.scope, region_code, coverage_year)
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
class RefundsMutation:
    @strawberry.mutation(description="Pays every refund a department owes in a region as one batch.")
    def pay_refunds(self, info: strawberry.Info, input: PayRefundsInput) -> RefundBatchResult:
        ctx = info.context
        return _attempt(RefundBatch.of, lambda: refunds.pay_refunds(ctx.engine, ctx.actor, input.to_core()))

    @strawberry.mutation(
        description="Ends an enrolment, with a refund on request where the policy allows it."
    )
    def terminate_enrolment(self, info: strawberry.Info, input: TerminateEnrolmentInput) -> EnrolmentResult:
        ctx = info.context
        return _attempt(
            Enrolment.of,
            lambda: termination.terminate_enrolment(ctx.engine, ctx.actor, ctx.registry, input.to_core()),
        )
