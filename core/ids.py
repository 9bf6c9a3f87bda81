"""Object ids as clients send them: decimal text within the id columns' range.

Every table's id is an INTEGER, 32 bits on PostgreSQL (SQLAlchemy binds it as ::INTEGER), so a
larger number is no row's id; before this check a 10-digit id reached PostgreSQL as "integer out
of range" and a 20-digit one reached SQLite as an OverflowError, both unexpected errors.
"""

from .errors import ErrorCode, InputError

MAX_ID = 2**31 - 1


def row_id(value: object) -> int | None:
    """The id `value` spells, or None when it spells none (then no row has it)."""
    text = str(value)
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID)) and int(text) <= MAX_ID:
        return int(text)
    return None


def parse_id(value: object, field: str) -> int:
    """Object ids are decimal integers; anything else is the caller's mistake, named by field."""
    parsed = row_id(value)
    if parsed is None:
        raise InputError.one(field, ErrorCode.INVALID, f"编号无效：{str(value)!r}")
    return parsed
