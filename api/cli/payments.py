"""`yibao payments import`: a village's collected roster (缴费清册) as payments.

方政办明电〔2021〕35号 四（五）: the collected rosters are imported into the system.
"""

import click

from .common import POSITIVE
from .progress import run_import


def _channels() -> list[str]:
    from yibao.core.rules.vocabulary import CHANNELS

    return sorted(CHANNELS)


@click.group(help="batch payments")
def payments() -> None:
    pass


@payments.command(
    name="import", help="import a village's collected roster (缴费清册, CSV or XLSX) as payments"
)
@click.argument(
    "file", help="columns 身份证号码, 姓名, 缴费金额, 缴费日期, optional 缴费方式 and 档次; .xlsx or .csv"
)
@click.option("--policy", required=True, help="the policy, e.g. henan/411322/2022")
@click.option("--region", required=True, help="the village, township or county the roster is for")
@click.option(
    "--channel",
    type=click.Choice(_channels()),
    metavar="CODE",
    help="for rows without 缴费方式 (default VILLAGE_CASH: the village's collection)",
)
@click.option("--batch-size", type=POSITIVE, default=500, help="rows per batch (500)")
@click.option("--report", help="write every row's outcome to this CSV (UTF-8 with BOM)")
def import_payments(
    file: str, policy: str, region: str, channel: str | None, batch_size: int, report: str | None
) -> None:
    from yibao.core.plugins import load_registry
    from yibao.core.services.payment_import import import_payments

    run_import(
        file,
        region,
        report,
        lambda engine, actor, path, bar: import_payments(
            engine,
            actor,
            load_registry(),
            path,
            filename=path.name,
            policy_id=policy,
            region_code=region,
            channel=channel,
            batch_size=batch_size,
            progress=bar,
        ),
    )
