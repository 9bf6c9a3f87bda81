"""GraphQL operations run in worker threads, so the event loop only moves bytes.

Resolvers use a synchronous SQLAlchemy session, and some of them save uploads or build
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
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

from anyio import to_thread

from yibao.core.heap import settle_collector

T = TypeVar("T")
_local = threading.local()


def settle() -> None:
    """Tunes a serving process's garbage collector and GIL for a responsive event loop.

    A full collection stops every thread, the event loop with it, for as long as it scans what is
    alive; a large answer being built is hundreds of thousands of objects (tasks, futures, dicts).
    So start-up's objects are frozen out of every collection and full collections made rare
    (core/heap.py). On this machine the longest pause while the heaviest allowed query ran fell
    from about 320 ms to about 90 ms (bench/stall.py).

    And the event loop gets the GIL back sooner from a busy worker thread: a thread waiting for it
    asks the holder to let go after the switch interval, 5 ms by default, and answering /healthz
    needs it several times (to read, to answer, to write).

    For serving processes only: the tests build many apps in one process and would keep their
    garbage frozen."""
    # anyio imports its asyncio backend when a thread is first asked for, and that import (some
    # 30 modules, 100–200 ms on a busy machine) would run on the event loop during the first
    # request, /healthz waiting behind it: a fresh server's first upload showed it. Imported
    # here, before the freeze, its objects are frozen with the rest of start-up's.
    import anyio._backends._asyncio  # noqa: F401

    settle_collector()
    sys.setswitchinterval(0.001)


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
