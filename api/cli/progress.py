"""Running a file import from the command line: a progress bar, the summary, the refused rows.

Shared by `yibao roster import`, `yibao payments import`, `yibao history import` and `yibao lists
import`. An import that refuses every row exits 1, so a script notices a file that imported nothing.
"""

import sys
import time
from pathlib import Path

import click

from yibao.core.statuses import ImportOutcome, ImportStatus

from .common import Refusal, operator

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


def run_import(file: str, region: str | None, report: str | None, run) -> None:
    """Runs `run(engine, actor, path, progress)` with a progress bar, then prints the summary,
    the first refused rows and, with `report`, every row's outcome as CSV."""
    from yibao.core import exports
    from yibao.core.db import make_engine
    from yibao.core.heap import collector_settled

    path = Path(file)
    if not path.is_file():
        raise Refusal(f"文件 {path} 不存在")
    engine = make_engine()
    bar = ProgressBar()
    try:
        with collector_settled():  # the modules loaded, a long batch task: as a server settles
            job = run(engine, operator(region), path, bar)
    finally:
        bar.close()
    click.echo(
        f"job {job.id} {job.status}: {job.rows_done}/{job.rows_total} rows, "
        f"imported {job.imported}, unchanged {job.unchanged}, refused {job.refused}"
    )
    if job.status != ImportStatus.DONE:
        click.echo("another run is importing this file; its job will finish it", err=True)
    refused = list(_rows(engine, job.id, refused_only=True, limit=SHOWN_REFUSALS))
    if refused:
        click.echo(
            f"refused rows (first {SHOWN_REFUSALS}):" if job.refused > SHOWN_REFUSALS else "refused rows:"
        )
        for row in refused:
            click.echo(
                f"  row {row.row_number}\t{row.field}\t{row.code}\t{row.reason}\t{row.id_number or ''}"
            )
    if report:
        # Through the export writer: a refused row's ID number is whatever the file held, and
        # `=HYPERLINK(…)` there must not become a live formula in the report (core/exports.py).
        rows = (
            (row.row_number, row.outcome, row.field, row.code, row.reason, row.id_number)
            for row in _rows(engine, job.id)
        )
        with open(report, "wb") as handle:
            exports.write_csv(handle, REPORT_COLUMNS, rows)
        click.echo(f"report: {report}")
    if job.rows_total and job.refused == job.rows_total:
        raise Refusal(f"{path.name} 的每一行都被拒绝，未导入任何内容")


def _rows(engine, job_id: int, refused_only: bool = False, limit: int | None = None):
    from sqlmodel import Session

    from yibao.core.queries import job_rows

    with Session(engine) as session:
        yield from job_rows(session, job_id, ImportOutcome.REFUSED if refused_only else None, limit)
