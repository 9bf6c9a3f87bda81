"""Roster import benchmark: peak memory and rows per second of `yibao roster import` at N/10 and N rows.

    .venv/bin/python bench/roster_import.py [--rows 200000] [--sqlite] [--formats csv,xlsx]

Seeds a throwaway database (PostgreSQL by default, started like the tests do; `--sqlite` for a
file) with N + N/10 registered persons by bulk insert (executemany / COPY), writes a
civil-affairs 低保 roster of N/10 rows and of N rows (CSV, and XLSX written with openpyxl's
write-only mode), and runs each import as a SUBPROCESS on a fresh copy of the seeded database,
measuring its wall time, its own time from job start to finish, and its peak RSS (`ru_maxrss`
of RUSAGE_CHILDREN, read by a tiny launcher that is its only parent). A flat
memory profile shows as a peak-RSS ratio near 1 between the N-row and the N/10-row runs. The
baseline in the same run inserts the same category_fact rows (N/10 and N) with a raw
executemany / COPY (also in a subprocess), the floor of what the database itself costs; the
ratio to it is printed for the wall time and for the work alone (the job's own time against
the baseline's timer around its reading and inserting), with the N / (N/10) time ratio that
shows whether the cost is linear. See bench/README.md.
"""

import argparse
import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `tests` importable
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests.support.factories import with_check_digit  # noqa: E402
from yibao.core.db import WRITE, make_engine  # noqa: E402

COUNTY = "341721"  # 东至县: the roster's region and the persons' hukou
SOURCE = "CIVIL_AFFAIRS"  # 民政局 asserts 低保 (东政办〔2021〕6号 五（三）)
AS_OF = "2021-09-30"  # the September roster (东政办〔2021〕6号 四（四）)
CATEGORY = "低保对象"  # core/rules/vocabulary.py CATEGORIES["MINIMUM_LIVING"]
HEADER = ("姓名", "身份证号码", "类别", "认定日期")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
BORN_FROM = date(1940, 1, 1)


# ---------------------------------------------------------------- data


@contextmanager
def writing(engine):
    """A connection in a transaction that writes. On SQLite yibao's engines leave the driver in
    autocommit and begin only the transactions marked as writing (core/db.py), so a plain
    `engine.begin()` would commit, and sync, every row of an executemany on its own."""
    with engine.connect() as connection:
        connection.execution_options(**{WRITE: True})
        with connection.begin():
            yield connection


