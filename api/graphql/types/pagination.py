"""Relay-style connections over a page of rows (core/queries.py pages them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry
from graphql import GraphQLError
from sqlmodel import Session

from yibao.core.errors import InputError
from yibao.core.queries import DEFAULT_PAGE, page

__all__ = ["DEFAULT_PAGE", "Connection", "Edge", "PageInfo", "paginate"]

T = TypeVar("T")


# Every subgraph with connections has a PageInfo: @shareable, so a supergraph composes (docs/federation.md).
@strawberry.federation.type(shareable=True)
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def paginate(
    session: Session, statement, id_column, first: int, after: str | None, wrap: Callable
) -> Connection:
    """One page of `statement`'s rows, each wrapped as its GraphQL type; a bad `first` or `after`
    is an INVALID error naming the argument."""
    try:
        found = page(session, statement, id_column, first, after)
    except InputError as exc:
        [error] = exc.errors
        raise GraphQLError(error.message, extensions={"code": "INVALID", "field": error.field}) from None
    edges = [
        Edge(cursor=cursor, node=wrap(row)) for row, cursor in zip(found.rows, found.cursors, strict=True)
    ]
    end = edges[-1].cursor if edges else None
    return Connection(edges=edges, page_info=PageInfo(has_next_page=found.has_next, end_cursor=end))
