"""GraphQL operations run in worker threads, so the event loop only moves bytes.

Resolvers use a synchronous SQLAlchemy session, and some of them parse uploads or build
reports; on the event loop, one heavy operation would hold every other request — `/healthz`
included — until it finished. Each operation instead runs in a thread of anyio's pool, on an
event loop of that thread's own (the DataLoaders and `async def` resolvers need one). The
server's loop keeps accepting connections and answering `/healthz` while operations run; the
GIL hands it a turn every few milliseconds even when a worker is busy in Python
(bench/stall.py measures it).

A worker thread keeps its loop between operations: making one per operation would cost more
than many small operations do.
"""

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

from anyio import to_thread

T = TypeVar("T")
_local = threading.local()


def _loop() -> asyncio.AbstractEventLoop:
    loop = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = _local.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    return loop


def _run(make: Callable[[], Awaitable[T]]) -> T:
    return _loop().run_until_complete(make())


async def in_worker_thread(make: Callable[[], Awaitable[T]]) -> T:
    """Runs the coroutine `make()` creates on a worker thread's event loop and awaits its result."""
    return await to_thread.run_sync(_run, make)
