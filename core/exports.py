"""Tables for offices: rows under Chinese headings, written as CSV or XLSX while they stream.

CSV is UTF-8 with a byte-order mark, so Excel opens Chinese text correctly; amounts keep two
decimal places and dates are ISO. XLSX is written by openpyxl in write-only mode (rows go
straight to the file, memory stays flat); amounts are numbers shown with two decimals and
dates are dates. Reports reuse this for any table.

Every table an office downloads goes through here (the HTTP exports, the CLI's `-o` files and
import reports), so one rule keeps formulas out of them (OWASP "CSV injection"): text that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be read by Excel as a formula
(`=HYPERLINK(…)` in a name sends a row to a stranger's server). In CSV such text is prefixed
with a single quote; in XLSX it is written as a text cell with Excel's quote prefix, so it
shows as typed and stays text when edited. Only text is touched: amounts, counts and dates
stay numbers and dates, and an ID number is text that never starts with one of these.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

FORMATS = ("xlsx", "csv")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_CENT = Decimal("0.01")
_RATE = Decimal("0.0001")  # rates to four places, as core/reports/source.py rate() gives them
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read this text as a formula."""
    return text.startswith(FORMULA_STARTS)


class Percent(Decimal):
    """A rate: the fraction 0.9512 everywhere — in GraphQL, as the CSV's text and as the XLSX
    cell's value, which Excel shows as 95.12% by the cell's format."""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Percent):
        return str(value.quantize(_RATE))
    if isinstance(value, Decimal):
        return str(value.quantize(_CENT))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (int, float)):  # a number, even a negative one, is no formula
        return str(value)
    text = str(value)
    return "'" + text if formula_like(text) else text


def csv_chunks(headings: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """The CSV as byte chunks (BOM first), a few hundred rows at a time: for streaming responses."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([_text(heading) for heading in headings])
    for count, row in enumerate(rows, 1):
        writer.writerow([_text(value) for value in row])
        if count % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_csv(target: BinaryIO, headings: Sequence[str], rows: Iterable[Sequence]) -> None:
    for chunk in csv_chunks(headings, rows):
        target.write(chunk)


def write_xlsx(
    target: BinaryIO | str, headings: Sequence[str], rows: Iterable[Sequence], title: str = "Sheet1"
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(re.sub(r"[\\/?*\[\]:]", "_", title)[:31] or "Sheet1")
    bold = Font(bold=True)
    header = []
    for heading in headings:
        cell = _text_cell(sheet, str(heading))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    workbook.save(target)


def _cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, Percent):
        cell = WriteOnlyCell(sheet, value=Decimal(value))
        cell.number_format = "0.00%"
        return cell
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value.quantize(_CENT))
        cell.number_format = "0.00"
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, (int, float)) or value is None:
        return value
    text = str(value)
    return _text_cell(sheet, text) if formula_like(text) else text  # a plain value is cheaper


def _text_cell(sheet, text: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=text)
    if formula_like(text):
        cell.data_type = "s"  # openpyxl would store text starting with "=" as a formula
        cell.quotePrefix = True  # and Excel keeps it text when the clerk edits the cell
    return cell


def write(
    target: BinaryIO, fmt: str, headings: Sequence[str], rows: Iterable[Sequence], title: str = ""
) -> None:
    """Writes `rows` under `headings` to a binary file in `fmt` (xlsx or csv)."""
    if fmt == "csv":
        write_csv(target, headings, rows)
    elif fmt == "xlsx":
        write_xlsx(target, headings, rows, title or "Sheet1")
    else:
        raise ValueError(f"unknown format {fmt!r} (xlsx or csv)")
