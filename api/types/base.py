from __future__ import annotations

from typing import Any, Self

import strawberry


@strawberry.type
class Entity:
    """A GraphQL object wrapping one stored row; `id` is the row's primary key."""

    row: strawberry.Private[Any]

    @classmethod
    def of(cls, row: Any | None) -> Self | None:
        return None if row is None else cls(row=row)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))
