"""Importing the tax office's payment confirmations (完税凭证) in bulk, to reconcile against our receipts.

方政办明电〔2021〕35号 四（五）: 征缴办公室 imports the rosters and makes the 征集流水号, and 税务局
根据征集流水号完成开票、入库; 五（二）: 县税务局 does the 开票入库 of the collection. What the tax office
reports back — electronic tax ticket number (电子税票号码), our receipt number, amount, treasury
date (入库日期) — is stored here and compared with the ledger by core/reports/tax.py.

Each row is judged on its own: IMPORTED, UNCHANGED (the same ticket with the same content is
already stored), or REFUSED naming the field and why. Valid rows are stored, refused rows store
nothing; a region outside the caller's scope refuses the whole request.
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from .. import audit
from ..audit import Actor
from ..errors import ErrorCode, FieldError, InputError
from ..models import TaxConfirmation
from ..money import yuan_to_fen
from ..statuses import ImportOutcome
from .persons import region_errors
from .unit import unit_of_work

# Ticket and receipt numbers as the tax system prints them. No notice fixes their format, so only
# what the columns hold is required: 1–40 letters, digits or hyphens (our receipts read
# 341702-2024-00000001, core/receipts.py).
NUMBER = re.compile(r"^[0-9A-Za-z-]{1,40}$")
# A technical bound on one request, not a figure of any notice: larger files go in several calls.
MAX_ROWS = 5000


Outcome = ImportOutcome  # a confirmation row's outcome is an imported row's


@dataclass(frozen=True)
class ConfirmationInput:
    ticket_number: str
    receipt_number: str
    amount: Decimal | str | None  # yuan
    treasury_date: date | None


@dataclass(frozen=True)
class RowResult:
    index: int  # the row's position in the request, from 0
    ticket_number: str
    outcome: Outcome
    errors: tuple[FieldError, ...] = ()  # for REFUSED: fields under `confirmations.<index>.`


@dataclass
class ImportResult:
    region_code: str
    rows: list[RowResult] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome is outcome)


@dataclass(frozen=True)
class _Valid:
    ticket_number: str
    receipt_number: str
    amount_fen: int
    treasury_date: date


def import_confirmations(
    engine: Engine,
    actor: Actor,
    region_code: str,
    confirmations: Sequence[ConfirmationInput],
    today: date | None = None,
) -> ImportResult:
    """Stores the valid confirmations for a region the caller's scope covers; refuses the others per row."""
    today = today or date.today()
    if len(confirmations) > MAX_ROWS:
        raise InputError.one("confirmations", ErrorCode.INVALID, f"一次最多导入 {MAX_ROWS} 条")
    checked = _check_rows(confirmations, today)
    for attempt in range(2):
        try:
            with unit_of_work(engine, actor) as session:
                if errors := region_errors(session, "regionCode", region_code):
                    raise InputError(errors)
                return _store(session, actor, region_code, checked)
        except IntegrityError:  # a simultaneous import stored one of these tickets first: judge again
            if attempt:
                raise
    raise AssertionError("unreachable")


def _check_rows(
    confirmations: Sequence[ConfirmationInput], today: date
) -> list[tuple[str, _Valid | list[FieldError]]]:
    """Each row's ticket number and either its valid content or its errors, before any read."""
    tickets = [(c.ticket_number or "").strip() for c in confirmations]
    repeated = {ticket for ticket, n in Counter(tickets).items() if n > 1 and ticket}
    checked = []
    for ticket, row in zip(tickets, confirmations, strict=True):
        errors = _row_errors(ticket, row, today)
        if ticket in repeated:  # which of the copies is right is not ours to guess: all are refused
            errors.append(
                FieldError(
                    "ticketNumber",
                    ErrorCode.DUPLICATE,
                    f"电子税票号码 {ticket} 在本批中出现多次",
                )
            )
        if errors:
            checked.append((ticket, errors))
            continue
        valid = _Valid(ticket, row.receipt_number.strip(), yuan_to_fen(row.amount), row.treasury_date)
        checked.append((ticket, valid))
    return checked


def _row_errors(ticket: str, row: ConfirmationInput, today: date) -> list[FieldError]:
    errors = _number_errors("ticketNumber", "电子税票号码", ticket)
    errors += _number_errors("receiptNumber", "收据号", (row.receipt_number or "").strip())
    errors += _amount_errors(row.amount)
    if row.treasury_date is None:
        errors.append(FieldError("treasuryDate", ErrorCode.REQUIRED, "请填写入库日期"))
    elif row.treasury_date > today:
        errors.append(
            FieldError(
                "treasuryDate",
                ErrorCode.INVALID,
                f"入库日期 {row.treasury_date} 晚于今天",
            )
        )
    return errors


def _number_errors(field: str, name: str, value: str) -> list[FieldError]:
    if not value:
        return [FieldError(field, ErrorCode.REQUIRED, f"请填写{name}")]
    if not NUMBER.match(value):
        return [
            FieldError(
                field,
                ErrorCode.INVALID,
                f"{name}只能由不超过 40 个字母、数字或连字符组成",
            )
        ]
    return []


def _amount_errors(amount: Decimal | str | None) -> list[FieldError]:
    if amount is None or amount == "":
        return [FieldError("amount", ErrorCode.REQUIRED, "请填写金额")]
    try:
        fen = yuan_to_fen(amount)
    except ValueError:
        return [FieldError("amount", ErrorCode.INVALID, "金额须为最多两位小数的数字")]
    if fen < 0:
        return [FieldError("amount", ErrorCode.INVALID, "金额不能为负数")]
    return []


def _store(
    session: Session, actor: Actor, region_code: str, checked: list[tuple[str, _Valid | list[FieldError]]]
) -> ImportResult:
    tickets = [valid.ticket_number for _, valid in checked if isinstance(valid, _Valid)]
    # Ticket numbers are unique across all regions: a ticket stored by another office conflicts too.
    stored = {
        row.ticket_number: row
        for row in session.exec(
            select(TaxConfirmation).where(col(TaxConfirmation.ticket_number).in_(tickets))
        )
    }
    result = ImportResult(region_code)
    for index, (ticket, valid) in enumerate(checked):
        if not isinstance(valid, _Valid):
            errors = tuple(e.under(f"confirmations.{index}") for e in valid)
            result.rows.append(RowResult(index, ticket, Outcome.REFUSED, errors))
            continue
        existing = stored.get(ticket)
        if existing is None:
            confirmation = TaxConfirmation(
                ticket_number=valid.ticket_number,
                receipt_number=valid.receipt_number,
                amount_fen=valid.amount_fen,
                treasury_date=valid.treasury_date,
                region_code=region_code,
                actor=actor.name[:64],
            )
            session.add(confirmation)
            audit.record(session, actor, "import_tax_confirmation", confirmation)
            result.rows.append(RowResult(index, ticket, Outcome.IMPORTED))
        elif _same(existing, valid, region_code):
            result.rows.append(RowResult(index, ticket, Outcome.UNCHANGED))
        else:
            conflict = FieldError(
                f"confirmations.{index}.ticketNumber",
                ErrorCode.CONFLICT,
                f"电子税票号码 {ticket} 已导入，内容不同",
            )
            result.rows.append(RowResult(index, ticket, Outcome.REFUSED, (conflict,)))
    return result


def _same(row: TaxConfirmation, valid: _Valid, region_code: str) -> bool:
    return (row.receipt_number, row.amount_fen, row.treasury_date, row.region_code) == (
        valid.receipt_number,
        valid.amount_fen,
        valid.treasury_date,
        region_code,
    )
