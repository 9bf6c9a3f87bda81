"""Payment import benchmark: rows per second of `yibao payments import` at N/10 and N rows.

    .venv/bin/python bench/payment_import.py [--rows 100000] [--sqlite]

Seeds a throwaway database (PostgreSQL by default, like the tests start it; `--sqlite` for a
file) with N + N/10 registered persons of 东至县 in households of four, by bulk insert, writes a
collected roster (缴费清册) of N/10 rows and of N rows — each person paying 320.00 on 2021-10-08,
inside the collection window of 东政办〔2021〕6号 一、四（四）, through the village's collection
(VILLAGE_CASH, 四（一）3) — and runs each import as a subprocess on a fresh copy of the seeded
database. Each import enrols every person and records the payment. The baseline, on the same
rows in the same run, streams the file and inserts the same enrolments and payments with a raw
COPY (PostgreSQL) or executemany (SQLite): the floor of what the database itself costs.

Prints rows/s and the ratio to the baseline twice: wall time of each subprocess (interpreter
start-up included), and the work alone (the import job's created_at → finished_at; the
baseline's own timer around its reading and inserting). See bench/README.md.
"""

import argparse
import csv
import os
import shutil
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `tests` and `bench` importable
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bench.roster_import import (  # noqa: E402
    COUNTY,
    Run,
    Store,
    _terminate,
    batch_tenths,
    child_env,
    cpu_seconds,
    measure,
    person,
    print_comparison,
    seed_persons,
    tail,
    writing,
)
from yibao.core.db import make_engine  # noqa: E402

POLICY = "anhui/341721/2022"  # 东政办〔2021〕6号
YEAR = 2022
PAID_ON = "2021-10-08"  # inside 一、四（四）'s 2021-09-20 … 2021-12-31
AMOUNT = "320.00"  # 一: the individual share
CHANNEL = "VILLAGE_CASH"  # 四（一）3
HEADER = ("姓名", "身份证号码", "缴费金额", "缴费日期")
HOUSEHOLD = 4  # members per seeded household


def seed_households(url: str, persons: int) -> None:
    """Households of four over the seeded persons (ids 1…N), the first member the head."""
    engine = make_engine(url)
    now = datetime.now(UTC)
    try:
        with writing(engine) as connection:
            households = -(-persons // HOUSEHOLD)
            connection.execute(
                text(
                    "INSERT INTO household (id, address_region_code, address, created_at, county_code) "
                    "VALUES (:id, :region, :address, :now, :county)"
                ),
                [
                    {
                        "id": i,
                        "region": COUNTY,
                        "address": f"东至县某村{i}号",
                        "now": now,
                        "county": COUNTY[:6],
                    }
                    for i in range(1, households + 1)
                ],
            )
            connection.execute(
                text(
                    "INSERT INTO household_member (household_id, person_id, relation, is_head, county_code) "
                    f"SELECT (id - 1) / {HOUSEHOLD} + 1, id, "
                    f"CASE WHEN (id - 1) % {HOUSEHOLD} = 0 THEN '户主' ELSE '其他' END, "
                    f"(id - 1) % {HOUSEHOLD} = 0, county_code FROM person"
                )
            )
            if engine.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT setval(pg_get_serial_sequence('household', 'id'), :last)"),
                    {"last": households},
                )
    finally:
        engine.dispose()


def write_csv(path: Path, first: int, count: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(first, first + count):
            number, name, _, _ = person(index)
            writer.writerow((name, number, AMOUNT, PAID_ON))


def import_run(store: Store, workdir: Path, path: Path, rows: int, batch_size: int) -> Run:
    url = store.fresh_copy()
    log = f"import-{path.stem}"
    command = [
        sys.executable, "-m", "yibao.api.cli", "payments", "import", str(path),
        "--policy", POLICY, "--region", COUNTY, "--batch-size", str(batch_size),
    ]  # fmt: skip
    seconds, code, rss = measure(command, child_env(url), workdir, log)
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} exited {code}:\n{tail(workdir / f'{log}.err')}")
    check, job_seconds = verify(url, rows)
    tenths = batch_tenths(url)
    store.drop(url)
    return Run(
        "payment import csv", rows, seconds, rss, path.stat().st_size / 2**20, check, job_seconds, tenths,
        cpu_seconds(workdir, log),
    )  # fmt: skip


