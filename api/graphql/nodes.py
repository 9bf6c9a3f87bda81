"""`node(id:)`: any object with a global id, read as its own lookup would read it (Relay)."""

from __future__ import annotations

import strawberry

from yibao.core import models, queries
from yibao.core.ids import from_global_id

from .types.base import entity
from .types.node import Node

# The kinds a global id may name, each the model read through the caller's scope.
MODELS = {
    model.__name__: model
    for model in (
        models.Person,
        models.Household,
        models.Enrolment,
        models.Payment,
        models.Entitlement,
        models.Refund,
    )
}


@strawberry.type
class Query:
    @strawberry.field(
        description="The object this global id names, if you may see it: another region's answers null, "
        "as an unknown one does."
    )
    def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
        named = from_global_id(id)
        model = MODELS.get(named[0]) if named else None
        if model is None:
            return None
        ctx = info.context
        return entity(queries.by_id(ctx.session, ctx.scope, model, id))
