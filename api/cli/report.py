"""`yibao report list|run`: every report of core and the plugins, as XLSX or CSV."""

from datetime import date

import click

from .common import DATE, FORMATS, Refusal, write_export


@click.group(help="reports as XLSX or CSV")
def report() -> None:
    pass


@report.command(name="list", help="the installed reports")
def list_reports() -> None:
    from yibao.core.plugins import load_registry

    for found in load_registry().reports:
        where = "、".join(found.regions) or "全部地区"
        click.echo(f"{found.name:<32} {found.title}（{found.cite}）  {where}")


@report.command(help="one report for a region and coverage year")
@click.argument("name", help="e.g. collection_progress (see `yibao report list`)")
@click.option("--region", required=True, help="region code; rows are its townships, villages…")
@click.option("--year", required=True, type=int, help="coverage year")
@click.option("--as-of", type=DATE, help="YYYY-MM-DD (default: today)")
@click.option("-o", "--output", help="FILE.xlsx or FILE.csv (default: CSV to stdout)")
@click.option("--format", "fmt", type=click.Choice(FORMATS))
def run(name: str, region: str, year: int, as_of: date | None, output: str | None, fmt: str | None) -> None:
    from sqlmodel import Session

    from yibao.core.db import make_engine
    from yibao.core.plugins import load_registry
    from yibao.core.reports import ReportArgs
    from yibao.core.scope import Scope

    registry = load_registry()
    chosen = registry.reports.get(name)
    with Session(make_engine()) as session:
        scope = Scope.of(session, region)
        args = ReportArgs(region, year, as_of)
        result = registry.reports.run(session, scope, registry, chosen, args, sees_identity=True)
    if result is None:
        raise Refusal(f"行政区划 {region} 不存在")
    write_export(output, fmt, result.headings, result.rows, f"{chosen.title}{year}")
