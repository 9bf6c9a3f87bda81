"""Deposit slips (缴款单): a village's collected cash paid in at a credit-union branch.

方政办明电〔2021〕35号 四（三）: "各信用社网点在缴款单上备注清楚：**行政村（社区）、经办人等信息"; 四（四）
reconciles the village's collection roster against these slips.
"""

from datetime import date, datetime

from sqlmodel import CheckConstraint, Field, SQLModel

from .base import utcnow


class DepositSlip(SQLModel, table=True):
    __tablename__ = "deposit_slip"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount"),)

    id: int | None = Field(default=None, primary_key=True)
    slip_number: str = Field(unique=True, max_length=40)
    region_code: str = Field(foreign_key="region.code", index=True, max_length=12)  # the village
    coverage_year: int
    amount_fen: int
    deposited_on: date
    branch: str | None = Field(default=None, max_length=64)  # 信用社网点
    handler: str | None = Field(default=None, max_length=64)  # 经办人
    actor: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
