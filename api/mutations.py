"""Write side: each mutation is one core service call, answering the object or typed errors."""

from __future__ import annotations

from typing import Annotated

import strawberry

from yibao.core.auth import Role
from yibao.core.errors import InputError
from yibao.core.services import categories, enrolments, household_payments, households, payments

from .ids import parse_id
from .inputs import (
    EnrolHouseholdInput,
    EnrolInput,
    PayHouseholdInput,
    RecordCategoryInput,
    RecordPaymentInput,
    RegisterHouseholdInput,
    ReversePaymentInput,
)
from .types.enrolment import Enrolment
from .types.errors import InputErrors
from .types.household import Household
from .types.payment import Payment
from .types.person import Person

HouseholdResult = Annotated[Household | InputErrors, strawberry.union("HouseholdResult")]
PersonResult = Annotated[Person | InputErrors, strawberry.union("PersonResult")]
EnrolmentResult = Annotated[Enrolment | InputErrors, strawberry.union("EnrolmentResult")]
PaymentResult = Annotated[Payment | InputErrors, strawberry.union("PaymentResult")]


@strawberry.type(description="The enrolments of one household, made together.")
class HouseholdEnrolments:
    enrolments: list[Enrolment]

    @classmethod
    def of(cls, rows) -> HouseholdEnrolments:
        return cls(enrolments=[Enrolment.of(row) for row in rows])


HouseholdEnrolmentResult = Annotated[
    HouseholdEnrolments | InputErrors, strawberry.union("HouseholdEnrolmentResult")
]


@strawberry.type(description="The payments of one household, made together: one per member who owed.")
class HouseholdPayments:
    payments: list[Payment]

    @classmethod
    def of(cls, rows) -> HouseholdPayments:
        return cls(payments=[Payment.of(row) for row in rows])


HouseholdPaymentResult = Annotated[
    HouseholdPayments | InputErrors, strawberry.union("HouseholdPaymentResult")
]


def _attempt(wrap, call):
    try:
        return wrap(call())
    except InputError as exc:
        return InputErrors.of(exc)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Registers a household (户) with its members; exactly one is head.")
    def register_household(self, info: strawberry.Info, input: RegisterHouseholdInput) -> HouseholdResult:
        ctx = info.context
        return _attempt(
            Household.of, lambda: households.register_household(ctx.engine, ctx.actor, input.to_core())
        )

    @strawberry.mutation(description="Makes another member the head; the old head stays a member.")
    def change_head(
        self, info: strawberry.Info, household_id: strawberry.ID, person_id: strawberry.ID
    ) -> HouseholdResult:
        ctx = info.context
        return _attempt(
            Household.of,
            lambda: households.change_head(
                ctx.engine, ctx.actor, parse_id(household_id, "householdId"), parse_id(person_id, "personId")
            ),
        )

    @strawberry.mutation(description="Moves a person into another household and its address region.")
    def move_person(
        self,
        info: strawberry.Info,
        person_id: strawberry.ID,
        household_id: strawberry.ID,
        relation: str | None = None,
    ) -> PersonResult:
        ctx = info.context
        return _attempt(
            Person.of,
            lambda: households.move_person(
                ctx.engine,
                ctx.actor,
                parse_id(person_id, "personId"),
                parse_id(household_id, "householdId"),
                relation,
            ),
        )

    @strawberry.mutation(description="Enrols a person for a year, once; a retried key records nothing.")
    def enrol(self, info: strawberry.Info, input: EnrolInput) -> EnrolmentResult:
        ctx = info.context
        return _attempt(
            Enrolment.of, lambda: enrolments.enrol(ctx.engine, ctx.actor, input.to_core(), ctx.registry)
        )

    @strawberry.mutation(
        description="Enrols members of a household in one transaction, all or none; the policy decides "
        "whether the whole household must enrol (e.g. 贵医保组〔2023〕1号 三8)."
    )
    def enrol_household(self, info: strawberry.Info, input: EnrolHouseholdInput) -> HouseholdEnrolmentResult:
        ctx = info.context
        return _attempt(
            HouseholdEnrolments.of,
            lambda: enrolments.enrol_household(ctx.engine, ctx.actor, input.to_core(), ctx.registry),
        )

    @strawberry.mutation(
        description="Records a hardship identity; a department may record only its own categories."
    )
    def record_category(self, info: strawberry.Info, input: RecordCategoryInput) -> PersonResult:
        ctx = info.context
        principal = ctx.principal
        department = principal.department if principal.role is Role.ROSTER_UPLOADER else None
        return _attempt(
            Person.of,
            lambda: categories.record_category(
                ctx.engine, ctx.actor, input.to_core(), ctx.registry.categories, department
            ),
        )

    @strawberry.mutation(description="Records a payment; the same idempotency key returns the first one.")
    def record_payment(self, info: strawberry.Info, input: RecordPaymentInput) -> PaymentResult:
        ctx = info.context
        return _attempt(
            Payment.of, lambda: payments.record_payment(ctx.engine, ctx.actor, input.to_core(), ctx.registry)
        )

    @strawberry.mutation(
        description="Pays for every member of a household who owes the year, each at their own amount "
        "due, all or none; the only way to pay where the policy makes households pay whole "
        "(贵医保组〔2023〕1号 三8)."
    )
    def pay_household(self, info: strawberry.Info, input: PayHouseholdInput) -> HouseholdPaymentResult:
        ctx = info.context
        return _attempt(
            HouseholdPayments.of,
            lambda: household_payments.pay_household(ctx.engine, ctx.actor, input.to_core(), ctx.registry),
        )

    @strawberry.mutation(description="Cancels a payment with a reversal entry; the ledger is never edited.")
    def reverse_payment(self, info: strawberry.Info, input: ReversePaymentInput) -> PaymentResult:
        ctx = info.context
        return _attempt(Payment.of, lambda: payments.reverse_payment(ctx.engine, ctx.actor, input.to_core()))
