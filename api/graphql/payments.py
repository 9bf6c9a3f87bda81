"""Payments: the append-only ledger, one person's payment or a household's, and reversals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from yibao.core import models, queries
from yibao.core import search as core_search
from yibao.core.ids import parse_id
from yibao.core.services import household_payments, payments
from yibao.core.services.household_payments import HouseholdPaymentInput
from yibao.core.services.payments import PaymentInput, ReversalInput

from .errors import InputErrors, attempt, refusing
from .masking import whole
from .refunds import PayeeAccountInput
from .types.enums import PaymentKind
from .types.ordering import PaymentOrder, to_core
from .types.pagination import Connection, paginate
from .types.payment import Payment

PaymentResult = Annotated[Payment | InputErrors, strawberry.union("PaymentResult")]


@strawberry.input
class RecordPaymentInput:
    enrolment_id: strawberry.ID
    amount: Decimal = strawberry.field(description="Yuan, at most two decimal places.")
    paid_on: date
    channel: str = strawberry.field(description="A channel code the policy names (`policies { channels }`).")
    idempotency_key: str = strawberry.field(
        description="Chosen by the client per payment; a retry with the same key records nothing new."
    )
    collector: str | None = None
    refund_account: PayeeAccountInput | None = strawberry.field(
        default=None,
        description="Where a collect-then-refund refund of this payment is to be paid, if known now.",
    )
    coverage_year: int | None = strawberry.field(
        default=None,
        description="The enrolment's coverage year, if the client has it: the enrolment is then looked "
        "for in that year only (an enrolment of another year is not found).",
    )

    def to_core(self) -> PaymentInput:
        return PaymentInput(
            enrolment_id=parse_id(self.enrolment_id, "enrolmentId"),
            amount=self.amount,
            paid_on=self.paid_on,
            channel=self.channel,
            idempotency_key=self.idempotency_key,
            collector=self.collector,
            refund_account=self.refund_account.to_core() if self.refund_account else None,
            coverage_year=self.coverage_year,
        )


@strawberry.input(
    description="Pays for every member of a household who owes the year, in one transaction: where the "
    "policy makes households pay whole (贵医保组〔2023〕1号 三8), the only way their members pay."
)
class PayHouseholdInput:
    household_id: strawberry.ID
    coverage_year: int
    amount: Decimal = strawberry.field(
        description="The total handed over; it must equal the sum of each owing member's amount due."
    )
    paid_on: date
    channel: str = strawberry.field(description="A channel code the policy names (`policies { channels }`).")
    idempotency_key: str = strawberry.field(
        description="One key for the household's payment; a retry with it records nothing new."
    )
    collector: str | None = None
    refund_account: PayeeAccountInput | None = strawberry.field(
        default=None, description="Where the members' collect-then-refund refunds are to be paid."
    )

    def to_core(self) -> HouseholdPaymentInput:
        return HouseholdPaymentInput(
            household_id=parse_id(self.household_id, "householdId"),
            coverage_year=self.coverage_year,
            amount=self.amount,
            paid_on=self.paid_on,
            channel=self.channel,
            idempotency_key=self.idempotency_key,
            collector=self.collector,
            refund_account=self.refund_account.to_core() if self.refund_account else None,
        )


@strawberry.input
class ReversePaymentInput:
    payment_id: strawberry.ID
    reason: str
    idempotency_key: str

    def to_core(self) -> ReversalInput:
        return ReversalInput(
            payment_id=parse_id(self.payment_id, "paymentId"),
            reason=self.reason,
            idempotency_key=self.idempotency_key,
        )


@strawberry.type(description="The payments of one household, made together: one per member who owed.")
class HouseholdPayments:
    payments: list[Payment]

    @classmethod
    def of(cls, rows) -> HouseholdPayments:
        return cls(payments=[Payment.of(row) for row in rows])


HouseholdPaymentResult = Annotated[
    HouseholdPayments | InputErrors, strawberry.union("HouseholdPaymentResult")
]


@strawberry.type
class Query:
    @strawberry.field(
        description="Payments and reversals of enrolments in `regionCode` and `coverageYear`, found by the "
        "person or the receipt number (`search`) and filtered; dates are the days paid, both ends included."
    )
    def payments(
        self,
        info: strawberry.Info,
        coverage_year: int | None = None,
        region_code: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        search: Annotated[
            str | None,
            strawberry.argument(description="What `persons(search:)` takes, or a receipt number (收据号)."),
        ] = None,
        kind: PaymentKind | None = None,
        channel: Annotated[str | None, strawberry.argument(description="A `channels` code.")] = None,
        paid_from: date | None = None,
        paid_to: date | None = None,
        order_by: PaymentOrder | None = None,
    ) -> Connection[Payment]:
        ctx = info.context
        with refusing():
            needle = None if search is None else core_search.parse(search, whole(info), receipts=True)
            where = queries.PaymentFilter(
                region_code=region_code,
                coverage_year=coverage_year,
                search=needle,
                kind=kind.value if kind else None,
                channel=channel,
                paid_from=paid_from,
                paid_to=paid_to,
            )
            statement = queries.search_payments(ctx.session, ctx.scope, where)
        order = to_core(info, models.Payment, order_by)
        return paginate(
            ctx.session,
            statement,
            models.Payment.id,
            first,
            after,
            Payment.of,
            last=last,
            before=before,
            order=order,
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Records a payment; the same idempotency key returns the first one.")
    def record_payment(self, info: strawberry.Info, input: RecordPaymentInput) -> PaymentResult:
        ctx = info.context
        return attempt(
            Payment.of, lambda: payments.record_payment(ctx.engine, ctx.actor, input.to_core(), ctx.registry)
        )

    @strawberry.mutation(
        description="Pays for every member of a household who owes the year, each at their own amount "
        "due, all or none; the only way to pay where the policy makes households pay whole "
        "(贵医保组〔2023〕1号 三8)."
    )
    def pay_household(self, info: strawberry.Info, input: PayHouseholdInput) -> HouseholdPaymentResult:
        ctx = info.context
        return attempt(
            HouseholdPayments.of,
            lambda: household_payments.pay_household(ctx.engine, ctx.actor, input.to_core(), ctx.registry),
        )

    @strawberry.mutation(description="Cancels a payment with a reversal entry; the ledger is never edited.")
    def reverse_payment(self, info: strawberry.Info, input: ReversePaymentInput) -> PaymentResult:
        ctx = info.context
        return attempt(Payment.of, lambda: payments.reverse_payment(ctx.engine, ctx.actor, input.to_core()))