def verify(url: str, rows: int) -> tuple[str, float | None]:
    """The job is DONE with every row imported, one payment per row; the job's seconds."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            status, imported, refused, created, finished = connection.execute(
                text("SELECT status, imported, refused, created_at, finished_at FROM import_job")
            ).one()
            payments = connection.execute(text("SELECT count(*) FROM payment")).scalar_one()
            paid = connection.execute(
                text("SELECT count(*) FROM enrolment WHERE status = 'PAID'")
            ).scalar_one()
    finally:
        engine.dispose()
    if isinstance(created, str):  # SQLite hands back text through a raw select
        created, finished = datetime.fromisoformat(created), finished and datetime.fromisoformat(finished)
    seconds = (finished - created).total_seconds() if finished and created else None
    if (status, imported, refused, payments, paid) != ("DONE", rows, 0, rows, rows):
        return (
            f"UNEXPECTED: job {status}, imported {imported}, refused {refused}, payments {payments}, "
            f"paid {paid}",
            seconds,
        )
    return "ok", seconds


def baseline_run(store: Store, workdir: Path, path: Path, rows: int) -> Run:
    url = store.fresh_copy()
    log = f"baseline-{rows}"
    command = [sys.executable, str(Path(__file__).resolve()), "--baseline-worker", str(path)]
    seconds, code, rss = measure(command, child_env(url), workdir, log)
    if code != 0:
        raise RuntimeError(f"baseline exited {code}:\n{tail(workdir / f'{log}.err')}")
    work = float((workdir / f"{log}.out").read_text().split()[-1])
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            payments = connection.execute(text("SELECT count(*) FROM payment")).scalar_one()
    finally:
        engine.dispose()
    store.drop(url)
    kind = "COPY" if store.server else "executemany"
    check = "ok" if payments == rows else f"UNEXPECTED: {payments} payments"
    return Run(
        f"raw {kind} (baseline)", rows, seconds, rss, path.stat().st_size / 2**20, check, work,
        cpu=cpu_seconds(workdir, log),
    )  # fmt: skip


def baseline_worker(path: Path, chunk: int = 5000) -> None:
    """Streams the CSV and, per chunk, looks the persons up, inserts their enrolments, reads the
    enrolments' ids back and inserts the payments: one COPY / executemany each. Prints its seconds."""
    from sqlalchemy import bindparam

    started = time.perf_counter()
    engine = make_engine()
    postgres = engine.dialect.name == "postgresql"
    persons = text("SELECT id_number, id FROM person WHERE id_number IN :numbers").bindparams(
        bindparam("numbers", expanding=True)
    )
    enrolments = text("SELECT person_id, id FROM enrolment WHERE person_id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    enrolment_columns = (
        "person_id", "coverage_year", "region_code", "policy_id", "tier", "status", "snapshot",
        "idempotency_key", "channel", "enrolled_on", "amount_due_fen", "created_at", "county_code",
    )  # fmt: skip
    payment_columns = (
        "enrolment_id", "kind", "amount_fen", "paid_on", "channel", "collector", "receipt_region_code",
        "coverage_year", "receipt_seq", "receipt_number", "idempotency_key", "created_at", "county_code",
    )  # fmt: skip
    seq = 0

    def insert(connection, table: str, columns: tuple, values: list[tuple]) -> None:
        if postgres:
            cursor = connection.connection.driver_connection.cursor()
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            statement = text(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
            )
            connection.execute(statement, [dict(zip(columns, row, strict=True)) for row in values])

    def flush(connection, rows: list[tuple[str, str]]) -> None:
        nonlocal seq
        ids = dict(connection.execute(persons, {"numbers": [number for number, _ in rows]}).all())
        now = datetime.now(UTC)
        day = datetime.fromisoformat(PAID_ON).date()
        insert(connection, "enrolment", enrolment_columns, [
            (ids[n], YEAR, COUNTY, POLICY, "1", "PAID", "{}", f"e{ids[n]}", CHANNEL, day, 32000, now,
             COUNTY[:6])
            for n, _ in rows
        ])  # fmt: skip
        enrolled = dict(connection.execute(enrolments, {"ids": [ids[n] for n, _ in rows]}).all())
        payments = []
        for number, _ in rows:
            seq += 1
            payments.append((
                enrolled[ids[number]], "PAYMENT", 32000, day, CHANNEL, "bench", COUNTY, YEAR, seq,
                f"{COUNTY}{YEAR}{seq:08d}", f"p{ids[number]}", now, COUNTY[:6],
            ))  # fmt: skip
        insert(connection, "payment", payment_columns, payments)

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


def _print_run(run: Run, rows: int) -> None:
    """Its time and its check (the job, its rows, the ledger), which nothing else prints."""
    print(f"{run.label} {rows} rows: {run.seconds:.1f} s, check {run.check}", flush=True)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000, help="N, the large roster (default 100000)")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    parser.add_argument("--batch-size", type=int, default=500, help="rows per batch (default 500)")
    parser.add_argument("--baseline-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rows < 10:
        parser.error("--rows must be at least 10")
    return args


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
        seed_households(store.seed_url, large + small)
        store.finish_seed()
        print(f"{store.name}: seeded {large + small} persons in {seconds:.1f} s", flush=True)
        files = {}
        for rows, first in ((small, large), (large, 0)):
            files[rows] = workdir / f"payments_{rows}.csv"
            write_csv(files[rows], first, rows)
        baselines, imports = {}, {}
        for rows in (small, large):
            baselines[rows] = baseline_run(store, workdir, files[rows], rows)
            _print_run(baselines[rows], rows)
            imports[rows] = import_run(store, workdir, files[rows], rows, args.batch_size)
            _print_run(imports[rows], rows)
        print_comparison("payment import", store, args.batch_size, baselines, imports)
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
