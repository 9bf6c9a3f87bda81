"""The batched import job: a file's rows through a handler, whole batches or none.

`run_import` = `start_import` (check the file's columns and the region, find or create the
job) + `resume_import` (the batches). A job is identified by its `dedup_key`: the kind, the
file's SHA-256, the region, source, as-of date and options. Importing the same file again
finds the job: a DONE job is returned unchanged, a RUNNING one (cut off by a crash) resumes
after `rows_done`. Each batch is one transaction that claims the batch (`rows_done` still at
its start), lets the handler write, stores one ImportRow per row and advances `rows_done`
and the counters, so a SIGKILL leaves whole batches or none and a second runner of the same
job (a double click) stops instead of importing twice.
"""

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import audit
from ..audit import Actor
from ..db import WRITE
from ..errors import ErrorCode, InputError
from ..models import ImportJob, ImportRow, Region
from ..models.base import utcnow
from ..scope import Scope
from ..services.unit import unit_of_work
from ..statuses import ImportOutcome, ImportStatus
from .bulk import custom_plans, insert_rows
from .child import check_file, file_sha256, read_records
from .turn import Turn
from .wal import WalFolder

IMPORTED, UNCHANGED, REFUSED = ImportOutcome  # what the handlers answer for each row


@dataclass(frozen=True)
class RowOutcome:
    """What became of one row; a refusal names the column (`field`), a code and the reason."""

    row_number: int
    outcome: ImportOutcome
    field: str | None = None
    code: str | None = None
    reason: str = ""
    id_number: str | None = None
    key: str | None = None  # ImportRow.row_key: rows with the same key are duplicates


def with_key(outcome: RowOutcome, key: str | None) -> RowOutcome:
    """The outcome with its row's key (`dataclasses.replace` cost 45 µs a row: a fifth of a
    roster batch's Python on SQLite)."""
    o = outcome
    return RowOutcome(o.row_number, o.outcome, o.field, o.code, o.reason, o.id_number, key)


ROW_COLUMNS = ("job_id", "row_number", "outcome", "field", "code", "reason", "id_number", "row_key")

Rows = list[tuple[int, dict]]  # (row number as the spreadsheet shows it, {canonical field: value})


class Handler(Protocol):
    """What an import of one kind does with its rows.

    Optional members, looked up with getattr:
    - `own_transactions = True`: `handle` is called with `session=None` before the batch's
      transaction opens, for handlers that call services which open their own (payments;
      they must then be idempotent, since a crash may repeat a batch).
    - `hold_back(rows) -> int`: how many trailing rows must wait for the next batch because
      they belong with rows still to come (a household that pays whole); at most a few, and
      the last batch is always handled whole.
    - `prepare(rows)`: work on a batch's cells alone (no database), done for the next batch in
      a reading thread while the current one is written; it may leave its results in the rows.
    - `overlaps` (PostgreSQL): the next batch may be handled while this one is still being
      written, when `touches(rows)` (the set of keys a batch's rows name: persons, households)
      shares nothing with this one's; `handle` then takes a `turn` and writes nothing before
      `turn.wait()`, or before `turn.wait_drawn()` what needs only its ids in the file's order
      (`_Overlapping`, `Turn`).
    - `fills`: the tables whose statistics PostgreSQL should keep up with as the job grows them
      (`_Analyses`): those its triggers and foreign keys look up by plans cached in the session.
    Duplicates within a file are found through the stored rows' keys (`RowOutcome.key`), so
    nothing about earlier rows is kept in memory and a resumed job needs no replay.
    """

    kind: str
    fields: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]

    def handle(self, session: Session, job: ImportJob, rows: Rows) -> list[RowOutcome]: ...


Progress = Callable[[ImportJob], None]


