"""`yibao report list|run` and `yibao targets load`: every report as XLSX or CSV, and their targets.

report list     the installed reports (core's and the plugins'), with their citations
report run      one report for a region and year, to FILE.xlsx / FILE.csv or CSV on stdout
targets load    headcounts (任务数, or 征收基数 with --kind BASE) per region from a CSV/XLSX file
                with columns 地区代码 and 任务数
"""

import argparse
import sys
from datetime import date

from .cli_common import operator, write_export

NOT_READY = "yibao: the database is not ready; run `yibao db upgrade` first"


def report_list(_: argparse.Namespace) -> None:
    from yibao.core.plugins import load_registry

    for report in load_registry().reports:
        where = "、".join(report.regions) or "全部地区"
        print(f"{report.name:<32} {report.title}（{report.cite}）  {where}")


def report_run(args: argparse.Namespace) -> None:
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session

    from yibao.core.db import make_engine
    from yibao.core.errors import InputError
    from yibao.core.plugins import load_registry
    from yibao.core.reports import ReportArgs
    from yibao.core.scope import Scope

    registry = load_registry()
    try:
        report = registry.reports.get(args.name)
        with Session(make_engine()) as session:
            result = registry.reports.run(
                session,
                Scope.of(session, args.region),
                registry,
                report,
                ReportArgs(args.region, args.year, args.as_of),
                sees_identity=True,
            )
    except InputError as error:
        sys.exit(f"yibao: {error}")
    except SQLAlchemyError:
        sys.exit(NOT_READY)
    if result is None:
        sys.exit(f"yibao: 行政区划 {args.region} 不存在（unknown region）")
    write_export(args.output, args.format, result.headings, result.rows, f"{report.title}{args.year}")


def targets_load(args: argparse.Namespace) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from yibao.core.db import make_engine
    from yibao.core.errors import InputError
    from yibao.core.services.targets import load_targets, read_file

    try:
        rows = read_file(args.file)
        stored = load_targets(
            make_engine(), operator(None), rows, args.year, args.kind, args.source or args.file
        )
    except InputError as error:
        sys.exit(f"yibao: {error}")
    except SQLAlchemyError:
        sys.exit(NOT_READY)
    print(f"yibao: {len(stored)} 个{'任务数' if args.kind == 'TARGET' else '基数'} → {args.year} 年度")


def add_commands(commands, _roster_commands) -> None:
    report = commands.add_parser("report", help="reports as XLSX or CSV").add_subparsers(
        dest="report", required=True
    )
    report.add_parser("list", help="the installed reports").set_defaults(handler=report_list)
    run = report.add_parser("run", help="one report for a region and coverage year")
    run.add_argument("name", help="e.g. collection_progress (see `yibao report list`)")
    run.add_argument("--region", required=True, help="region code; rows are its townships, villages…")
    run.add_argument("--year", required=True, type=int, help="coverage year")
    run.add_argument("--as-of", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")
    run.add_argument("-o", "--output", help="FILE.xlsx or FILE.csv (default: CSV to stdout)")
    run.add_argument("--format", choices=["xlsx", "csv"])
    run.set_defaults(handler=report_run)

    targets = commands.add_parser("targets", help="collection targets and bases").add_subparsers(
        dest="targets", required=True
    )
    load = targets.add_parser("load", help="headcounts per region from a CSV or XLSX file")
    load.add_argument("file", help="columns 地区代码 and 任务数 (or 基数, 户籍人数)")
    load.add_argument("--year", required=True, type=int, help="coverage year")
    load.add_argument("--kind", choices=["TARGET", "BASE"], default="TARGET")
    load.add_argument("--source", help="where the figures come from (default: the file name)")
    load.set_defaults(handler=targets_load)
