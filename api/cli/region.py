"""`yibao region add`: villages and townships below the seeded counties."""

import click

from .common import operator


@click.group(help="the region tree")
def region() -> None:
    pass


@region.command(help="add a township or village below PARENT")
@click.argument("code", help="the parent's code followed by a sequence number")
@click.option("--parent", required=True)
@click.option("--name", required=True)
def add(code: str, parent: str, name: str) -> None:
    from yibao.core.db import make_engine
    from yibao.core.services.regions import RegionInput, add_region

    added = add_region(make_engine(), operator(None), RegionInput(code, parent, name))
    click.echo(f"{added.code}\t{added.level}\t{added.name}\t{added.path}")
