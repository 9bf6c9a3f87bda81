"""Resident ID numbers (GB 11643-1999): check digit, birth date and gender."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from stdnum.cn import ric


@dataclass(frozen=True)
class IdNumberFacts:
    number: str
    birth_date: date
    gender: str  # "M" or "F"; GB 11643 codes it in the parity of digit 17
    region_code: str  # the six-digit address code at issue


class InvalidIdNumber(ValueError):
    pass


# GB/T 2260 province codes. The rest of the address code is not checked: python-stdnum's
# table lacks codes created since (东至县 341721 among them), and those IDs are real.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "  # noqa: SIM905
    "61 62 63 64 65 71 81 82".split()
)


def parse_id_number(value: str) -> IdNumberFacts:
    value = value or ""
    # python-stdnum's compact maps look-alike characters to ASCII one by one (` to '); for other
    # ASCII text it comes down to upper() and strip(), and an import parses every row's number.
    fast = value.isascii() and "`" not in value
    number = value.upper().strip() if fast else ric.compact(value).upper()
    if len(number) != 18:
        raise InvalidIdNumber("应为18位")
    body = number[:17]
    if not (body.isascii() and body.isdigit()) or number[17] not in "0123456789X":
        raise InvalidIdNumber("格式错误")
    if number[17] != ric.calc_check_digit(number):
        raise InvalidIdNumber("校验码错误")
    if number[:2] not in PROVINCES:
        raise InvalidIdNumber("地址码无效")
    try:
        birth_date = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:  # as ric.get_birth_date reads it, without compacting again
        raise InvalidIdNumber("出生日期无效") from exc
    return IdNumberFacts(
        number=number,
        birth_date=birth_date,
        gender="M" if int(number[16]) % 2 else "F",
        region_code=number[:6],
    )


def mask_id_number(number: str | None) -> str | None:
    """Keeps the first four and last four characters, as offices print them."""
    if not number:
        return number
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(number: str | None) -> str | None:
    """Keeps the first three and last four digits: 138****5678."""
    if not number or len(number) < 8:
        return "*" * len(number) if number else number
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_account(number: str | None) -> str | None:
    """A bank or 一卡通 account: only its last four digits, ****1234."""
    if not number:
        return number
    return "*" * max(len(number) - 4, 0) + number[-4:]


def mask_name(name: str | None) -> str | None:
    """For lists posted in public (张榜公示): 张*三 keeps the first and last character, 张* for two."""
    if not name:
        return name
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def coarsen_birth_date(value: Any, born: date | None) -> Any:
    """`value` with the birth date `born` withheld: a date equal to it becomes None, and its ISO
    text inside a string, list or dict keeps the year only (1975-**-**).

    The mask keeps digits 1–4 and 15–18 of an ID number; digits 7–14 are the birth date and
    5–6 the county, which the caller's own region usually gives away. A birth date shown
    anywhere — a coverage starting at birth, a quote kept in a snapshot, a row in the audit
    trail — would leave about one candidate for the hidden digits once the check digit is
    applied; the year alone leaves some thirty.
    """
    if born is None or value is None:
        return value
    if isinstance(value, date):
        return None if value == born else value
    if isinstance(value, str):
        return value.replace(born.isoformat(), f"{born.year}-**-**")
    if isinstance(value, dict):
        return {key: coarsen_birth_date(item, born) for key, item in value.items()}
    if isinstance(value, list):
        return [coarsen_birth_date(item, born) for item in value]
    return value
