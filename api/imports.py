"""File imports over GraphQL: upload a department's roster, then follow its job and per-row results."""

from __future__ import annotations

import io
import logging
import os
import tempfile
import threading
from datetime import date
from pathlib import Path
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from core import models
from core.auth import Role
from core.errors import ErrorCode, InputError
from core.imports.jobs import resume_import
from core.services.rosters import start_roster_import

from .body_limit import MAX_UPLOAD_BYTES, MiB
from .ids import parse_id
from .mutations import _attempt
from .types.errors import InputErrors
from .types.imports import ImportJob

ImportJobResult = Annotated[ImportJob | InputErrors, strawberry.union("ImportJobResult")]

log = logging.getLogger("yibao.imports")
_running: set[threading.Thread] = set()
_lock = threading.Lock()


def wait_for_imports(timeout: float | None = None) -> None:
    """Waits for the imports this process runs in the background (tests, a graceful shutdown)."""
    with _lock:
        threads = list(_running)
    for thread in threads:
        thread.join(timeout)


def _in_background(name: str, work, path: Path) -> None:
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


def _save(upload) -> tuple[Path, str]:
    """The upload in a temporary file (streamed, never whole in memory), and its name; a file over
    MAX_UPLOAD_BYTES is refused naming the file (the body limit lets a little more through for
    the rest of the multipart request)."""
    filename = Path(getattr(upload, "filename", None) or "upload").name
    handle, name = tempfile.mkstemp(prefix="yibao-import-", suffix=Path(filename).suffix[:10])
    source = getattr(upload, "file", upload)
    try:
        with os.fdopen(handle, "wb") as target:
            if isinstance(source, (bytes, bytearray)):
                source = io.BytesIO(source)
            source.seek(0)
            size = 0
            while chunk := source.read(1 << 20):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    limit = f"{MAX_UPLOAD_BYTES // MiB} MiB"
                    raise InputError.one(
                        "file", ErrorCode.INVALID, f"文件超过 {limit}（the file exceeds {limit}）"
                    )
                target.write(chunk)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name), filename


@strawberry.type
class ImportsQuery:
    @strawberry.field(
        description="An import job with its progress and per-row results, within your region; a "
        "department's roster uploader sees its own department's jobs only."
    )
    def import_job(self, info: strawberry.Info, id: strawberry.ID) -> ImportJob | None:
        ctx = info.context
        try:
            job_id = parse_id(id, "id")
        except InputError:
            return None
        job = ctx.scope.get(ctx.session, models.ImportJob, job_id)
        principal = ctx.principal
        if job is not None and principal.role is Role.ROSTER_UPLOADER and job.source != principal.department:
            return None  # who is on another department's roster is not its business: absent, not refused
        return ImportJob.of(job)


@strawberry.type
class ImportsMutation:
    @strawberry.mutation(
        description="Imports a department's roster (花名册, XLSX or CSV) as hardship identities. "
        "Answers the job at once (RUNNING, with rowsTotal); follow it with importJob. "
        "The same file again changes nothing."
    )
    def import_roster(
        self,
        info: strawberry.Info,
        file: Upload,
        source: str,
        as_of: date,
        region_code: str | None = None,
    ) -> ImportJobResult:
        ctx = info.context
        principal = ctx.principal

        def start() -> models.ImportJob:
            if principal.role is Role.ROSTER_UPLOADER and source != principal.department:
                raise InputError.one(
                    "source",
                    ErrorCode.FORBIDDEN,
                    f"只能导入本部门（{principal.department}）的花名册（only your department's roster）",
                )
            return start_upload(
                ctx,
                file,
                lambda path, filename: start_roster_import(
                    ctx.engine,
                    ctx.actor,
                    path,
                    source=source,
                    as_of=as_of,
                    region_code=region_code or principal.region_code,
                    categories=ctx.registry.categories,
                    filename=filename,
                ),
            )

        return _attempt(ImportJob.of, start)


def start_upload(ctx, file: Upload, begin) -> models.ImportJob:
    """Saves the upload, lets `begin(path, filename)` find or start its job (and handler), and
    runs what remains in the background; the caller follows the job with `importJob`."""
    path, filename = _save(file)
    try:
        job, handler = begin(path, filename)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if job.status == "DONE":
        path.unlink(missing_ok=True)
    else:
        engine, actor = ctx.engine, ctx.actor
        _in_background(str(job.id), lambda: resume_import(engine, actor, job, path, handler), path)
    return job
