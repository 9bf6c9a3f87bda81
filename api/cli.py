"""`yibao`: serve the API, migrate the database, list plugins and policies, export the schema."""

import argparse
import sys

from core.db import database_url, make_engine

from . import cli_regions


def serve(args: argparse.Namespace) -> None:
    import uvicorn

    from core.auth import AuthError, signing_key
    from core.migrate import upgrade

    from .app import create_app

    engine = make_engine()
    try:
        key = signing_key(engine.url)  # PostgreSQL refuses to start without a configured key
    except AuthError as error:
        sys.exit(f"yibao: {error}")
    upgrade(engine)  # the embedded store creates and migrates itself on first start
    _decide_pending(engine)
    print(f"yibao: database {engine.url.render_as_string(hide_password=True)}", file=sys.stderr)
    if args.workers > 1:  # each worker process builds its own app, engine and pool
        engine.dispose()
        uvicorn.run(
            "api.app:from_environment", factory=True, workers=args.workers, host=args.host, port=args.port
        )
    else:
        uvicorn.run(create_app(engine, key=key), host=args.host, port=args.port, log_level="info")


def _decide_pending(engine) -> None:
    """Parameters are read at start-up: what waited for them (pending refunds, unsettled
    re-adjustment items) is decided now, once, before the workers start."""
    from core.plugins import load_registry
    from core.services.pending import resolve_pending

    if decided := resolve_pending(engine, load_registry()):
        print(
            f"yibao: {decided} pending refunds and settlements decided with the configured parameters",
            file=sys.stderr,
        )


def token_issue(args: argparse.Namespace) -> None:
    from datetime import timedelta

    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session

    from core.auth import AuthError, Principal, Role, issue, signing_key
    from core.departments import DEPARTMENT_CATEGORIES
    from core.models import Region

    role = Role(args.role)
    if role is Role.PUBLIC:
        sys.exit("yibao: the public needs no token")
    if (role is Role.ROSTER_UPLOADER) != bool(args.department):
        sys.exit("yibao: --department is required for ROSTER_UPLOADER, and only for it")
    if args.department and args.department not in DEPARTMENT_CATEGORIES:
        sys.exit(f"yibao: unknown department {args.department} ({', '.join(DEPARTMENT_CATEGORIES)})")
    engine = make_engine()
    try:
        with Session(engine) as session:
            if session.get(Region, args.region) is None:
                sys.exit(f"yibao: 行政区划代码 {args.region} 不存在（unknown region）")
        key = signing_key(engine.url)
    except SQLAlchemyError:
        sys.exit("yibao: the database is not ready; run `yibao db upgrade` first")
    except AuthError as error:
        sys.exit(f"yibao: {error}")
    principal = Principal(args.name or f"{role.lower()}@{args.region}", role, args.region, args.department)
    if args.login_url:  # a one-time link for the dashboard instead of the token (core/login_links.py)
        from core.login_links import SESSION, VALID_FOR, create

        code = create(engine, principal, VALID_FOR)
        print(f"{args.base_url.rstrip('/')}/dashboard#login={code}")
        minutes, hours = VALID_FOR.seconds // 60, SESSION.seconds // 3600
        print(
            f"yibao: sign in once within {minutes} minutes; the session lasts {hours} hours", file=sys.stderr
        )
        return
    print(issue(key, principal, timedelta(days=args.days)))


def db_upgrade(_: argparse.Namespace) -> None:
    from core.migrate import upgrade

    upgrade(make_engine())
    print(f"yibao: {database_url()} is at the newest schema")


def plugins(_: argparse.Namespace) -> None:
    from core.plugins import plugin_manager

    names = [name for name, _ in plugin_manager().list_name_plugin()]
    print("\n".join(sorted(names)) if names else "no plugins loaded")


def policy_list(_: argparse.Namespace) -> None:
    from core.plugins import load_registry

    for policy in load_registry().policies():
        documents = "、".join(d.number for d in policy.documents)
        print(f"{policy.id}\t{policy.region_name}\t{policy.coverage_year}\t{documents}")


def policy_diff(args: argparse.Namespace) -> None:
    from core.errors import InputError
    from core.plugins import load_registry
    from core.rules.diff import diff

    registry = load_registry()
    try:
        before, after = registry.get(args.before, "A"), registry.get(args.after, "B")
    except InputError as error:
        sys.exit(f"yibao: {error}")
    print(f"{before.id} → {after.id}")
    for change in diff(before, after):
        old = f"{change.before.value} [{change.before.cite}]" if change.before else "—"
        new = f"{change.after.value} [{change.after.cite}]" if change.after else "—"
        print(f"{change.change:<8} {change.key}  {change.subject}\n         {old}\n       → {new}")


