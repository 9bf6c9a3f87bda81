"""`yibao payments import`: a village's collected roster (缴费清册) as payments.

方政办明电〔2021〕35号 四（五）: the collected rosters are imported into the system.
"""

import argparse

from .cli_imports import _positive, run_import_command


def payments_import(args: argparse.Namespace) -> None:
    from yibao.core.plugins import load_registry
    from yibao.core.services.payment_import import import_payments

    run_import_command(
        args,
        lambda engine, actor, path, bar: import_payments(
            engine,
            actor,
            load_registry(),
            path,
            filename=path.name,
            policy_id=args.policy,
            region_code=args.region,
            channel=args.channel,
            batch_size=args.batch_size,
            progress=bar,
        ),
    )


def add_commands(commands, _roster_commands) -> None:
    from yibao.core.rules.vocabulary import CHANNELS

    payments = commands.add_parser("payments", help="batch payments").add_subparsers(
        dest="payments", required=True
    )
    importer = payments.add_parser(
        "import", help="import a village's collected roster (缴费清册, CSV or XLSX) as payments"
    )
    importer.add_argument(
        "file", help="columns 身份证号码, 姓名, 缴费金额, 缴费日期, optional 缴费方式 and 档次; .xlsx or .csv"
    )
    importer.add_argument("--policy", required=True, help="the policy, e.g. henan/411322/2022")
    importer.add_argument("--region", required=True, help="the village, township or county the roster is for")
    importer.add_argument(
        "--channel",
        choices=sorted(CHANNELS),
        metavar="CODE",
        help="for rows without 缴费方式 (default VILLAGE_CASH: the village's collection)",
    )
    importer.add_argument("--batch-size", type=_positive, default=500, help="rows per batch (500)")
    importer.add_argument("--report", help="write every row's outcome to this CSV (UTF-8 with BOM)")
    importer.set_defaults(handler=payments_import)
