"""Object ids as clients send them: a global id (`node(id:)`), or the decimal row id of old.

Every table's id is an INTEGER, 32 bits on PostgreSQL (SQLAlchemy binds it as ::INTEGER), so a
larger number is no row's id; before this check a 10-digit id reached PostgreSQL as "integer out
of range" and a 20-digit one reached SQLite as an OverflowError, both unexpected errors.

A global id names the kind of object and its row — `Person:12` — base64-encoded, so clients treat
it as opaque (the Relay global object identification). Wherever an id is taken, the global id of
the right kind and the row id clients held before global ids existed are both accepted; the
global id of another kind (a household's given as `personId`) names no row.
"""

import base64
import binascii

from .errors import ErrorCode, InputError

MAX_ID = 2**31 - 1

# The kind of object an id argument names, by the argument's name (the last named part of its path).
KINDS = {
    "personId": "Person",
    "personIds": "Person",
    "householdId": "Household",
    "enrolmentId": "Enrolment",
    "paymentId": "Payment",
    "refundId": "Refund",
    "recoveryId": "Refund",
}


def _decimal(text: str) -> int | None:
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID)) and int(text) <= MAX_ID:
        return int(text)
    return None


# base64.urlsafe_b64encode, without its two Python calls: a page of households writes 140 ids.
_URLSAFE = bytes.maketrans(b"+/", b"-_")


def global_id(kind: str, row: int) -> str:
    return binascii.b2a_base64(f"{kind}:{row}".encode(), newline=False).translate(_URLSAFE).decode()


def global_ids(kind: str, rows: list[int]) -> list[str]:
    """`global_id` of each row, without a Python call per row."""
    encode, urlsafe = binascii.b2a_base64, _URLSAFE
    return [encode(f"{kind}:{row}".encode(), newline=False).translate(urlsafe).decode() for row in rows]


def from_global_id(value: object) -> tuple[str, int] | None:
    """The (kind, row id) a global id names, or None when `value` is not one."""
    try:
        kind, _, row = base64.urlsafe_b64decode(str(value).encode("ascii")).decode().partition(":")
    except (ValueError, UnicodeError, binascii.Error):
        return None
    found = _decimal(row)
    return (kind, found) if kind.isidentifier() and found is not None else None


def row_id(value: object, kind: str | None = None) -> int | None:
    """The row id `value` spells — decimal, or a global id of `kind` — or None (then no row has it)."""
    text = str(value)
    if (found := _decimal(text)) is not None:
        return found
    named = from_global_id(text)
    if named is not None and kind is not None and named[0] == kind:
        return named[1]
    return None


def kind_of(field: str) -> str | None:
    """The kind an id argument names: `members.1.personId` and `personIds.0` name persons."""
    named = [part for part in field.split(".") if not part.isdigit()]
    return KINDS.get(named[-1]) if named else None


def parse_id(value: object, field: str) -> int:
    """An id the caller gave, named by field; anything else is the caller's mistake."""
    parsed = row_id(value, kind_of(field))
    if parsed is None:
        raise InputError.one(field, ErrorCode.INVALID, f"编号无效：{str(value)!r}")
    return parsed
