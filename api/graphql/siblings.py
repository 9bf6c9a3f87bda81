"""The objects of one list resolve their nested fields together, synchronously.

A page of households asks each household for its members, each member for its person, each
person for their enrolments. Resolved one object at a time through DataLoaders, every one of
those ~200 fields was an asyncio task awaiting a batch (612 event loop callbacks a page). Here
the objects made from one list share a `Siblings`: the first of them to resolve a field fetches
it for all of them (one statement through the caller's scope, api/graphql/loaders.py), and the
nested objects it makes form the next level's siblings; the others find their value ready. No
task, no await: a page resolves level by level, as hand-written SQL would read it.

An object made alone (a lookup by id, a mutation's result) has no siblings, and its fields go
through the DataLoaders as before; the lists it leads to have siblings again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


class Siblings:
    """The objects made from one list, and the fields already fetched for all of them."""

    __slots__ = ("loaded", "objects")

    def __init__(self, objects: list) -> None:
        self.objects = objects
        self.loaded: dict[Any, dict] = {}


def linked(objects: list[T]) -> list[T]:
    """The objects, made siblings of each other (those that can have siblings)."""
    group = Siblings(objects)
    for item in objects:
        if hasattr(item, "siblings"):
            item.siblings = group
    return objects


def one(item, info, loader: str, key_of: Callable[[Any], Hashable | None], wrap: Callable):
    """The row loader `loader` finds by `key_of(item)`, wrapped (None where there is none)."""
    key = key_of(item)
    if key is None:
        return None
    group = item.siblings
    if group is None:
        return _one_later(getattr(info.context.loaders, loader).load(key), wrap)
    found = group.loaded.get(key_of)
    if found is None:
        keys = _keys(group.objects, key_of)
        rows = info.context.loaders.fetch(loader, keys)
        wrapped = [None if row is None else wrap(row) for row in rows]
        linked([w for w in wrapped if w is not None])
        found = group.loaded[key_of] = dict(zip(keys, wrapped, strict=True))
    return found.get(key)


def many(item, info, loader: str, key_of: Callable[[Any], Hashable], wrap: Callable) -> Any:
    """The rows loader `loader` finds by `key_of(item)`, each wrapped."""
    group = item.siblings
    if group is None:
        return _many_later(getattr(info.context.loaders, loader).load(key_of(item)), wrap)
    found = group.loaded.get(key_of)
    if found is None:
        keys = _keys(group.objects, key_of)
        lists = [[wrap(row) for row in rows] for rows in info.context.loaders.fetch(loader, keys)]
        linked([w for wrapped in lists for w in wrapped])
        found = group.loaded[key_of] = dict(zip(keys, lists, strict=True))
    return found.get(key_of(item), [])


def _keys(objects: Iterable, key_of: Callable) -> list:
    return list(dict.fromkeys(key for item in objects if (key := key_of(item)) is not None))


async def _one_later(awaitable, wrap: Callable):
    row = await awaitable
    return None if row is None else wrap(row)


async def _many_later(awaitable, wrap: Callable) -> list:
    return linked([wrap(row) for row in await awaitable])
