"""Collection targets (征缴任务数) and bases (征收基数) per region and year, loaded from a file.

The notices' own task tables are policy data (`Policy.targets`); a row here, loaded by an office,
takes precedence over the policy's figure for the same region, year and kind.
"""

from datetime import datetime

from sqlmodel import CheckConstraint, Field, SQLModel, UniqueConstraint

from ..statuses import TargetKind, sql_in
from .base import utcnow


class Target(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("region_code", "coverage_year", "kind", name="uq_target_region_year_kind"),
        CheckConstraint(f"kind IN {sql_in(TargetKind)}", name="kind"),
        CheckConstraint("headcount >= 0", name="headcount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    region_code: str = Field(foreign_key="region.code", index=True, max_length=12)
    coverage_year: int
    kind: str = Field(default=TargetKind.TARGET, max_length=8)
    headcount: int
    # Where the figure comes from, e.g. the file it was loaded from or a document and clause.
    source: str = Field(max_length=200)
    actor: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