def schema_export(args: argparse.Namespace) -> None:
    from api.schema import sdl

    text = sdl()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)


def _roles() -> list[str]:
    from core.auth import Role

    return [str(role) for role in Role]


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="yibao", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    run = commands.add_parser("serve", help="serve GraphQL at http://HOST:PORT/graphql")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument(
        "--workers", type=int, default=1, help="processes; resolvers are synchronous, so one per core"
    )
    run.set_defaults(handler=serve)

    db = commands.add_parser("db", help="database maintenance").add_subparsers(dest="db", required=True)
    db.add_parser("upgrade", help="migrate $YIBAO_DATABASE_URL to the newest schema").set_defaults(
        handler=db_upgrade
    )

    commands.add_parser("plugins", help="list loaded regional plugins").set_defaults(handler=plugins)

    token = commands.add_parser("token", help="bearer tokens").add_subparsers(dest="token", required=True)
    grant = token.add_parser("issue", help="print a signed token for a role scoped to a region")
    grant.add_argument("--role", required=True, choices=[r for r in _roles() if r != "PUBLIC"])
    grant.add_argument("--region", required=True, help="region code the holder may see and change")
    grant.add_argument("--name", help="who holds it, as the audit trail records (default role@region)")
    grant.add_argument("--department", help="for ROSTER_UPLOADER: CIVIL_AFFAIRS, HEALTH, …")
    grant.add_argument("--days", type=int, default=30, help="validity (default 30)")
    grant.add_argument(
        "--login-url", action="store_true", help="print a one-time dashboard sign-in link instead (15 min)"
    )
    grant.add_argument("--base-url", default="http://127.0.0.1:8000", help="the server the link points at")
    grant.set_defaults(handler=token_issue)

    policy = commands.add_parser("policy", help="the policies of the loaded plugins").add_subparsers(
        dest="policy", required=True
    )
    policy.add_parser("list", help="every policy with its documents").set_defaults(handler=policy_list)
    compare = policy.add_parser("diff", help="what changed from policy A to policy B, with clauses")
    compare.add_argument("before", metavar="A")
    compare.add_argument("after", metavar="B")
    compare.set_defaults(handler=policy_diff)

    schema = commands.add_parser("schema", help="the GraphQL schema").add_subparsers(
        dest="schema", required=True
    )
    export = schema.add_parser("export", help="write the SDL (default: stdout)")
    export.add_argument("output", nargs="?", default="-")
    export.set_defaults(handler=schema_export)

    # The collection campaign's commands, one module per concept, each adding its own.
    roster = commands.add_parser("roster", help="department rosters and collection rosters")
    roster_commands = roster.add_subparsers(dest="roster", required=True)
    for add_commands in CAMPAIGN_COMMANDS:
        add_commands(commands, roster_commands)
    return root


# Each takes the top-level subparsers and the `roster` subparsers and adds its commands.
CAMPAIGN_COMMANDS = [
    cli_regions.add_commands,
]

from . import cli_readjust  # noqa: E402

CAMPAIGN_COMMANDS.append(cli_readjust.add_commands)

from . import cli_rosters  # noqa: E402

CAMPAIGN_COMMANDS.append(cli_rosters.add_commands)

from . import cli_imports  # noqa: E402

CAMPAIGN_COMMANDS.append(cli_imports.add_commands)

from . import cli_payments  # noqa: E402

CAMPAIGN_COMMANDS.append(cli_payments.add_commands)

from . import cli_refunds  # noqa: E402

CAMPAIGN_COMMANDS.append(cli_refunds.add_commands)

from . import cli_reports  # noqa: E402

CAMPAIGN_COMMANDS.append(cli_reports.add_commands)

from . import cli_demo  # noqa: E402

CAMPAIGN_COMMANDS.append(cli_demo.add_commands)


def main(argv: list[str] | None = None) -> None:
    from core.plugins import PluginError

    args = parser().parse_args(argv)
    try:
        args.handler(args)
    except PluginError as error:  # a broken plugin stops start-up with its name and problem
        sys.exit(f"yibao: {error}")


if __name__ == "__main__":
    main()
