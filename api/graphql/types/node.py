"""Global object identification (Relay): the `Node` interface and what `node(id:)` resolves.

A node's `id` is opaque and names its kind and row (core/ids.py), so `node(id:)` finds any of
them; `databaseId` is the row id that `id` was before, which every id argument still accepts
beside the global id. A node is read through the caller's scope like any lookup: another
region's object answers null, as an unknown one does.
"""

from __future__ import annotations

from typing import Any

import strawberry

from yibao.core.ids import global_id


@strawberry.interface(
    description="An object with a global id: `node(id:)` finds it again (the Relay global object "
    "identification)."
)
class Node:
    row: strawberry.Private[Any]

    @strawberry.field(description="Opaque and global: the object's kind and row. Use it with `node(id:)`.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id(type(self).__name__, self.row.id))

    @strawberry.field(
        description="The row id, which `id` was before global ids. Every id argument (personId, "
        "householdId, …) takes either."
    )
    def database_id(self) -> int:
        return self.row.id
