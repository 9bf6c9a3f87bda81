"""Keyset pages in both directions (the Relay connection arguments `first/after`, `last/before`).

A list is ordered by one sort key and then by id, so the order is total and stable under
inserts: a cursor names the last row seen by its (key, id), and the next page is the rows past
that pair — one indexed range read, never an OFFSET that re-reads every earlier page. The page
reads one row more than it shows to know whether more follow; whether rows lie on the other side
of the cursor is a second read of one row, made only when a cursor was given.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import func, tuple_
from sqlmodel import Session, col, select

from .errors import ErrorCode, InputError
from .ids import row_id

DEFAULT_PAGE = 20
MAX_PAGE = 100


@dataclass(frozen=True)
class Order:
    """A sort key: `name` (as the API spells it, and as cursors carry it), the column or SQL
    expression, the row attribute holding its value, its direction, and how a cursor's JSON
    value turns back into the key's type. The id order has no key: its cursors are the plain
    `id:<n>` they have always been, so a cursor handed out before sorting existed still works."""

    name: str = "ID"
    key: Any = None
    attribute: str = "id"
    descending: bool = False
    load: Callable[[Any], Any] = field(default=lambda value: value)

    def directed(self, descending: bool) -> Order:
        return Order(self.name, self.key, self.attribute, descending, self.load)


BY_ID = Order()


def as_date(value: Any) -> date:
    return date.fromisoformat(value)


@dataclass(frozen=True)
class Page:
    """The rows shown, each one's cursor, whether rows follow and precede, and the total count
    of the whole list (counted only when asked for: it reads every matching row's index entry).
    Whether rows lie on the cursor's far side is a read of its own, made only when asked for too:
    a page that shows `hasNextPage` alone (a screen's "more") does not pay for it."""

    rows: list
    cursors: list[str]
    next: Callable[[], bool]
    previous: Callable[[], bool]
    count: Callable[[], int]

    @cached_property
    def has_next(self) -> bool:
        return self.next()

    @cached_property
    def has_previous(self) -> bool:
        return self.previous()


def _known(value: bool) -> Callable[[], bool]:
    return lambda: value


def page(
    session: Session,
    statement,
    id_column,
    first: int | None = None,
    after: str | None = None,
    *,
    last: int | None = None,
    before: str | None = None,
    order: Order = BY_ID,
) -> Page:
    """One page of `statement`'s rows in `order`, then id.

    `first` rows after `after`, or the `last` rows before `before` (both cursors may bound
    either); neither size given is the first 20. Giving both `first` and `last` is refused, as is
    a size outside 1–100 or a cursor that is not one of this order's."""
    if first is not None and last is not None:
        raise InputError.one("last", ErrorCode.INVALID, "first 与 last 只能指定其一")
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 < size <= MAX_PAGE:
            raise InputError.one(name, ErrorCode.INVALID, f"每页 1–{MAX_PAGE} 条")
    keys = _keys(order, id_column)
    bounded = statement
    if after is not None:
        bounded = bounded.where(_past(keys, order, decode_cursor(after, order, "after")))
    if before is not None:
        bounded = bounded.where(_past(keys, order, decode_cursor(before, order, "before"), backwards=True))
    backwards = last is not None
    size = last if backwards else (first or DEFAULT_PAGE)
    sort = [_direction(key, order.descending != backwards) for key in keys]
    rows = list(session.exec(bounded.order_by(*sort).limit(size + 1)).all())
    more = len(rows) > size
    shown = rows[:size]
    if backwards:
        shown.reverse()
    cursors = [encode_cursor(row, order) for row in shown]
    # Beyond the page in its own direction: the extra row read. On the cursor's other side: any row
    # at or before `after` (at or after `before`) among the same rows.
    if backwards:
        has_previous = _known(more)
        has_next = (
            _known(False) if before is None else _beyond(session, statement, keys, order, before, "before")
        )
    else:
        has_next = _known(more)
        has_previous = (
            _known(False) if after is None else _beyond(session, statement, keys, order, after, "after")
        )
    return Page(shown, cursors, has_next, has_previous, lambda: count(session, statement))


def _beyond(
    session: Session, statement, keys, order: Order, cursor: str, argument: str
) -> Callable[[], bool]:
    return lambda: _any_beyond(session, statement, keys, order, cursor, argument)


def count(session: Session, statement) -> int:
    """How many rows the list holds, whatever page was asked for."""
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    return session.exec(counted).one()


def _keys(order: Order, id_column) -> list:
    return [col(id_column)] if order.key is None else [order.key, col(id_column)]


def _direction(key, descending: bool):
    return key.desc() if descending else key.asc()


def _past(keys: list, order: Order, values: tuple, backwards: bool = False):
    """Rows after (or, `backwards`, before) the cursor's (key, id) in the list's order."""
    left, right = (tuple_(*keys), tuple_(*values)) if len(keys) > 1 else (keys[0], values[0])
    return left < right if order.descending != backwards else left > right


def _any_beyond(session: Session, statement, keys, order: Order, cursor: str, argument: str) -> bool:
    """Whether a row lies at the cursor or on its far side (before `after`, after `before`)."""
    values = decode_cursor(cursor, order, argument)
    beyond = _past(keys, order, values, backwards=argument == "after")
    at = tuple_(*keys) == tuple_(*values) if len(keys) > 1 else keys[0] == values[0]
    found = session.exec(statement.where(beyond | at).limit(1)).first()
    return found is not None


def encode_cursor(row: Any, order: Order = BY_ID) -> str:
    if order.key is None:
        text = f"id:{row.id}"
    else:
        value = _plain(getattr(row, order.attribute))
        text = f"{order.name}:" + json.dumps([value, row.id], ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode()


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def decode_cursor(cursor: str, order: Order = BY_ID, argument: str = "after") -> tuple:
    """The (key, id) a cursor names; a cursor of another order, or none at all, is refused."""
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if order.key is None and kind == "id" and (found := row_id(value)) is not None:
            return (found,)
        if order.key is not None and kind == order.name:
            key, identity = json.loads(value)
            if (found := row_id(identity)) is not None and isinstance(key, str | int):
                return (order.load(key), found)
    except (ValueError, UnicodeDecodeError, TypeError):
        pass
    raise InputError.one(argument, ErrorCode.INVALID, "分页游标无效，请从第一页重新翻页")
