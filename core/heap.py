"""The garbage collector of a long-running yibao process (a server, a command-line import).

A full collection scans every object alive, and stops every thread while it does: after start-up
that is some 110,000 objects (the schema, the plugins' policies, SQLAlchemy's metadata), scanned
again at each of the ten or so full collections a 100,000-row import runs (0.8 s of a roster
import's 5-6 s on SQLite; issue 15) and at each a server runs while answering. Frozen, they are
left out of every collection; young collections wait for 5,000 new objects instead of 700, so
that a batch's or a request's garbage mostly dies before it is promoted, and full collections
become rare (the same import: 0.005 s of collection).
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def settle_collector() -> None:
    """Freezes what start-up made and makes young collections less frequent (see above), for the
    life of a serving process: the tests build many apps in one process and would keep their
    garbage frozen, so they never call this."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(5_000, 10, 100)


@contextmanager
def collector_settled() -> Iterator[None]:
    """`settle_collector` for the length of one long task (a command-line import), then the
    collector as it was: the tests run the commands in their own process."""
    threshold = gc.get_threshold()
    settle_collector()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
