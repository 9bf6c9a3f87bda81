"""`yibao targets load`: headcounts (任务数, or 征收基数 with --kind BASE) per region from a file
with columns 地区代码 and 任务数."""

import click

from yibao.core.statuses import TargetKind

from .common import operator


@click.group(help="collection targets and bases")
def targets() -> None:
    pass


@targets.command(help="headcounts per region from a CSV or XLSX file")
@click.argument("file", help="columns 地区代码 and 任务数 (or 基数, 户籍人数)")
@click.option("--year", required=True, type=int, help="coverage year")
@click.option("--kind", type=click.Choice(list(TargetKind)), default=TargetKind.TARGET)
@click.option("--source", help="where the figures come from (default: the file name)")
def load(file: str, year: int, kind: str, source: str | None) -> None:
    from yibao.core.db import make_engine
    from yibao.core.services.targets import load_targets, read_file

    rows = read_file(file)
    stored = load_targets(make_engine(), operator(None), rows, year, kind, source or file)
    click.echo(f"yibao: {len(stored)} 个{'任务数' if kind == 'TARGET' else '基数'} → {year} 年度")
