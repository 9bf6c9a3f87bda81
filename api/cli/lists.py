"""`yibao lists …`: other departments' name lists (筑医保通〔2021〕34号 四（三）; 贵医保组〔2023〕1号
六11、六12; 国办发〔2024〕38号), reconciled with the enrolments by the reports.

lists import   a student roll, a resident-pension or employee-insurance list, or a zero-claim list,
               with progress and a per-row report
"""

from datetime import date

import click

from yibao.core.statuses import ListSource

from .common import DATE, POSITIVE
from .progress import run_import


@click.group(help="other departments' name lists")
def lists() -> None:
    pass


@lists.command(
    name="import",
    help="import a student roll, a pension or employee-insurance list, or a zero-claim list",
)
@click.argument("file", help="the list: .xlsx, or .csv in UTF-8 or GBK")
@click.option(
    "--list",
    "source",
    required=True,
    type=click.Choice([s.value for s in ListSource]),
    help="which list it is",
)
@click.option("--as-of", required=True, type=DATE, help="the list's date (名单日期)")
@click.option("--region", required=True, help="the region the list is for")
@click.option("--batch-size", type=POSITIVE, default=500, help="rows per transaction (500)")
@click.option("--report", help="write every row's outcome to this CSV (UTF-8 with BOM)")
def import_list(
    file: str, source: str, as_of: date, region: str, batch_size: int, report: str | None
) -> None:
    from yibao.core.services.department_lists import import_list

    run_import(
        file,
        region,
        report,
        lambda engine, actor, path, bar: import_list(
            engine,
            actor,
            path,
            source=source,
            as_of=as_of,
            region_code=region,
            batch_size=batch_size,
            progress=bar,
        ),
    )