def person(index: int) -> tuple[str, str, date, str]:
    """The index-th synthetic resident: (ID number, name, birth date, gender), all unique IDs.

    1000 sequence numbers per birth date (GB 11643 digits 15–17), odd for men.
    """
    born = BORN_FROM + timedelta(days=index // 1000)
    order = index % 1000
    number = with_check_digit(f"{COUNTY}{born:%Y%m%d}{order:03d}")
    name = (
        SURNAMES[index % len(SURNAMES)]
        + GIVEN[(index // 20) % len(GIVEN)]
        + GIVEN[(index // 500) % len(GIVEN)]
    )
    return number, name, born, "M" if order % 2 else "F"


def since(index: int) -> date:
    return date(2021, 1, 1) + timedelta(days=index % 270)  # recognised before the roster date


def seed_persons(url: str, count: int) -> float:
    """Bulk-inserts `count` persons (COPY on PostgreSQL, executemany on SQLite); seconds taken."""
    from yibao.core.models import Person

    started = time.perf_counter()
    now = datetime.now(UTC)
    rows = (
        # the county code last (migration 0018): the hukou's, as yibao states it for a person in no household
        (number, name, born, gender, COUNTY, now, COUNTY[:6])
        for number, name, born, gender in map(person, range(count))
    )
    engine = make_engine(url)
    try:
        if engine.dialect.name == "postgresql":
            raw = engine.raw_connection()
            try:
                with (
                    raw.driver_connection.cursor() as cursor,
                    cursor.copy(
                        "COPY person (id_number, name, birth_date, gender, hukou_region_code, created_at, "
                        "county_code) FROM STDIN"
                    ) as copy,
                ):
                    for row in rows:
                        copy.write_row(row)
                raw.driver_connection.commit()
            finally:
                raw.close()
        else:
            columns = (
                "id_number",
                "name",
                "birth_date",
                "gender",
                "hukou_region_code",
                "created_at",
                "county_code",
            )
            table = Person.__table__
            with writing(engine) as connection:
                chunk = []
                for row in rows:
                    chunk.append(dict(zip(columns, row, strict=True)))
                    if len(chunk) == 10_000:
                        connection.execute(table.insert(), chunk)
                        chunk = []
                if chunk:
                    connection.execute(table.insert(), chunk)
    finally:
        engine.dispose()
    return time.perf_counter() - started


def roster_rows(first: int, count: int):
    for index in range(first, first + count):
        number, name, _, _ = person(index)
        yield name, number, CATEGORY, since(index)


def write_csv(path: Path, first: int, count: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # as Excel saves "CSV UTF-8"
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for name, number, category, day in roster_rows(first, count):
            writer.writerow((name, number, category, day.isoformat()))


def write_xlsx(path: Path, first: int, count: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(HEADER)
    for name, number, category, day in roster_rows(first, count):
        sheet.append((name, number, category, day))  # ID as text, the date as an Excel date cell
    workbook.save(path)


# ---------------------------------------------------------------- databases


class Store:
    """A seeded database and fresh copies of it, one per measured run."""

    def __init__(self, workdir: Path, postgres: bool):
        self.workdir = workdir
        self.server = None
        self.copies = 0
        if postgres:
            from tests.support.postgres_server import PostgresServer

            self.server = PostgresServer()
            self.admin_url = self.server.start()
            self.seed_url = self._create("yibao_seed")
        else:
            self.seed_url = f"sqlite:///{workdir / 'seed.db'}"

    @property
    def name(self) -> str:
        return "PostgreSQL" if self.server else "SQLite"

    def _admin(self, statement: str) -> None:
        admin = make_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(statement))
        finally:
            admin.dispose()

    def _create(self, name: str, template: str | None = None) -> str:
        self._admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def migrate(self) -> None:
        from yibao.core.migrate import installed_years, upgrade

        engine = make_engine(self.seed_url)
        try:
            upgrade(engine, years=installed_years())
        finally:
            engine.dispose()

    def finish_seed(self) -> None:
        """Statistics for the planner, and SQLite's WAL folded into the file before copies."""
        engine = make_engine(self.seed_url)
        try:
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
            if not self.server:
                with engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            engine.dispose()

    def fresh_copy(self) -> str:
        self.copies += 1
        if self.server:
            return self._create(f"yibao_run{self.copies}", template="yibao_seed")
        path = self.workdir / f"run{self.copies}.db"
        source = sqlite3.connect(self.workdir / "seed.db")
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        if self.server:
            self._admin(f'DROP DATABASE "{make_url(url).database}"')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(make_url(url).database + suffix).unlink(missing_ok=True)

    def stop(self) -> None:
        if self.server:
            self.server.stop()


# ---------------------------------------------------------------- measured subprocesses


@dataclass
class Run:
    label: str
    rows: int
    seconds: float
    peak_rss_kib: int
    file_mib: float | None = None
    check: str = ""
    job_seconds: float | None = None  # the job's created_at → finished_at: no start-up, no file scan
    tenths: list[float] | None = None  # mean ms per batch in each tenth of the job (batch_tenths)
    cpu: float | None = None  # CPU seconds of the process and its children (cpu_seconds), when taken

    @property
    def rate(self) -> float | None:
        return self.rows / self.seconds if self.rows and self.seconds else None

    @property
    def job_rate(self) -> float | None:
        return self.rows / self.job_seconds if self.rows and self.job_seconds else None


# Peak RSS is read by a tiny launcher that is the measured process's only parent: Linux carries
# a parent's RSS into a forked child's ru_maxrss (the pre-exec image counts), so measured from
# this process every child would show at least this process's own ~80 MiB.
LAUNCHER = """
import os, resource, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status = os.waitpid(pid, 0)
used = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    out.write(f"{used.ru_maxrss} {used.ru_utime + used.ru_stime}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measure(command: list[str], env: dict, workdir: Path, log_name: str) -> tuple[float, int, int]:
    """Runs `command`, returning (wall seconds, exit code, its peak RSS in KiB)."""
    rss_file = workdir / f"{log_name}.rss"
    launcher = [sys.executable, "-S", "-c", LAUNCHER, str(rss_file)]
    with (workdir / f"{log_name}.out").open("wb") as out, (workdir / f"{log_name}.err").open("wb") as err:
        started = time.perf_counter()
        code = subprocess.run(launcher + command, cwd=workdir, env=env, stdout=out, stderr=err).returncode
        seconds = time.perf_counter() - started
    return seconds, code, int(rss_file.read_text().split()[0]) if rss_file.exists() else 0


def cpu_seconds(workdir: Path, log_name: str) -> float | None:
    """The CPU seconds (user + system) `measure` saw the command and its children use: on a machine
    shared with other work, what the wall time loses to waiting for a core is not in it."""
    rss_file = workdir / f"{log_name}.rss"
    return float(rss_file.read_text().split()[1]) if rss_file.exists() else None


def child_env(url: str) -> dict:
    return {**os.environ, "YIBAO_DATABASE_URL": url}


def tail(path: Path, lines: int = 15) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def import_run(store: Store, workdir: Path, path: Path, rows: int, batch_size: int) -> Run:
    url = store.fresh_copy()
    log = f"import-{path.stem}-{path.suffix[1:]}"
    command = [
        sys.executable, "-m", "yibao.api.cli", "roster", "import", str(path),
        "--source", SOURCE, "--as-of", AS_OF, "--region", COUNTY, "--batch-size", str(batch_size),
    ]  # fmt: skip
    seconds, code, rss = measure(command, child_env(url), workdir, log)
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} exited {code}:\n{tail(workdir / f'{log}.err')}")
    check, job_seconds = verify(url, rows)
    tenths = batch_tenths(url)
    store.drop(url)
    return Run(
        f"roster import {path.suffix[1:]}",
        rows,
        seconds,
        rss,
        path.stat().st_size / 2**20,
        check,
        job_seconds,
        tenths,
    )


def verify(url: str, rows: int) -> tuple[str, float | None]:
    """The job is DONE with every row imported, and the facts are in the table; the job's seconds."""
    from yibao.core.models import ImportJob

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            status, imported, refused, created, finished = connection.execute(
                select(
                    ImportJob.status, ImportJob.imported, ImportJob.refused, ImportJob.created_at,
                    ImportJob.finished_at,
                )
            ).one()  # fmt: skip
            facts = connection.execute(
                text("SELECT count(*) FROM category_fact WHERE import_job_id IS NOT NULL")
            ).scalar_one()
    finally:
        engine.dispose()
    seconds = (finished - created).total_seconds() if finished and created else None
    if (status, imported, refused, facts) != ("DONE", rows, 0, rows):
        return f"UNEXPECTED: job {status}, imported {imported}, refused {refused}, facts {facts}", seconds
    return "ok", seconds


def batch_tenths(url: str) -> list[float] | None:
    """Mean milliseconds between the job's batch commits (their `import_batch` audit events), per
    tenth of the job: flat when each batch costs the same however many rows came before it."""
    from yibao.core.models import AuditEvent

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            stamps = connection.execute(
                select(AuditEvent.at).where(AuditEvent.action == "import_batch").order_by(AuditEvent.id)
            ).scalars().all()  # fmt: skip
    finally:
        engine.dispose()
    gaps = [(b - a).total_seconds() * 1000 for a, b in zip(stamps, stamps[1:], strict=False)]
    if len(gaps) < 10:
        return None
    size = len(gaps) // 10
    return [sum(gaps[i * size : (i + 1) * size]) / size for i in range(10)]


def baseline_run(store: Store, workdir: Path, path: Path, rows: int) -> Run:
    url = store.fresh_copy()
    log = f"baseline-{rows}"
    command = [sys.executable, str(Path(__file__).resolve()), "--baseline-worker", str(path)]
    seconds, code, rss = measure(command, child_env(url), workdir, log)
    if code != 0:
        raise RuntimeError(f"baseline exited {code}:\n{tail(workdir / f'{log}.err')}")
    work = float((workdir / f"{log}.out").read_text().split()[-1])  # the worker's own timer
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            facts = connection.execute(text("SELECT count(*) FROM category_fact")).scalar_one()
    finally:
        engine.dispose()
    store.drop(url)
    kind = "COPY" if store.server else "executemany"
    return Run(f"raw {kind} (baseline)", rows, seconds, rss, path.stat().st_size / 2**20,
               "ok" if facts == rows else f"UNEXPECTED: {facts} facts", work)  # fmt: skip


def floor_run(store: Store, workdir: Path) -> Run:
    """The interpreter with the import's modules loaded and nothing read: the RSS floor."""
    modules = (
        "yibao.api.cli",
        "yibao.core.imports.jobs",
        "yibao.core.services.rosters",
        "openpyxl",
        "yibao.core.plugins",
    )
    code = f"import {', '.join(modules)}"
    seconds, status, rss = measure([sys.executable, "-c", code], child_env(store.seed_url), workdir, "floor")
    return Run("modules loaded, no rows", 0, seconds, rss, check="ok" if status == 0 else f"exit {status}")


# ---------------------------------------------------------------- the baseline worker


def baseline_worker(path: Path, chunk: int = 5000) -> None:
    """Streams the CSV and inserts its facts with one IN lookup and one executemany/COPY per chunk;
    prints its seconds from start to the last commit."""
    from sqlalchemy import bindparam

    from yibao.core.models import CategoryFact

    started = time.perf_counter()  # after the imports: the job's own time starts with its modules loaded
    engine = make_engine()
    postgres = engine.dialect.name == "postgresql"
    source = f"{SOURCE}:{AS_OF}"
    lookup = text("SELECT id_number, id, county_code FROM person WHERE id_number IN :numbers").bindparams(
        bindparam("numbers", expanding=True)
    )

    def flush(connection, rows: list[tuple[str, str]]) -> None:
        found = connection.execute(lookup, {"numbers": [number for number, _ in rows]}).all()
        ids = {number: (person, county) for number, person, county in found}
        now = datetime.now(UTC)
        facts = [
            (ids[number][0], "MINIMUM_LIVING", date.fromisoformat(day), source, now, ids[number][1])
            for number, day in rows
        ]
        if postgres:
            cursor = connection.connection.driver_connection.cursor()
            with cursor.copy(
                "COPY category_fact (person_id, code, since, source, created_at, county_code) FROM STDIN"
            ) as copy:
                for fact in facts:
                    copy.write_row(fact)
        else:
            columns = ("person_id", "code", "since", "source", "created_at", "county_code")
            connection.execute(
                CategoryFact.__table__.insert(), [dict(zip(columns, fact, strict=True)) for fact in facts]
            )

    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        rows: list[tuple[str, str]] = []
        for _, number, _, day in reader:
            rows.append((number, day))
            if len(rows) == chunk:
                with writing(engine) as connection:
                    flush(connection, rows)
                rows = []
        if rows:
            with writing(engine) as connection:
                flush(connection, rows)
    engine.dispose()
    print(f"{time.perf_counter() - started:.3f}")


# ---------------------------------------------------------------- report


def report(runs: list[Run], store: Store, args) -> None:
    def number(value, form: str, width: int) -> str:
        return f"{value:{width}{form}}" if value is not None else f"{'-':>{width}}"

    print()
    print(
        f"{'run':<28} {'rows':>7} {'file MiB':>8} {'wall s':>7} {'rows/s':>7} {'work s':>7} "
        f"{'work rows/s':>11} {'peak RSS MiB':>12}  check"
    )
    for run in runs:
        print(
            f"{run.label:<28} {run.rows:>7} {number(run.file_mib, '.1f', 8)} {run.seconds:7.1f} "
            f"{number(run.rate, '.0f', 7)} {number(run.job_seconds, '.1f', 7)} "
            f"{number(run.job_rate, '.0f', 11)} "
            f"{run.peak_rss_kib / 1024:12.1f}  {run.check}"
        )
    floor = runs[0]
    baselines = {r.rows: r for r in runs if r.label.startswith("raw ")}
    print()
    for fmt in args.formats:
        small, large = (r for r in runs if r.label == f"roster import {fmt}")
        print(
            f"{fmt}: peak RSS {large.peak_rss_kib / 1024:.1f} MiB at {large.rows} rows / "
            f"{small.peak_rss_kib / 1024:.1f} MiB at {small.rows} rows = "
            f"{large.peak_rss_kib / small.peak_rss_kib:.2f} (above the {floor.peak_rss_kib / 1024:.1f} MiB "
            f"of the modules alone: {(large.peak_rss_kib - floor.peak_rss_kib) / 1024:.1f} / "
            f"{(small.peak_rss_kib - floor.peak_rss_kib) / 1024:.1f} MiB)"
        )
        print_comparison(
            f"roster import {fmt}", store, args.batch_size, baselines, {r.rows: r for r in (small, large)}
        )
    print(
        f"{os.cpu_count()} CPUs; RSS is the import "
        f"process alone{' (not the PostgreSQL server)' if store.server else ''}"
    )


def print_comparison(label: str, store: Store, batch_size: int, baselines: dict, imports: dict) -> None:
    """Rows/s against the same rows' baseline (ratio = import rows/s ÷ baseline rows/s), for the
    wall time and for the work alone, and the large run's time over the small one's."""
    kind = "COPY" if store.server else "executemany"
    print(f"\n{label}, {store.name}, batch size {batch_size}; baseline: raw {kind} of the same rows")
    print(
        f"{'rows':>7}  {'import rows/s':>13} {'baseline rows/s':>15} {'ratio':>6}   "
        f"{'work: import rows/s':>19} {'baseline rows/s':>15} {'ratio':>6}"
    )
    for rows in sorted(imports):
        run, base = imports[rows], baselines[rows]
        work = run.job_rate / base.job_rate if run.job_rate and base.job_rate else None
        print(
            f"{rows:>7}  {run.rate:13.0f} {base.rate:15.0f} {run.rate / base.rate:6.2f}   "
            f"{run.job_rate or 0:19.0f} {base.job_rate or 0:15.0f} {work or 0:6.2f}"
        )
    small, large = (imports[r] for r in sorted(imports))
    growth = large.rows / small.rows
    work = f"{large.job_seconds / small.job_seconds:.1f}" if large.job_seconds and small.job_seconds else "-"
    base_small, base_large = (baselines[r] for r in sorted(imports))
    print(
        f"{growth:.0f}× the rows took {large.seconds / small.seconds:.1f}× the wall time "
        f"({work}× the work); the baseline {base_large.seconds / base_small.seconds:.1f}× "
        f"({base_large.job_seconds / base_small.job_seconds:.1f}× its work)",
        flush=True,
    )
    if all(run.cpu for run in (*imports.values(), *baselines.values())):
        where = "the client's share: the server's is not in it" if store.server else "all of the work"
        print(
            f"CPU seconds of the processes ({where}): "
            + "; ".join(
                f"{rows} rows import {imports[rows].cpu:.1f} vs baseline {baselines[rows].cpu:.1f} "
                f"(ratio {baselines[rows].cpu / imports[rows].cpu:.2f})"
                for rows in sorted(imports)
            ),
            flush=True,
        )
    if large.tenths:
        print(
            f"ms per batch in each tenth of the {large.rows}-row job: "
            f"{' '.join(f'{ms:.0f}' for ms in large.tenths)} (last / first "
            f"{large.tenths[-1] / large.tenths[0]:.2f})",
            flush=True,
        )


# ---------------------------------------------------------------- main


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=200_000, help="N, the large roster (default 200000)")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    parser.add_argument("--formats", default="csv,xlsx", help="comma-separated: csv, xlsx (default both)")
    parser.add_argument("--batch-size", type=int, default=500, help="rows per committed batch (default 500)")
    parser.add_argument("--baseline-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if unknown := set(args.formats) - {"csv", "xlsx"}:
        parser.error(f"unknown format {', '.join(sorted(unknown))}")
    if args.rows < 10:
        parser.error("--rows must be at least 10")
    return args


def _terminate(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.baseline_worker:
        baseline_worker(args.baseline_worker)
        return 0
    signal.signal(signal.SIGTERM, _terminate)  # `kill` cleans up like Ctrl-C does
    workdir = Path(tempfile.mkdtemp(prefix="yibao-bench-"))
    if os.geteuid() == 0:  # PostgreSQL runs as another user; the files stay readable to it
        os.chmod(workdir, 0o755)
    store = None
    large, small = args.rows, args.rows // 10
    try:
        store = Store(workdir, postgres=not args.sqlite)
        store.migrate()
        seconds = seed_persons(store.seed_url, large + small)
        store.finish_seed()
        print(f"{store.name}: seeded {large + small} persons in {seconds:.1f} s", flush=True)
        files = {}
        for fmt in args.formats:
            write = write_csv if fmt == "csv" else write_xlsx
            # The small roster names persons the large one does not; each run has a fresh copy anyway.
            for rows, first in ((small, large), (large, 0)):
                path = workdir / f"roster_{rows}.{fmt}"
                started = time.perf_counter()
                write(path, first, rows)
                files[fmt, rows] = path
                print(f"wrote {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
        runs = [floor_run(store, workdir)]
        print(f"{runs[-1].label}: {runs[-1].peak_rss_kib / 1024:.1f} MiB", flush=True)
        for rows, first in ((small, large), (large, 0)):  # the same rows as the imports
            baseline_file = workdir / f"roster_{rows}.csv"
            if ("csv", rows) not in files:
                write_csv(baseline_file, first, rows)
            runs.append(baseline_run(store, workdir, baseline_file, rows))
            print(f"{runs[-1].label} {rows} rows: {runs[-1].seconds:.1f} s", flush=True)
        for fmt in args.formats:
            for rows in (small, large):
                runs.append(import_run(store, workdir, files[fmt, rows], rows, args.batch_size))
                print(f"{runs[-1].label} {rows} rows: {runs[-1].seconds:.1f} s", flush=True)
        report(runs, store, args)
        return 0
    except KeyboardInterrupt:
        print("bench: interrupted; cleaning up", file=sys.stderr)
        return 130
    except RuntimeError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    finally:
        if store is not None:
            try:
                store.stop()
            except Exception as error:  # never started: nothing left to stop
                print(f"bench: stopping PostgreSQL: {error}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
