"""An import's write-ahead log folded into the SQLite database file beside its batches.

In WAL mode SQLite appends each commit's pages to the `-wal` file; a checkpoint copies them into
the database file and syncs both. A payment batch writes several MiB (its audit images), so every
few batches a commit crossed the batch connection's `wal_autocheckpoint` (64 MiB,
core/imports/jobs.py `batch_connection`) and ran that copy itself, in the import's thread: 20,000
payments took 7.9 s of work so, and 6.6-7.3 s with no checkpoint at all (issue 15).

Here a thread of its own runs a PASSIVE checkpoint after every few batches (`after_batch`): it
copies what is committed without waiting for the writer or holding it up, and the driver lets go
of the GIL for it, so the copy runs on another core while the import decides its next batches.
The commit that crosses `wal_autocheckpoint` still checkpoints, but finds most of the log copied
already; it is also what starts the log over, since a checkpoint beside a writer that goes on
writing rarely ends level with the log's end. Elsewhere than a SQLite file in WAL mode this does
nothing.
"""

import logging
import threading

from sqlalchemy import Engine

log = logging.getLogger(__name__)

# Batches per checkpoint, measured over 20,000 payments in alternating runs: a checkpoint after
# every batch gained nothing (its syncs held the writer up: 7.39-7.43 s of work against
# 7.38-7.71 without), every 8th batch ~4 %, every 4th 4-7 % (5.61-6.16 s against 5.78-6.25).
FOLD_EVERY = 4


class WalFolder:
    """Checkpoints `engine`'s SQLite WAL in a thread of its own every few batches, until closed."""

    def __init__(self, engine: Engine):
        self.engine, self.batches = engine, 0
        self.wake = threading.Event()  # a fold asked for; asked again while folding, it folds once more
        self.closing = False
        self.thread: threading.Thread | None = None
        if _in_wal_mode(engine):
            self.thread = threading.Thread(target=self._fold, name="import-wal", daemon=True)
            self.thread.start()

    def after_batch(self) -> None:
        self.batches += 1
        if self.batches % FOLD_EVERY == 0:
            self.wake.set()

    def close(self) -> None:
        if self.thread is None:
            return
        self.closing = True
        self.wake.set()
        self.thread.join()

    def _fold(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            if self.closing:
                return
            try:
                with self.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            except Exception:  # the import goes on: its own commits still fold the log (above)
                log.warning("could not checkpoint the WAL beside an import", exc_info=True)


def _in_wal_mode(engine: Engine) -> bool:
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect() as connection:
        return connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
