"""`yibao payments import`: a village's collected roster (缴费清册) as payments.

方政办明电〔2021〕35号 四（五）: the collected rosters are imported into the system.
"""

import argparse
import csv
import getpass
import sys
from pathlib import Path

from .cli_imports import REPORT_COLUMNS, SHOWN_REFUSALS, ProgressBar, _positive, _rows


def payments_import(args: argparse.Namespace) -> None:
    from core.audit import Actor
    from core.db import make_engine
    from core.errors import InputError
    from core.plugins import load_registry
    from core.services.payment_import import import_payments

    path = Path(args.file)
    if not path.is_file():
        sys.exit(f"yibao: no such file {path}")
    actor = Actor(name=f"cli:{getpass.getuser()}", role="COUNTY_ADMIN", region_code=args.region)
    engine = make_engine()
    bar = ProgressBar()
    try:
        job = import_payments(
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
        )
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
        with open(args.report, "w", encoding="utf-8-sig", newline="") as handle:  # Excel reads the BOM
            writer = csv.writer(handle)
            writer.writerow(REPORT_COLUMNS)
            for row in _rows(engine, job.id):
                writer.writerow((row.row_number, row.outcome, row.field, row.code, row.reason, row.id_number))
        print(f"report: {args.report}")


def add_commands(commands, _roster_commands) -> None:
    from core.rules.vocabulary import CHANNELS

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
