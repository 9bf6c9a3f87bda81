"""Imports started from an upload: the file saved, the job found or started, the rest run in a thread.

An upload answers at once with its job (RUNNING, with rowsTotal); the caller follows it. A thread
that stops leaves the job RUNNING, and uploading the same file again resumes it where the last
whole batch ended (core/imports/jobs.py).
"""

import io
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from ..audit import Actor
from ..errors import ErrorCode, InputError
from ..models import ImportJob
from ..statuses import ImportStatus
from .jobs import Handler, resume_import

MiB = 1024 * 1024
# An uploaded file: 20 MiB holds a 400,000-row CSV, twice the 200,000 rows of
# bench/roster_import.py, and far more than any department's or village's list. The HTTP body
# limit (api/body_limit.py) lets a little more through for the rest of a multipart request.
MAX_UPLOAD_BYTES = 20 * MiB

log = logging.getLogger("yibao.imports")
_running: set[threading.Thread] = set()
_files: set[Path] = set()  # the saved uploads of the imports this process runs
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


def remove_saved_uploads() -> None:
    """Removes the saved uploads of the imports still running, for a server that stops.

    An upload holds residents' ID numbers and must not outlive the process importing it, but a
    stopping server does not wait for its imports (their threads are daemons) nor run their
    clean-up. Their jobs stay RUNNING; uploading the same file again resumes each of them."""
    with _lock:
        for path in _files:
            path.unlink(missing_ok=True)
        _files.clear()


def save_upload(upload) -> tuple[Path, str]:
    """The upload (bytes or a file-like object with a `filename`) in a temporary file, streamed
    and never whole in memory, and its name; a file over MAX_UPLOAD_BYTES is refused naming it."""
    filename = Path(getattr(upload, "filename", None) or "upload").name
    handle, name = tempfile.mkstemp(prefix="yibao-import-", suffix=Path(filename).suffix[:10])
    source = getattr(upload, "file", upload)
    try:
        with os.fdopen(handle, "wb") as target:
            if isinstance(source, bytes | bytearray):
                source = io.BytesIO(source)
            source.seek(0)
            size = 0
            while chunk := source.read(1 << 20):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    limit = f"{MAX_UPLOAD_BYTES // MiB} MiB"
                    raise InputError.one("file", ErrorCode.INVALID, f"文件超过 {limit}")
                target.write(chunk)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
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
                _files.discard(path)

    thread = threading.Thread(target=run, name=f"import-{name}", daemon=True)
    with _lock:
        _running.add(thread)
        _files.add(path)
    thread.start()
