"""Column headers as offices write them, mapped to canonical fields; cell values parsed.

Rosters come from six departments and every county, so a column is found by any of the
names it goes by (身份证号码, 身份证号, 公民身份号码 …), spaces, asterisks and full-width
brackets ignored. Values arrive as text (CSV), or as numbers and dates (XLSX cells).
"""

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from ..errors import ErrorCode, FieldError, InputError

_NOISE = re.compile(r"[\s*＊:：]+")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")"})


def normalise_header(value) -> str:
    """`' 身份证号码（必填）* '` → `身份证号码(必填)`; English names lower-cased."""
    if value is None:
        return ""
    return _NOISE.sub("", str(value).translate(_BRACKETS)).lower()


def map_headers(
    headers: Sequence, fields: Mapping[str, tuple[str, ...]], required: Sequence[str]
) -> dict[str, int]:
    """Canonical field → column index. A missing required column refuses the whole file."""
    names = [normalise_header(h) for h in headers]
    columns: dict[str, int] = {}
    for field, aliases in fields.items():
        wanted = {normalise_header(a) for a in (field, *aliases)}
        for index, name in enumerate(names):
            # "身份证号码(必填)" still names 身份证号码: a bracketed note after the name is ignored.
            if name in wanted or name.split("(")[0] in wanted:
                columns[field] = index
                break
    missing = [field for field in required if field not in columns]
    if missing:
        raise InputError(
            [
                FieldError(
                    field,
                    ErrorCode.REQUIRED,
                    f"缺少“{fields[field][0]}”列（missing column {field}; accepted headers: "
                    f"{'、'.join(fields[field])}）",
                )
                for field in missing
            ]
        )
    return columns


def clean(value):
    """A cell as the handler sees it: text stripped, blank → None, other types kept."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip().replace("\u3000", "")
        return value or None
    return value


_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's phantom 1900-02-29


def parse_date(value) -> date | None:
    """`2023-08-31`, `2023/8/31`, `2023.8.31`, `2023年8月31日`, `20230831`, an Excel date cell
    or date serial number; None for a blank cell. Raises ValueError for anything else."""
    value = clean(value)
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 20000 <= value <= 80000:  # 1954–2119 as a serial number
            return date.fromordinal(EXCEL_EPOCH.toordinal() + int(value))
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = str(value)
    if " " in text:  # "2023-08-31 00:00:00" as a date cell typed as text
        text = text.split(" ")[0]
    # `2023-08-31`, as most rosters write it, without the regular expressions (an import parses
    # a date or two per row): the first form's answer for such text.
    if len(text) == 10 and text[4] == "-" == text[7] and text.isascii():
        year, month, day = text[:4], text[5:7], text[8:]
        if year.isdigit() and month.isdigit() and day.isdigit():
            return date(int(year), int(month), int(day))  # ValueError for 2023-02-30
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            year, month, day = map(int, match.groups())
            return date(year, month, day)  # ValueError for 2023-02-30
    raise ValueError(f"无法识别的日期 {text}（use 2023-08-31, 2023/8/31, 2023.8.31 or 2023年8月31日）")


def parse_id_text(value) -> str | None:
    """An ID number as text: a number cell (Excel drops nothing for 18 digits only as text,
    but a numeric cell still arrives), `'341721…` with the apostrophe clerks type, spaces."""
    value = clean(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        # A float has lost the last digits of an 18-digit number; keep what it shows so the
        # check digit refuses it with a reason instead of guessing.
        return format(Decimal(value), "f").split(".")[0]
    return str(value).lstrip("'‘’`").replace(" ", "").upper()


def parse_int(value) -> int | None:
    """`2`, `2.0`, `二级`/`2级`/`一`…`四` (disability grades); None for blank."""
    value = clean(value)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer():
            return int(value)
        raise ValueError(f"应为整数：{value}")
    text = str(value).removesuffix("级").removeprefix("第")
    numerals = {"一": 1, "二": 2, "三": 3, "四": 4, "壹": 1, "贰": 2, "叁": 3, "肆": 4}
    if text in numerals:
        return numerals[text]
    if text.isascii() and text.isdigit():
        return int(text)
    raise ValueError(f"应为整数：{value}")
