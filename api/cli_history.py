"""`yibao history import` (参保底表) and `yibao lists import` (other departments' name lists)."""

import argparse
from datetime import date

from .cli_imports import _positive, run_import_command


def history_import(args: argparse.Namespace) -> None:
    from core.plugins import load_registry
    from core.services.history_import import import_history

    run_import_command(
        args,
        lambda engine, actor, path, bar: import_history(
            engine,
            actor,
            path,
            region_code=args.region,
            rules=load_registry(),
            batch_size=args.batch_size,
            progress=bar,
        ),
    )


def lists_import(args: argparse.Namespace) -> None:
    from core.services.department_lists import import_list

    run_import_command(
        args,
        lambda engine, actor, path, bar: import_list(
            engine,
            actor,
            path,
            source=args.list,
            as_of=args.as_of,
            region_code=args.region,
            batch_size=args.batch_size,
            progress=bar,
        ),
    )


def _common(command) -> None:
    command.add_argument("--batch-size", type=_positive, default=500, help="rows per transaction (500)")
    command.add_argument("--report", help="write every row's outcome to this CSV (UTF-8 with BOM)")


def add_commands(commands, _roster_commands) -> None:
    from core.models.department_list import SOURCES

    history = commands.add_parser("history", help="last years' 参保底表").add_subparsers(
        dest="history", required=True
    )
    importer = history.add_parser(
        "import",
        help="import a 参保底表 (CSV or XLSX: 公民身份号码, 姓名, 参保年度, 参保地行政区划代码, 参保状态, "
        "个人缴费金额, 缴费日期) as history for years no policy covers",
    )
    importer.add_argument("file", help="the base table: .xlsx, or .csv in UTF-8 or GBK")
    importer.add_argument("--region", required=True, help="the county or township whose persons it lists")
    _common(importer)
    importer.set_defaults(handler=history_import)

    lists = commands.add_parser("lists", help="other departments' name lists").add_subparsers(
        dest="lists", required=True
    )
    importer = lists.add_parser(
        "import", help="import a student roll, a pension or employee-insurance list, or a zero-claim list"
    )
    importer.add_argument("file", help="the list: .xlsx, or .csv in UTF-8 or GBK")
    importer.add_argument("--list", required=True, choices=SOURCES, help="which list it is")
    importer.add_argument(
        "--as-of", required=True, type=date.fromisoformat, help="the list's date (名单日期)"
    )
    importer.add_argument("--region", required=True, help="the region the list is for")
    _common(importer)
    importer.set_defaults(handler=lists_import)
