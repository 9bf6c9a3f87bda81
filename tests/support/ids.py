"""Ids as the API gives them: global ids (core/ids.py), and the row ids the database holds."""

from yibao.core.ids import from_global_id, global_id

__all__ = ["global_id", "row_of"]


def row_of(value: object) -> int:
    """The row id a global id names (or a row id given as text)."""
    named = from_global_id(value)
    return named[1] if named else int(str(value))
