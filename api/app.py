"""The ASGI application: GraphQL (with GraphiQL in a browser) at /graphql, downloads under
/exports, health at /healthz."""

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.routing import Route

from yibao.core.auth import signing_key
from yibao.core.plugins import load_registry
from yibao.core.rules.registry import Registry
from yibao.core.settings import settings

from .graphql.view import YibaoGraphQL
from .http.exports import export_routes
from .http.health import health


def from_environment() -> Starlette:
    """The app for a `yibao serve --workers N` process: database and key from the environment."""
    from yibao.core.db import make_engine

    engine = make_engine()
    return create_app(engine, key=signing_key(engine.url))


def create_app(
    engine: Engine,
    registry: Registry | None = None,
    key: str | None = None,
    introspection: bool | None = None,
) -> Starlette:
    """Loads the plugins strictly (a broken one stops start-up) and the token key.

    Introspection and GraphiQL follow `YIBAO_INTROSPECTION` (on unless set to 0).
    """
    if introspection is None:
        introspection = settings().introspection
    graphql = YibaoGraphQL(engine, registry or load_registry(), key or signing_key(engine.url), introspection)
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", health),
            *export_routes(engine, graphql.registry, graphql.key),
        ]
    )
