"""`yibao schema export`: the GraphQL SDL (`api/schema.graphql` is the committed copy)."""

import sys

import click


@click.group(help="the GraphQL schema")
def schema() -> None:
    pass


@schema.command(help="write the SDL (default: stdout)")
@click.argument("output", required=False, default="-")
def export(output: str) -> None:
    from yibao.api.graphql.schema import sdl

    text = sdl()
    if output == "-":
        sys.stdout.write(text)
    else:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
