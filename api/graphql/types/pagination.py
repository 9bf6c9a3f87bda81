"""Relay connections over a page of rows (core/paging.py cuts the pages).

Every list takes `first/after` or `last/before` and answers `edges`, `nodes`, `pageInfo` (with
`hasNextPage` and `hasPreviousPage`, as the Relay connection specification has them) and
`totalCount`, counted only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry
from sqlmodel import Session

from yibao.core.paging import BY_ID, DEFAULT_PAGE, Order, Page, page

from ..errors import refusing
from ..siblings import linked

__all__ = ["DEFAULT_PAGE", "Connection", "Edge", "PageInfo", "paginate"]

T = TypeVar("T")


# Every subgraph with connections has a PageInfo: @shareable, so a supergraph composes (docs/federation.md).
@strawberry.federation.type(shareable=True)
class PageInfo:
    # Whether rows lie on the cursor's far side is read only when asked for (core/paging.py).
    found: strawberry.Private[Page]

    @strawberry.field
    def has_next_page(self) -> bool:
        return self.found.has_next

    @strawberry.field
    def end_cursor(self) -> str | None:
        return self.found.cursors[-1] if self.found.cursors else None

    @strawberry.field(
        description="Whether rows precede this page: with `last`, beyond it; with `after`, at or "
        "before that cursor. False on a first page."
    )
    def has_previous_page(self) -> bool:
        return self.found.has_previous

    @strawberry.field
    def start_cursor(self) -> str | None:
        return self.found.cursors[0] if self.found.cursors else None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], int]]

    @strawberry.field
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many rows the whole list holds, whatever the page; counted if asked.")
    def total_count(self) -> int:
        with refusing():
            return self.count()


def paginate(
    session: Session,
    statement,
    id_column,
    first: int | None,
    after: str | None,
    wrap: Callable,
    *,
    last: int | None = None,
    before: str | None = None,
    order: Order = BY_ID,
) -> Connection:
    """One page of `statement`'s rows, each wrapped as its GraphQL type; a bad page size or
    cursor is an INVALID error naming the argument."""
    with refusing():
        found = page(session, statement, id_column, first, after, last=last, before=before, order=order)
    # The page's objects fetch their nested fields together (api/graphql/siblings.py).
    nodes = linked([wrap(row) for row in found.rows])
    edges = [Edge(cursor=cursor, node=node) for node, cursor in zip(nodes, found.cursors, strict=True)]
    info = PageInfo(found=found)
    return Connection(edges=edges, page_info=info, count=found.count)
