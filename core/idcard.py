"""Resident ID numbers (GB 11643-1999): check digit, birth date and gender."""

from dataclasses import dataclass
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric


@dataclass(frozen=True)
class IdNumberFacts:
    number: str
    birth_date: date
    gender: str  # "M" or "F"; GB 11643 codes it in the parity of digit 17
    region_code: str  # the six-digit address code at issue


class InvalidIdNumber(ValueError):
    pass


_REASONS = {
    stdnum_errors.InvalidChecksum: "校验码错误（check digit does not match）",
    stdnum_errors.InvalidLength: "应为18位（must be 18 characters）",
    stdnum_errors.InvalidFormat: "格式错误（only digits, last may be X）",
    stdnum_errors.InvalidComponent: "出生日期无效（birth date part is not a real date）",
}


def parse_id_number(value: str) -> IdNumberFacts:
    compact = ric.compact(value or "").upper()
    if len(compact) != 18:
        raise InvalidIdNumber(_REASONS[stdnum_errors.InvalidLength])
    try:
        number = ric.validate(compact)
    except stdnum_errors.ValidationError as exc:
        reason = next((text for kind, text in _REASONS.items() if isinstance(exc, kind)), str(exc))
        raise InvalidIdNumber(reason) from exc
    return IdNumberFacts(
        number=number,
        birth_date=ric.get_birth_date(number),
        gender="M" if int(number[16]) % 2 else "F",
        region_code=number[:6],
    )


def mask_id_number(number: str | None) -> str | None:
    """Keeps the first four and last four characters, as offices print them."""
    if not number:
        return number
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