def dedup_key(
    kind: str, sha256: str, region_code: str, source: str | None, as_of: date | None, options: dict | None
) -> str:
    identity = [kind, sha256, region_code, source, as_of.isoformat() if as_of else None, options or {}]
    return hashlib.sha256(json.dumps(identity, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _check_region(session: Session, actor: Actor, region_code: str) -> None:
    if session.get(Region, region_code) is None:
        raise InputError.one("regionCode", ErrorCode.NOT_FOUND, f"无此行政区划 {region_code}")
    if not Scope.of(session, actor.region_code).covers(session, region_code):
        raise InputError.one("regionCode", ErrorCode.FORBIDDEN, f"{region_code} 不在您的辖区内")


def start_import(
    engine: Engine,
    actor: Actor,
    path: Path,
    handler: Handler,
    *,
    filename: str,
    region_code: str,
    source: str | None = None,
    as_of: date | None = None,
    options: dict[str, Any] | None = None,
) -> ImportJob:
    """The job for this file: found (DONE or to resume) or created RUNNING with `rows_total`.

    Refuses, storing nothing, a file without the handler's required columns and a region
    that does not exist or lies outside the actor's."""
    path = Path(path)
    with unit_of_work(engine, actor) as session:
        _check_region(session, actor, region_code)
    # Header, digest and count in a child process (core/imports/child.py): seconds of
    # per-row Python that would otherwise share a server's GIL and collector with its event loop.
    checked = check_file(path, handler.fields, handler.required)
    sha256, total = checked.sha256, checked.rows
    key = dedup_key(handler.kind, sha256, region_code, source, as_of, options)
    existing = _find(engine, key)
    if existing is not None:
        return existing
    try:
        with unit_of_work(engine, actor) as session:
            job = ImportJob(
                kind=handler.kind,
                dedup_key=key,
                file_sha256=sha256,
                filename=filename[:200],
                source=source,
                as_of=as_of,
                options=options,
                region_code=region_code,
                actor=actor.name[:64],
                rows_total=total,
            )
            session.add(job)
            audit.record(session, actor, "start_import", job)
            return job
    except (InputError, IntegrityError):  # the same file started at the same moment by another caller
        existing = _find(engine, key)
        if existing is None:
            raise
        return existing


def _find(engine: Engine, key: str) -> ImportJob | None:
    with Session(engine, expire_on_commit=False) as session:
        return session.exec(select(ImportJob).where(ImportJob.dedup_key == key)).first()


def _batches(records: Iterator[tuple[int, dict]], size: int) -> Iterator[Rows]:
    while batch := list(islice(records, size)):
        yield batch


def resume_import(
    engine: Engine,
    actor: Actor,
    job: ImportJob,
    path: Path,
    handler: Handler,
    *,
    batch_size: int = 500,
    progress: Progress | None = None,
) -> ImportJob:
    """Runs the job's remaining batches and finishes it; returns the job as stored."""
    if job.status == ImportStatus.DONE:
        return job
    if batch_size < 1:
        raise InputError.one("batchSize", ErrorCode.INVALID, "每批行数应大于 0")
    job_id = job.id
    # The rows are parsed in a child process (core/imports/child.py); this thread only writes.
    # Closed on every way out, so that a child still reading stops with the import.
    with (
        closing(read_records(Path(path), handler.fields, handler.required)) as records,
        closing(_ahead(engine, _batches(records, batch_size), getattr(handler, "prepare", None))) as batches,
    ):
        done = job.rows_done
        hold_back = getattr(handler, "hold_back", lambda rows: 0)
        if progress:
            progress(job)
        held: Rows = []
        analyse = _Analyses(engine, getattr(handler, "fills", ()))
        with (
            closing(_runner(engine, actor, handler, job, progress)) as runner,
            closing(WalFolder(engine)) as folder,
        ):
            after = done  # where the rows still held back begin
            for start, batch in _numbered(batches):
                end = start + len(batch)
                if end <= done:
                    continue
                if start < done:  # a batch size other than the first run's: skip the part already done
                    batch, start = batch[done - start :], done
                rows, start = held + batch, start - len(held)
                keep = len(rows) - min(hold_back(rows), len(rows))
                batch, held = rows[:keep], rows[keep:]
                if not batch:
                    continue
                if not runner.run(start, batch):  # another runner is on this job: leave it to finish
                    return _reload(engine, job_id)
                analyse.after_batch()
                folder.after_batch()
                after = start + len(batch)
            if held and not runner.run(after, held):  # the last batch is handled whole
                return _reload(engine, job_id)
            job = runner.finish()
            if job is None:
                return _reload(engine, job_id)
    return _finish(engine, actor, job)


def _handle_batch(
    engine: Engine, actor: Actor, job: ImportJob, start: int, batch: Rows, handler: Handler
) -> ImportJob | None:
    outcomes = handler.handle(None, job, batch) if getattr(handler, "own_transactions", False) else None
    return _run_batch(engine, actor, job.id, start, batch, handler, outcomes)


def _runner(engine: Engine, actor: Actor, handler: Handler, job: ImportJob, progress: Progress | None):
    if engine.dialect.name == "postgresql" and getattr(handler, "overlaps", False):
        return _Overlapping(engine, actor, handler, job, progress)
    return _InTurn(engine, actor, handler, job, progress)


class _InTurn:
    """Each batch handled and reported before the next is begun."""

    def __init__(self, engine: Engine, actor: Actor, handler: Handler, job: ImportJob, progress):
        self.engine, self.actor, self.handler, self.progress = engine, actor, handler, progress
        self.job: ImportJob | None = job

    def run(self, start: int, batch: Rows) -> bool:
        """False when another runner has taken the job on."""
        return self._reported(_handle_batch(self.engine, self.actor, self.job, start, batch, self.handler))

    def _reported(self, job: ImportJob | None) -> bool:
        self.job = job
        if job is not None and self.progress:
            self.progress(job)
        return job is not None

    def finish(self) -> ImportJob | None:
        """The job as its last batch left it (None: another runner took it on)."""
        return self.job

    def close(self) -> None:
        pass


class _Overlapping(_InTurn):
    """Two batches in hand at once on PostgreSQL, for a handler that says it can (`overlaps`): the
    next batch is read and decided while this one's rows are written, so the client's Python and
    the server's work run side by side rather than in turn (~45 % of a payment batch was spent
    waiting on the server, ~35 % of a roster batch; issue 15).

    The next batch sees the database as if this one were done, because it shares none of its
    keys (`touches`: persons and households, or IDs and categories; a batch that shares any
    waits for this one to end) and nothing else it reads is written by this one (the handler's
    to say). The handler begins writing at its `turn` (`handle(…, turn=)`),
    which passes once the batch before is written and reported: what the two overlap is the next
    batch's reads and decisions with this one's writes, commit and report, and what they write
    (ids, receipts, audit events, the job's checkpoint) follows the file as one batch at a time
    did. A handler may also write part of a batch once the batch before has drawn its ids
    (`Turn.wait_drawn`): the payment import its enrolments and entitlements. (A batch the database
    refuses as a set and that is taken again row by row draws its ids anew, at its turn: after the
    next batch's, in that rare case.)"""

    def __init__(self, engine: Engine, actor: Actor, handler: Handler, job: ImportJob, progress):
        super().__init__(engine, actor, handler, job, progress)
        self.pool = ThreadPoolExecutor(2, thread_name_prefix="import-batch")
        self.last: tuple[Future, set[str]] | None = None  # the batch begun last, and the keys it touches
        self.before: Future | None = None  # the one begun before it
        self.turn: Turn | None = None  # the last batch's

    def run(self, start: int, batch: Rows) -> bool:
        touched = self.handler.touches(batch)
        if self.before is not None and not self._reported(self.before.result()):  # two in hand at most
            return False
        previous = None
        if self.last is not None:
            previous, keys = self.last
            if touched & keys and not self._reported(previous.result()):
                return False
        self.turn = Turn(self.turn)
        begun = self.pool.submit(self._batch, self.job, start, batch, previous, self.turn)
        self.before, self.last = previous, (begun, touched)
        return True

    def _batch(
        self, job: ImportJob, start: int, batch: Rows, previous: Future | None, turn: "Turn"
    ) -> ImportJob | None:
        engine, actor, handler = self.engine, self.actor, self.handler
        own = getattr(handler, "own_transactions", False)
        try:
            # A handler writing in its own transactions writes at its turn and reports after the
            # batch before has; one writing in the report's transaction claims the job after its
            # writes (`_run_batch`), once the batch before has committed.
            outcomes = handler.handle(None, job, batch, turn=turn) if own else None
            if own and previous is not None and previous.result() is None:
                done = None
            else:
                done = _run_batch(
                    engine, actor, job.id, start, batch, handler, outcomes, None if own else turn, job
                )
            if done is not None and self.progress:
                self.progress(done)
        except BaseException:
            turn.passed(failed=True)  # the next batch writes nothing: the job stops here
            raise
        turn.passed()  # written and reported: the next batch may write
        if previous is not None and previous.result() is None:
            return None
        return done

    def _reported(self, job: ImportJob | None) -> bool:  # progress is told by each batch itself
        self.job = job
        return job is not None

    def finish(self) -> ImportJob | None:
        in_hand = [self.before, self.last[0] if self.last else None]
        self.before = self.last = None
        for future in (f for f in in_hand if f is not None):  # in order: the first error is raised
            if not self._reported(future.result()):
                return None
        return self.job

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _ahead(engine: Engine, batches: Iterator[Rows], prepare: Callable[[Rows], None] | None) -> Iterator[Rows]:
    """The batches, each next one taken from the child's pipe (and `prepare`d, for a handler with
    a `prepare(rows)`: the checks of cells alone) in a thread while the current one is written:
    the writing thread mostly waits on the database, with the GIL let go. Closing this stops the
    thread before the records' source is closed.

    Not on SQLite: its statements let go of the GIL for microseconds at a time, and each time the
    reading thread took it for a switch interval (5 ms) while the writing thread waited: a batch's
    `BEGIN IMMEDIATE` took 5–6 ms instead of 0.03, and a 40,000-row roster 3.8–4.7 s of work
    against 2.5–3.9 s with the batches read and prepared in the writing thread (issue 15)."""
    if engine.dialect.name == "sqlite":
        yield from batches  # the handler prepares each batch itself
        return

    def take() -> Rows | None:
        batch = next(batches, None)
        if batch is not None and prepare is not None:
            prepare(batch)
        return batch

    with ThreadPoolExecutor(1, thread_name_prefix="import-ahead") as pool:
        coming = pool.submit(take)
        while (batch := coming.result()) is not None:
            coming = pool.submit(take)
            yield batch


class _Analyses:
    """`ANALYZE` of the tables a job fills, after its 1st, 2nd, 4th, 8th… batch (PostgreSQL).

    The triggers' statements and the foreign keys' checks are planned once per session and the
    plan kept until the statistics of a table it reads change. Planned while this year's partition
    was still empty (each year's campaign starts so), they read the whole partition for every
    batch, until autovacuum's next round (a minute apart) happened to analyse it: a 500-payment
    `COPY` grew from 48 to 430 ms over 20,000 rows, then ran at 35 ms once analysed (issue 15).
    Analysed each time the job's rows have doubled, the plans follow the tables' sizes, for a cost
    that grows with the logarithm of the rows (4-77 ms a time up to 20,000 rows; the sample stops
    at 30,000 rows, so it does not grow past that)."""

    def __init__(self, engine: Engine, tables: tuple[str, ...]):
        self.engine, self.batches = engine, 0
        postgresql = engine.dialect.name == "postgresql"
        self.statement = f"ANALYZE {', '.join(tables)}" if tables and postgresql else None

    def after_batch(self) -> None:
        self.batches += 1
        if self.statement is None or self.batches & (self.batches - 1):  # not a power of two
            return
        with self.engine.connect() as connection:
            connection.exec_driver_sql(self.statement)
            connection.commit()


def _numbered(batches: Iterator[Rows]) -> Iterator[tuple[int, Rows]]:
    start = 0
    for batch in batches:
        yield start, batch
        start += len(batch)


class _Taken(Exception):
    """Another runner moved the job's checkpoint on while this batch was handled."""


def _run_batch(
    engine: Engine,
    actor: Actor,
    job_id: int,
    start: int,
    batch: Rows,
    handler: Handler,
    outcomes: list[RowOutcome] | None,
    turn: "Turn | None" = None,
    job: ImportJob | None = None,
) -> ImportJob | None:
    """The batch handled (unless `outcomes` are given) and reported in one transaction.

    `turn` (another batch in hand, `_Overlapping`; `job` as the batch was begun with): the handler
    is given the transaction first and writes at its turn, and the claim comes after it, which
    waits for the batch before to commit; a claim that finds nothing rolls back what it wrote."""
    try:
        with batch_connection(engine) as bind, unit_of_work(bind, actor) as session:
            if turn is not None and outcomes is None:
                with custom_plans(session):
                    outcomes = handler.handle(session, job, batch, turn=turn)
            if (claimed := _claim(session, job_id, start)) is None:
                if turn is not None:
                    raise _Taken
                return None
            job = claimed
            if outcomes is None:
                with custom_plans(session):  # the handler's look-ups run once per batch with new values
                    outcomes = handler.handle(session, job, batch)
            return _report(session, actor, job, start, batch, handler, outcomes)
    except _Taken:
        return None


def _claim(session: Session, job_id: int, start: int) -> ImportJob | None:
    """The job, locked, if its checkpoint is still at `start`. First in a batch's transaction, it
    takes SQLite's write lock and PostgreSQL's row lock, and finds nothing when another runner has
    moved the checkpoint on. It answers the job as well (RETURNING): one statement fewer per batch."""
    return session.execute(
        update(ImportJob)
        .where(
            ImportJob.id == job_id,
            ImportJob.rows_done == start,
            ImportJob.status == ImportStatus.RUNNING,
        )
        .values(rows_done=start)
        .returning(ImportJob)
    ).scalar_one_or_none()


def _report(
    session: Session, actor: Actor, job: ImportJob, start: int, batch: Rows, handler: Handler, outcomes: list
) -> ImportJob:
    """The batch's rows and the job's counters and checkpoint, in the batch's transaction."""
    job_id = job.id
    if len(outcomes) != len(batch):
        raise RuntimeError(
            f"{type(handler).__name__} answered {len(outcomes)} outcomes for {len(batch)} rows"
        )
    insert_rows(
        session,
        ImportRow.__table__,
        ROW_COLUMNS,
        (
            (
                job_id,
                o.row_number,
                str(o.outcome),
                o.field[:40] if o.field else None,
                o.code,
                (o.reason or "")[:200],
                o.id_number[:18] if o.id_number else None,
                o.key,
            )
            for o in outcomes
        ),
    )
    job.rows_done = start + len(batch)
    job.imported += sum(o.outcome == IMPORTED for o in outcomes)
    job.unchanged += sum(o.outcome == UNCHANGED for o in outcomes)
    job.refused += sum(o.outcome == REFUSED for o in outcomes)
    session.add(job)
    audit.record(session, actor, "import_batch", job)
    return job


@contextmanager
def batch_connection(engine: Engine) -> Iterator[Engine | Connection]:
    """What a batch's transaction runs on: the engine; on SQLite a connection of its own whose
    commits do not wait for the disk (`PRAGMA synchronous = NORMAL` until the batch ends) nor,
    mostly, for a checkpoint (`_BATCH_PRAGMAS`).

    A batch's data and its checkpoint (`rows_done`) commit together, so a batch that an operating
    system crash or power cut takes back with its commit is, to the job, a batch not yet done: the
    same file resumes before it (WAL keeps the database whole either way). The job is finished by
    a commit that syncs, which makes every batch before it durable. The sync of each commit was a
    fifth of a roster batch on this machine's disk (40,000 rows: 3.4–5.0 s of work, 2.0–2.9 s
    without; issue 15); the baseline of bench/roster_import.py syncs once per 5,000 rows.

    A handler writing its batch in a transaction of its own before the checkpoint's
    (`own_transactions`, the payment import) may take one too: a crash that takes that commit
    back takes every later one with it (WAL keeps commits in order), the checkpoint's among them,
    and a batch whose data outlived its checkpoint is found again by its keys when resumed."""
    if engine.dialect.name != "sqlite":
        yield engine
        return
    with engine.connect() as connection:
        before = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in _BATCH_PRAGMAS}
        for name, value in _BATCH_PRAGMAS.items():
            connection.exec_driver_sql(f"PRAGMA {name} = {value}")
        connection.commit()  # ends SQLAlchemy's own begin, so the batch's session begins (IMMEDIATE)
        try:
            yield connection
        finally:
            connection.rollback()  # whatever the session left unended
            connection.execution_options(**{WRITE: False})  # the session marked it; no write lock for this
            for name, value in before.items():
                connection.exec_driver_sql(f"PRAGMA {name} = {int(value)}")
            connection.commit()


# A batch's commit on SQLite: not waiting for the disk (above), and not folding the WAL back into
# the database file (a checkpoint, which syncs it twice) until the WAL holds 64 MiB where SQLite's
# default is 4 MiB: a payment batch writes several MiB (its audit images), so by default nearly
# every batch's commit ran a checkpoint; 10,000 payments took 4.2-4.6 s against 4.8-6.1 (issue 15).
# Any later commit over the default size folds the rest in. Meanwhile a thread of the import's
# own copies most of the log in beside the batches (core/imports/wal.py).
_BATCH_PRAGMAS = {"synchronous": "NORMAL", "wal_autocheckpoint": 16384}


def _finish(engine: Engine, actor: Actor, job: ImportJob) -> ImportJob:
    with unit_of_work(engine, actor) as session:
        stored = session.exec(select(ImportJob).where(ImportJob.id == job.id).with_for_update()).one()
        if stored.status == ImportStatus.DONE:
            return stored
        stored.status = ImportStatus.DONE
        stored.rows_total = stored.rows_done
        stored.finished_at = utcnow()
        session.add(stored)
        audit.record(session, actor, "finish_import", stored)
        return stored


def _reload(engine: Engine, job_id: int) -> ImportJob:
    with Session(engine, expire_on_commit=False) as session:
        return session.get(ImportJob, job_id)


def run_import(
    engine: Engine,
    actor: Actor,
    path: Path,
    handler: Handler,
    *,
    filename: str,
    region_code: str,
    source: str | None = None,
    as_of: date | None = None,
    options: dict[str, Any] | None = None,
    batch_size: int = 500,
    progress: Progress | None = None,
) -> ImportJob:
    """Imports `path` (CSV or XLSX) with `handler`; see the module docstring."""
    job = start_import(
        engine,
        actor,
        path,
        handler,
        filename=filename,
        region_code=region_code,
        source=source,
        as_of=as_of,
        options=options,
    )
    return resume_import(engine, actor, job, path, handler, batch_size=batch_size, progress=progress)


__all__ = [
    "IMPORTED",
    "REFUSED",
    "UNCHANGED",
    "Handler",
    "RowOutcome",
    "dedup_key",
    "file_sha256",
    "resume_import",
    "run_import",
    "start_import",
]
