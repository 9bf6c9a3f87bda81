"""The root fields of the compiled path (api/graphql/compiled.py) read on the driver's cursor.

A `households` page through its resolver built the search statement (the scope's and the
region's subqueries, through SQLAlchemy's expression layer), ran it through the ORM, and made a
SQLModel object of each of its 21 rows: a quarter of the compiled page's work, for two columns of
twenty rows. Here the plain page — by region, `first` and `after`, the way a screen leafs through
a village — is one statement of those columns on the driver's cursor, with the same conditions:

- the caller's scope (`Scope.visible(Household)`: the address's region lies under the caller's),
  and the region asked for (`queries.households_in`): the region codes under each path, read by
  the LIKE of the ORM statement's subqueries and bound as one list (`_codes_in`);
- then `id > after`, in id order, one row more than the page shows (core/paging.py).

The role check (`authorize_root_fields`) and the page's refusals (a size outside 1–100, a cursor
that is not one) are checked first, and any of them, or any other argument (a search, a year,
an order, a page backwards), leaves the field to its resolver: graphql-core then answers a refusal
with its typed error. What a page shows only when asked — whether rows precede it, the whole
list's count — is read, when asked, from the resolver's own statement (`queries.search_households`).
"""

from __future__ import annotations

import base64
from typing import Any, NamedTuple

from yibao.core import models, paging, queries
from yibao.core.errors import InputError
from yibao.core.regions import known_path, region_path

from .compiled_fields import _marks, _rows, _tuple, codes_under
from .permissions import OPERATIONS
from .types.pagination import Connection, Edge, PageInfo

HOUSEHOLD_PAGE = "SELECT id, address FROM household WHERE {where} ORDER BY id LIMIT ?"

# Arguments the plain page reads; any other given (not null) leaves the field to its resolver.
PLAIN = frozenset({"regionCode", "first", "after"})
HOUSEHOLD_READERS = frozenset(OPERATIONS.get("households", ()))


class NotPlain(Exception):
    """The root field is answered by its own resolver."""


class HouseholdRow(NamedTuple):
    """The columns of a household the compiled fields read (api/graphql/compiled_fields.py)."""

    id: int
    address: str | None


class Node(NamedTuple):
    """What an edge's node is to the compiled fields: the row it wraps."""

    row: Any


def _cursor(row_id: int) -> str:
    """core/paging.py's `encode_cursor` for the id order."""
    return base64.urlsafe_b64encode(f"id:{row_id}".encode()).decode()


def _codes_in(run, region_code: str | None) -> list[str] | None:
    """The region codes a listed household's address may have: those in the caller's scope (read
    once per request: the enrolments are bound to them too) and under the region asked for; None
    when neither limits it. Both are what the resolver's subqueries select (`Scope.visible`,
    `queries.in_region`), read by the same LIKE; bound as a list, PostgreSQL plans the page as
    the list it is, as it does the hand-written page's, not as a LIKE it cannot see into."""
    scoped = run.codes()  # None: everything is in scope
    if region_code is None:
        return scoped
    path = known_path(run.context.engine, region_code) or region_path(run.session, region_code)
    if path is None:
        return []  # an unknown region holds nothing (`queries.in_region`)
    if run.scope.path == path:
        return scoped
    under = codes_under(run, path)
    if scoped is None:
        return under
    inside = set(scoped)
    return [code for code in under if code in inside]


def households(run, arguments: dict) -> Connection:
    """The plain `households` page, or NotPlain."""
    if any(value is not None for name, value in arguments.items() if name not in PLAIN):
        raise NotPlain
    context = run.context
    if context.principal.role not in HOUSEHOLD_READERS:
        raise NotPlain  # the resolver's check raises the caller's error
    first, after, region_code = arguments.get("first"), arguments.get("after"), arguments.get("regionCode")
    if first is not None and not 0 < first <= paging.MAX_PAGE:
        raise NotPlain
    try:
        bound = None if after is None else paging.decode_cursor(after, paging.BY_ID, "after")[0]
    except InputError:
        raise NotPlain from None
    size = first or paging.DEFAULT_PAGE
    rows: list = []
    codes = _codes_in(run, region_code)
    if codes is None or codes:
        where, params = [], []
        if codes is not None:
            where.append(f"address_region_code IN ({_marks(codes)})")
            params.extend(codes)
        if run.scope.county is not None:  # on Citus, the caller's county's shard (docs/scaling.md §3)
            where.append("county_code = ?")
            params.append(run.scope.county)
        if bound is not None:
            where.append("id > ?")
            params.append(bound)
        statement = HOUSEHOLD_PAGE.format(where=" AND ".join(where) or "1 = 1")
        rows = [_tuple(HouseholdRow, row) for row in _rows(run, statement, [*params, size + 1])]
    more, shown = len(rows) > size, rows[:size]

    def searched():  # the resolver's statement, for what is read only when asked for
        # The session is opened only then: a page that shows neither opens none.
        return queries.search_households(context.session, context.scope, queries.HouseholdFilter(region_code))

    keys = [models.Household.id]
    previous = (
        (lambda: False)
        if after is None
        else lambda: paging._any_beyond(context.session, searched(), keys, paging.BY_ID, after, "after")
    )
    found = paging.Page(
        rows=shown,
        cursors=[_cursor(row.id) for row in shown],
        next=lambda: more,
        previous=previous,
        count=lambda: paging.count(context.session, searched()),
    )
    edges = [
        Edge(cursor=cursor, node=_tuple(Node, (row,)))
        for row, cursor in zip(shown, found.cursors, strict=True)
    ]
    return Connection(edges=edges, page_info=PageInfo(found=found), count=found.count)


ROOTS = {"households": households}
