"""`yibao roster import`: a department's roster (花名册) into hardship identities, with progress."""

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from .cli_common import operator

REPORT_COLUMNS = ("row", "outcome", "field", "code", "reason", "idNumber")
SHOWN_REFUSALS = 20


class ProgressBar:
    """`[#######.............]  3500/10000  35.0%  refused 12` on stderr, redrawn in place."""

    def __init__(self, stream=sys.stderr, width: int = 30, every: float = 0.2):
        self.stream, self.width, self.every = stream, width, every
        self._last = 0.0
        self._drawn = False

    def __call__(self, job) -> None:
        now = time.monotonic()
        total = job.rows_total or 0
        if now - self._last < self.every and job.rows_done < total:
            return
        self._last, self._drawn = now, True
        share = job.rows_done / total if total else 1.0
        filled = int(self.width * share)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(
            f"\r[{bar}] {job.rows_done:>{len(str(total))}}/{total} {share:6.1%}  refused {job.refused}"
        )
        self.stream.flush()

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()


def roster_import(args: argparse.Namespace) -> None:
    from core.plugins import load_registry
    from core.services.rosters import import_roster

    run_import_command(
        args,
        lambda engine, actor, path, bar: import_roster(
            engine,
            actor,
            path,
            source=args.source,
            as_of=args.as_of,
            region_code=args.region,
            categories=load_registry().categories,
            batch_size=args.batch_size,
            progress=bar,
        ),
    )


def run_import_command(args: argparse.Namespace, run) -> None:
    """Runs `run(engine, actor, path, progress)` with a progress bar, then prints the summary,
    the first refused rows and, with `--report`, every row's outcome as CSV."""
    from core import exports
    from core.db import make_engine
    from core.errors import InputError

    path = Path(args.file)
    if not path.is_file():
        sys.exit(f"yibao: no such file {path}")
    actor = operator(args.region)
    engine = make_engine()
    bar = ProgressBar()
    try:
        job = run(engine, actor, path, bar)
    except InputError as error:
        sys.exit(f"yibao: {error}")
    finally:
        bar.close()
    print(
        f"job {job.id} {job.status}: {job.rows_done}/{job.rows_total} rows, "
        f"imported {job.imported}, unchanged {job.unchanged}, refused {job.refused}"
    )
    if job.status != "DONE":
        print("another run is importing this file; its job will finish it", file=sys.stderr)
    refused = list(_rows(engine, job.id, refused_only=True, limit=SHOWN_REFUSALS))
    if refused:
        print(f"refused rows (first {SHOWN_REFUSALS}):" if job.refused > SHOWN_REFUSALS else "refused rows:")
        for row in refused:
            print(f"  row {row.row_number}\t{row.field}\t{row.code}\t{row.reason}\t{row.id_number or ''}")
    if args.report:
        # Through the export writer: a refused row's ID number is whatever the file held, and
        # `=HYPERLINK(…)` there must not become a live formula in the report (core/exports.py).
        rows = (
            (row.row_number, row.outcome, row.field, row.code, row.reason, row.id_number)
            for row in _rows(engine, job.id)
        )
        with open(args.report, "wb") as handle:
            exports.write_csv(handle, REPORT_COLUMNS, rows)
        print(f"report: {args.report}")


def _rows(engine, job_id: int, refused_only: bool = False, limit: int | None = None):
    """The job's per-row results in file order, streamed (a report may hold 200,000 rows)."""
    from sqlmodel import Session, col, select

    from core.models import ImportRow

    query = select(ImportRow).where(ImportRow.job_id == job_id).order_by(col(ImportRow.row_number))
    if refused_only:
        query = query.where(ImportRow.outcome == "REFUSED")
    if limit:
        query = query.limit(limit)
    with Session(engine) as session:
        yield from session.exec(query.execution_options(yield_per=1000))


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_commands(_commands, roster_commands) -> None:
    from core.departments import DEPARTMENT_CATEGORIES

    importer = roster_commands.add_parser(
        "import", help="import a department's roster (CSV or XLSX) as hardship identities"
    )
    importer.add_argument("file", help="the roster: .xlsx, or .csv in UTF-8 or GBK")
    importer.add_argument("--source", required=True, choices=sorted(DEPARTMENT_CATEGORIES), help="department")
    importer.add_argument(
        "--as-of",
        required=True,
        type=date.fromisoformat,
        help="the roster date (在册日期)",
    )
    importer.add_argument("--region", required=True, help="the county whose persons the roster lists")
    importer.add_argument("--batch-size", type=_positive, default=500, help="rows per transaction (500)")
    importer.add_argument("--report", help="write every row's outcome to this CSV (UTF-8 with BOM)")
    importer.set_defaults(handler=roster_import)
