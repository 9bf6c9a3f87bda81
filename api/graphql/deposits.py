"""Deposit slips (缴款单) over GraphQL: a village's collected cash paid in at a credit-union branch.

方政办明电〔2021〕35号 四（三） names the slip and what it notes (village, handler); 四（四） reconciles
the village's collection roster against the slips (report `henanThreeParty`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from yibao.core.money import fen_to_yuan
from yibao.core.services import deposit_slips

from .errors import InputErrors, attempt


@strawberry.input(description="One 缴款单 as the credit-union branch wrote it.")
class DepositSlipInput:
    slip_number: str = strawberry.field(description="The slip's number; unique.")
    region_code: str = strawberry.field(description="The village (行政村/社区) the slip names.")
    amount: Decimal = strawberry.field(description="Yuan, more than zero, at most two decimal places.")
    deposited_on: date
    branch: str | None = strawberry.field(default=None, description="信用社网点.")
    handler: str | None = strawberry.field(default=None, description="经办人.")

    def to_core(self) -> deposit_slips.SlipInput:
        return deposit_slips.SlipInput(
            self.slip_number, self.region_code, self.amount, self.deposited_on, self.branch, self.handler
        )


@strawberry.input(description="Deposit slips of one coverage year, recorded all together or not at all.")
class RecordDepositSlipsInput:
    coverage_year: int
    slips: list[DepositSlipInput]

    def to_core(self) -> deposit_slips.SlipBatch:
        return deposit_slips.SlipBatch(self.coverage_year, [slip.to_core() for slip in self.slips])


@strawberry.type(description="A stored deposit slip (缴款单, 方政办明电〔2021〕35号 四（三）).")
class DepositSlip:
    outcome: strawberry.Private[deposit_slips.SlipOutcome]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.outcome.slip.id))

    @strawberry.field
    def slip_number(self) -> str:
        return self.outcome.slip.slip_number

    @strawberry.field(description="The village.")
    def region_code(self) -> str:
        return self.outcome.slip.region_code

    @strawberry.field
    def coverage_year(self) -> int:
        return self.outcome.slip.coverage_year

    @strawberry.field
    def amount(self) -> Decimal:
        return fen_to_yuan(self.outcome.slip.amount_fen)

    @strawberry.field
    def deposited_on(self) -> date:
        return self.outcome.slip.deposited_on

    @strawberry.field
    def branch(self) -> str | None:
        return self.outcome.slip.branch

    @strawberry.field
    def handler(self) -> str | None:
        return self.outcome.slip.handler

    @strawberry.field(description="False when the same slip was already stored and nothing changed.")
    def recorded(self) -> bool:
        return self.outcome.recorded


@strawberry.type(description="The slips of a batch, each recorded now or already stored.")
class DepositSlips:
    slips: list[DepositSlip]

    @classmethod
    def of(cls, outcomes: list[deposit_slips.SlipOutcome]) -> DepositSlips:
        return cls(slips=[DepositSlip(outcome=outcome) for outcome in outcomes])


DepositSlipsResult = Annotated[DepositSlips | InputErrors, strawberry.union("DepositSlipsResult")]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Records deposit slips (缴款单) for villages in the caller's region; the same slip again "
        "changes nothing, the same number with other content is a CONFLICT."
    )
    def record_deposit_slips(
        self, info: strawberry.Info, input: RecordDepositSlipsInput
    ) -> DepositSlipsResult:
        ctx = info.context
        return attempt(
            DepositSlips.of,
            lambda: deposit_slips.record_deposit_slips(ctx.engine, ctx.actor, input.to_core()),
        )
