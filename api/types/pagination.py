"""Cursor pagination by primary key: stable under inserts, one query per page."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry
from graphql import GraphQLError
from sqlmodel import Session, col

from ..ids import row_id

T = TypeVar("T")

DEFAULT_PAGE = 20
MAX_PAGE = 100


@strawberry.type
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


def encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{row_id}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "id" and (found := row_id(value)) is not None:
            return found
    except (ValueError, UnicodeDecodeError):
        pass
    raise _refused("after", "分页游标无效（invalid cursor）")


def paginate(
    session: Session, statement, id_column, first: int, after: str | None, wrap: Callable
) -> Connection:
    if not 0 < first <= MAX_PAGE:
        raise _refused("first", f"每页 1–{MAX_PAGE} 条（first must be 1..{MAX_PAGE}）")
    if after is not None:
        statement = statement.where(col(id_column) > decode_cursor(after))
    rows = session.exec(statement.order_by(id_column).limit(first + 1)).all()
    edges = [Edge(cursor=encode_cursor(row.id), node=wrap(row)) for row in rows[:first]]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None),
    )


def _refused(field: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "INVALID", "field": field})
