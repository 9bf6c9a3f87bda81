"""`yibao serve`: migrate the database, decide what waited for parameters, then serve GraphQL."""

import click


@click.command(help="serve GraphQL at http://HOST:PORT/graphql")
@click.option("--host", default="127.0.0.1")
@click.option("--port", type=int, default=8000)
@click.option("--workers", type=int, default=1, help="processes; resolvers are synchronous, so one per core")
def serve(host: str, port: int, workers: int) -> None:
    import uvicorn

    from yibao.core.auth import signing_key
    from yibao.core.db import make_engine
    from yibao.core.migrate import policy_years, upgrade
    from yibao.core.plugins import load_registry
    from yibao.core.settings import settings

    from ..app import create_app
    from ..cors import CorsSettingError, checked_origins
    from ..graphql.offload import settle
    from .common import Refusal
    from .workers import run_workers

    try:
        checked_origins(settings().cors_origins)  # before anything starts, not in each worker
    except CorsSettingError as error:
        raise Refusal(str(error)) from None
    engine = make_engine()
    key = signing_key(engine.url)  # PostgreSQL refuses to start without a configured key
    registry = load_registry()
    # The embedded store creates and migrates itself on first start; on PostgreSQL each year a
    # policy covers gets its ledger partitions (docs/scaling.md §2).
    upgrade(engine, years=policy_years(registry))
    _decide_pending(engine)
    click.echo(f"yibao: database {engine.url.render_as_string(hide_password=True)}", err=True)
    if workers > 1:  # each worker process builds its own app, engine and pool, and its own socket
        engine.dispose()
        raise SystemExit(run_workers(host, port, workers))
    else:
        app = create_app(engine, registry, key=key)
        settle()
        uvicorn.run(app, host=host, port=port, log_level="info")


def _decide_pending(engine) -> None:
    """Parameters are read at start-up: what waited for them (pending refunds, unsettled
    re-adjustment items) is decided now, once, before the workers start."""
    from yibao.core.plugins import load_registry
    from yibao.core.services.pending import resolve_pending

    if decided := resolve_pending(engine, load_registry()):
        click.echo(
            f"yibao: {decided} pending refunds and settlements decided with the configured parameters",
            err=True,
        )
