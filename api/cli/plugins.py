"""`yibao plugins` and `yibao plugin check|new`: the regional plugins, checked, and a new one.

plugins         the plugins loaded from the `yibao` entry-point group, after checking them all
plugin check    one plugin (or each) loaded alone and strictly: every problem, with its fix
plugin new      a copy-me package for a province that passes `plugin check` and its own pytest
"""

from pathlib import Path

import click

from .common import Refusal


@click.command(help="list loaded regional plugins, after checking them (see `yibao plugin check`)")
def plugins() -> None:
    from yibao.core.plugins import load_registry, plugin_manager

    manager = plugin_manager()
    load_registry(manager)  # every check start-up runs: a problem refuses with its fix
    names = [name for name, _ in manager.list_name_plugin()]
    click.echo("\n".join(sorted(names)) if names else "no plugins loaded")


@click.group(help="check a regional plugin, or start a new one")
def plugin() -> None:
    pass


@plugin.command(help="load one plugin alone and strictly, and list every problem with its fix")
@click.argument(
    "package",
    required=False,
    help="the plugin's name (its entry point) or its distribution's; default: every installed plugin",
)
def check(package: str | None) -> None:
    from yibao.core.plugins import check_plugin, installed

    names = [package] if package else sorted(entry.name for entry in installed())
    troubled = 0
    for name in names:
        problems = check_plugin(name)
        if problems:
            troubled += 1
            click.echo(f"{name}: {len(problems)} 个问题")
            for problem in problems:
                click.echo(f"  {problem}")
        else:
            click.echo(f"{name}: 没有问题")
    if troubled:
        raise Refusal(f"{troubled} 个插件有问题")


@plugin.command(help="write a copy-me plugin package for PROVINCE, with a cited policy and its scenarios")
@click.argument("province", help="the plugin's name: lower case, e.g. shaanxi")
@click.option("--region", default="110101", help="the region code its example policy governs")
@click.option("--region-name", default="东城区", help="that region's name")
@click.option("--year", type=int, default=2030, help="the coverage year of its example policy")
@click.option("-o", "--output", help="the folder to write (default: ./yibao-PROVINCE)")
def new(province: str, region: str, region_name: str, year: int, output: str | None) -> None:
    from yibao.core.kit.template import NewPlugin, TemplateError, write_package

    directory = Path(output or f"yibao-{province}")
    try:
        written = write_package(NewPlugin(province, region, region_name, year), directory)
    except TemplateError as error:
        raise Refusal(str(error)) from None
    for path in written:
        click.echo(path)
    click.echo(
        f"yibao: next, in {directory}: pip install -e . && yibao plugin check {province} && python -m pytest",
        err=True,
    )
