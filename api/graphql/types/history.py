"""A person's enrolment history: the imported 参保底表 rows and the continuity yibao computes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from yibao.core import models
from yibao.core.money import fen_to_yuan

from .base import Entity
from .region import Region


@strawberry.type(
    description="One year of the 参保底表 imported from the national platform, for a year yibao holds no "
    "policy for (东政办〔2021〕6号 四（六）1)."
)
class HistoryRecord(Entity, model=models.EnrolmentHistory):
    row: strawberry.Private[models.EnrolmentHistory]

    @strawberry.field
    def coverage_year(self) -> int:
        return self.row.coverage_year

    @strawberry.field(description="PAID (参保缴费), UNPAID (登记未缴) or STOPPED (停保).")
    def status(self) -> str:
        return self.row.status

    @strawberry.field(description="Yuan paid, as the base table says; null when it does not say.")
    def amount_paid(self) -> Decimal | None:
        fen = self.row.amount_paid_fen
        return None if fen is None else fen_to_yuan(fen)

    @strawberry.field
    def paid_on(self) -> date | None:
        return self.row.paid_on

    @strawberry.field
    async def region(self, info: strawberry.Info) -> Region:
        return Region.of(await info.context.loaders.region.load(self.row.region_code))

    @strawberry.field(description="The import job that brought it.")
    def import_job_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.import_job_id))


@strawberry.type(
    description="A person's enrolment history before a coverage year, computed from the register and the "
    "imported 参保底表 as your region sees them; the facts the 2025 rules (国办发〔2024〕38号) read."
)
class ContinuityFacts:
    coverage_year: int
    continuous_years: int = strawberry.field(description="Consecutive years enrolled right before the year.")
    lapsed_years: int = strawberry.field(
        description="Years not enrolled right before the year, after the last year enrolled (断保年数)."
    )
    zero_claim_years: int = strawberry.field(
        description="Years of the current run on a zero-claim list (基金零报销) governing the region."
    )
    years_enrolled: list[int] = strawberry.field(description="Every earlier year on record as enrolled.")
    person_id: strawberry.Private[int] = 0  # whose history it is: what the access log records as read
