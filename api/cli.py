"""`yibao`: serve the API, migrate the database, list plugins, export the schema."""

import argparse
import sys

from core.db import database_url, make_engine


def serve(args: argparse.Namespace) -> None:
    import uvicorn

    from core.migrate import upgrade

    from .app import create_app

    engine = make_engine()
    upgrade(engine)  # the embedded store creates and migrates itself on first start
    print(f"yibao: database {engine.url.render_as_string(hide_password=True)}", file=sys.stderr)
    uvicorn.run(create_app(engine), host=args.host, port=args.port, log_level="info")


def db_upgrade(_: argparse.Namespace) -> None:
    from core.migrate import upgrade

    upgrade(make_engine())
    print(f"yibao: {database_url()} is at the newest schema")


def plugins(_: argparse.Namespace) -> None:
    from core.plugins import plugin_manager

    names = [name for name, _ in plugin_manager().list_name_plugin()]
    print("\n".join(names) if names else "no plugins loaded")


def schema_export(args: argparse.Namespace) -> None:
    from api.schema import sdl

    text = sdl()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="yibao", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    run = commands.add_parser("serve", help="serve GraphQL at http://HOST:PORT/graphql")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.set_defaults(handler=serve)

    db = commands.add_parser("db", help="database maintenance").add_subparsers(dest="db", required=True)
    db.add_parser("upgrade", help="migrate $YIBAO_DATABASE_URL to the newest schema").set_defaults(
        handler=db_upgrade
    )

    commands.add_parser("plugins", help="list loaded regional plugins").set_defaults(handler=plugins)

    schema = commands.add_parser("schema", help="the GraphQL schema").add_subparsers(
        dest="schema", required=True
    )
    export = schema.add_parser("export", help="write the SDL (default: stdout)")
    export.add_argument("output", nargs="?", default="-")
    export.set_defaults(handler=schema_export)
    return root


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    args.handler(args)


if __name__ == "__main__":
    main()
