"""The tax office's payment confirmations (完税凭证): what it says it collected, to reconcile.

Each confirmation names the receipt number of our payment it confirms, the electronic tax
ticket number (电子税票号码), the amount and the date the money reached the treasury (入库日期).
"""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from .base import utcnow


class TaxConfirmation(SQLModel, table=True):
    __tablename__ = "tax_confirmation"

    id: int | None = Field(default=None, primary_key=True)
    ticket_number: str = Field(unique=True, max_length=40)
    receipt_number: str = Field(index=True, max_length=40)
    amount_fen: int
    treasury_date: date
    # The region whose office imported it: confirmations are scoped by it.
    region_code: str = Field(foreign_key="region.code", index=True, max_length=12)
    actor: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
