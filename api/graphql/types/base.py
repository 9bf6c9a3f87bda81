"""What every entity type shares: it wraps one stored row, and `id` is the row's primary key.

Entity types refer to each other both ways (a person's enrolments, an enrolment's person). The
annotations name the other type lazily (`strawberry.lazy`), and the resolver wraps the row with
`entity(row)`, which finds the type registered for the row's model: so the modules import each
other one way only, downwards (region ← person ← household, enrolment).
"""

from __future__ import annotations

from typing import Any, Self

import strawberry

from ..siblings import Siblings

_BY_MODEL: dict[type, type[Entity]] = {}


@strawberry.type
class Entity:
    """A GraphQL object wrapping one stored row; `id` is the row's primary key."""

    row: strawberry.Private[Any]
    # The objects made from the same list, which fetch nested fields together (api/graphql/siblings.py).
    siblings: strawberry.Private[Siblings | None] = None

    def __init_subclass__(cls, model: type | None = None, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if model is not None:
            _BY_MODEL[model] = cls

    @classmethod
    def of(cls, row: Any | None) -> Self | None:
        return None if row is None else cls(row=row)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))


def entity(row: Any | None) -> Entity | None:
    """The row wrapped as the entity type registered for its model (`class T(Entity, model=M)`)."""
    return None if row is None else _BY_MODEL[type(row)](row=row)
