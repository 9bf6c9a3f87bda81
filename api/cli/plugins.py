"""`yibao plugins`: the regional plugins loaded from the `yibao` entry-point group."""

import click


@click.command(help="list loaded regional plugins")
def plugins() -> None:
    from yibao.core.plugins import plugin_manager

    names = [name for name, _ in plugin_manager().list_name_plugin()]
    click.echo("\n".join(sorted(names)) if names else "no plugins loaded")
