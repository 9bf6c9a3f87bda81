from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from core import models
from core.money import fen_to_yuan

from .base import Entity


@strawberry.type(description="Money owed back to the person, and by which department (先征后返).")
class Refund(Entity):
    row: strawberry.Private[models.Refund]

    @strawberry.field(description="COLLECT_THEN_REFUND or TERMINATION.")
    def kind(self) -> str:
        return self.row.kind

    @strawberry.field
    def amount(self) -> Decimal:
        return fen_to_yuan(self.row.amount_fen)

    @strawberry.field(
        description="e.g. CIVIL_AFFAIRS for 低保, FINANCE for 脱贫人口 (方政办明电〔2021〕35号 五（二）)."
    )
    def department(self) -> str | None:
        return self.row.department

    @strawberry.field(description="OWED or PAID.")
    def status(self) -> str:
        return self.row.status

    @strawberry.field
    def reason(self) -> str | None:
        return self.row.reason

    @strawberry.field
    def paid_on(self) -> date | None:
        return self.row.paid_on
