"""`yibao history …`: last years' 参保底表 (东政办〔2021〕6号 四（六）1; 方政办明电〔2021〕35号 四（二）).

history import   a base table exported by the national platform, as history for years no policy
                 in yibao covers, with progress and a per-row report
"""

import click

from .common import POSITIVE
from .progress import run_import


@click.group(help="last years' 参保底表")
def history() -> None:
    pass


@history.command(
    name="import",
    help="import a 参保底表 (CSV or XLSX: 公民身份号码, 姓名, 参保年度, 参保地行政区划代码, 参保状态, "
    "个人缴费金额, 缴费日期) as history for years no policy covers",
)
@click.argument("file", help="the base table: .xlsx, or .csv in UTF-8 or GBK")
@click.option("--region", required=True, help="the county or township whose persons it lists")
@click.option("--batch-size", type=POSITIVE, default=500, help="rows per transaction (500)")
@click.option("--report", help="write every row's outcome to this CSV (UTF-8 with BOM)")
def import_history(file: str, region: str, batch_size: int, report: str | None) -> None:
    from yibao.core.plugins import load_registry
    from yibao.core.services.history_import import import_history

    run_import(
        file,
        region,
        report,
        lambda engine, actor, path, bar: import_history(
            engine,
            actor,
            path,
            region_code=region,
            rules=load_registry(),
            batch_size=batch_size,
            progress=bar,
        ),
    )
