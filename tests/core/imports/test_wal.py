"""An import's SQLite write-ahead log is folded into the database file by a thread of its own,
every `FOLD_EVERY` batches, while the batches go on; elsewhere nothing is started."""

import time
from pathlib import Path

from sqlalchemy import text

from yibao.core.db import make_engine
from yibao.core.imports.wal import FOLD_EVERY, WalFolder


def _write_batch(engine) -> None:
    # ~100 kB: under SQLite's 1,000-page autocheckpoint, so only a fold copies it in.
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO t (body) VALUES (:body)"), [{"body": "x" * 1000}] * 100)


def _folded(database: Path, before: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if database.stat().st_size > before:
            return True
        time.sleep(0.02)
    return False


def test_the_log_is_folded_into_the_database_file_every_few_batches(tmp_path):
    database = tmp_path / "yibao.db"
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (body TEXT)"))
        folder = WalFolder(engine)
        try:
            before = database.stat().st_size
            for _ in range(FOLD_EVERY - 1):
                _write_batch(engine)
                folder.after_batch()
            time.sleep(0.3)
            assert database.stat().st_size == before  # the batches so far are in the log only
            _write_batch(engine)
            folder.after_batch()
            assert _folded(database, before)
        finally:
            folder.close()
        assert not folder.thread.is_alive()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM t")).scalar_one() == 100 * FOLD_EVERY
    finally:
        engine.dispose()


def test_no_thread_is_started_but_for_a_sqlite_file_in_wal_mode(engine):
    folder = WalFolder(engine)
    assert (folder.thread is not None) == (engine.dialect.name == "sqlite")
    folder.close()
    memory = make_engine("sqlite://")  # an in-memory database keeps no log
    try:
        assert WalFolder(memory).thread is None
    finally:
        memory.dispose()
