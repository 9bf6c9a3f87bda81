"""Free text a clerk types: bounded in length, no control characters, valid Unicode.

Checked before any write, so the database never sees what one backend would store and the
other reject (SQLite keeps NUL bytes and over-long strings; PostgreSQL refuses them).
"""

import unicodedata

from .errors import ErrorCode, FieldError


def text_errors(field: str, value: str | None, max_length: int) -> list[FieldError]:
    if value is None:
        return []
    if len(value) > max_length:
        return [FieldError(field, ErrorCode.INVALID, f"不能超过 {max_length} 个字符")]
    # A printable text has no control character (Cc) nor surrogate (Cs): most texts are
    # answered without looking at each character (an import checks three texts a row).
    if not value.isprintable() and any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        return [FieldError(field, ErrorCode.INVALID, "含有不可见的控制字符")]
    return []
