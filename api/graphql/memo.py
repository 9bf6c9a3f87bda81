"""What is worked out once per document and kept: the same query text always gets the same answer.

A client sends the same few operations again and again (a screen's page, a quote); their
validation, read check (api/graphql/authorize.py) and cost (api/graphql/limits.py) depend only
on the query text — and, for the cost, on the few variables that size a page — so each is kept,
per schema, keyed by the text. Strawberry's ValidationCache kept validation too, but keyed by the
parsed document, which it hashed node by node on every request.
"""

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from graphql import GraphQLSchema

KEPT = 1024  # answers kept per schema and kind, least recently used dropped first


class Memo:
    """Answers by key, least recently used dropped first; worker threads share it."""

    def __init__(self, size: int = KEPT) -> None:
        self.size, self.kept, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.kept:
                self.kept.move_to_end(key)
                return self.kept[key]
        answer = compute()
        with self.lock:
            self.kept[key] = answer
            if len(self.kept) > self.size:
                self.kept.popitem(last=False)
        return answer


_memos: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # GraphQLSchema → {kind: Memo}
_lock = threading.Lock()


def memo(schema: GraphQLSchema, kind: str) -> Memo:
    """The schema's memo of one kind of answer ("validation", "reads", "shape")."""
    with _lock:
        kinds = _memos.setdefault(schema, {})
        return kinds.setdefault(kind, Memo())
