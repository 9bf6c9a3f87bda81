"""Imports started from an upload: the file saved, the job found or started, the rest run in a thread.

An upload answers at once with its job (RUNNING, with rowsTotal); the caller follows it. A thread
that stops leaves the job RUNNING, and uploading the same file again resumes it where the last
whole batch ended (core/imports/jobs.py).
"""

import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from ..audit import Actor
from ..models import ImportJob
from ..statuses import ImportStatus
from .jobs import Handler, resume_import

log = logging.getLogger("yibao.imports")
_running: set[threading.Thread] = set()
_lock = threading.Lock()

# Finds or starts the job for the saved file, and returns it with the handler for its rows.
Begin = Callable[[Path, str], tuple[ImportJob, Handler]]


def start_upload(engine: Engine, actor: Actor, upload, begin: Begin) -> ImportJob:
    """Saves the upload, lets `begin(path, filename)` find or start its job, and runs what
    remains in the background."""
    path, filename = save_upload(upload)
    try:
        job, handler = begin(path, filename)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if job.status == ImportStatus.DONE:
        path.unlink(missing_ok=True)
    else:
        _in_background(str(job.id), lambda: resume_import(engine, actor, job, path, handler), path)
    return job


def wait_for_imports(timeout: float | None = None) -> None:
    """Waits for the imports this process runs in the background (tests, a graceful shutdown)."""
    with _lock:
        threads = list(_running)
    for thread in threads:
        thread.join(timeout)


def save_upload(upload) -> tuple[Path, str]:
    """The upload (bytes or a file-like object with a `filename`) in a temporary file, streamed
    and never whole in memory, and its name."""
    filename = Path(getattr(upload, "filename", None) or "upload").name
    handle, name = tempfile.mkstemp(prefix="yibao-import-", suffix=Path(filename).suffix[:10])
    source = getattr(upload, "file", upload)
    with os.fdopen(handle, "wb") as target:
        if isinstance(source, bytes | bytearray):
            target.write(source)
        else:
            source.seek(0)
            shutil.copyfileobj(source, target, 1 << 20)
    return Path(name), filename


def _in_background(name: str, work: Callable[[], object], path: Path) -> None:
    def run() -> None:
        try:
            work()
        except Exception:  # the job stays RUNNING: uploading the file again resumes it
            log.exception("import %s stopped", name)
        finally:
            path.unlink(missing_ok=True)
            with _lock:
                _running.discard(threading.current_thread())

    thread = threading.Thread(target=run, name=f"import-{name}", daemon=True)
    with _lock:
        _running.add(thread)
    thread.start()
