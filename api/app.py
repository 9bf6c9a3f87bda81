"""The ASGI application: GraphQL (with GraphiQL in a browser) at /graphql, downloads under
/exports, the dashboard under /dashboard, health at /healthz; every response passes the security
headers and the body limit."""

from contextlib import asynccontextmanager

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from yibao.core.auth import checked_key, signing_key
from yibao.core.imports.background import remove_saved_uploads
from yibao.core.plugins import load_registry
from yibao.core.rules.registry import Registry
from yibao.core.settings import settings

from .body_limit import BodyLimit
from .cors import cors_middleware
from .graphql.offload import settle
from .graphql.view import YibaoGraphQL
from .headers import SecurityHeaders
from .http.dashboard import dashboard_routes
from .http.exports import export_routes
from .http.graphiql import graphiql_page, graphiql_routes
from .http.health import health


def from_environment() -> Starlette:
    """The app for a `yibao serve --workers N` process: database and key from the environment."""
    from yibao.core.db import make_engine

    engine = make_engine()
    app = create_app(engine, key=signing_key(engine.url))
    settle()
    return app


@asynccontextmanager
async def lifespan(_app: Starlette):
    """At shutdown the uploads of unfinished imports are removed (core/imports/background.py):
    the shutdown of uvicorn ends the process by its signal, so nothing runs after it."""
    yield
    remove_saved_uploads()


def create_app(
    engine: Engine,
    registry: Registry | None = None,
    key: str | None = None,
    introspection: bool | None = None,
    cors_origins: tuple[str, ...] | None = None,
) -> Starlette:
    """Loads the plugins strictly (a broken one stops start-up) and the token key.

    Introspection and GraphiQL follow `YIBAO_INTROSPECTION` (on unless set to 0); the browser
    apps that may call from other origins, `YIBAO_CORS_ORIGINS` (none unless set; api/cors.py).
    """
    if introspection is None:
        introspection = settings().introspection
    if cors_origins is None:
        cors_origins = settings().cors_origins
    key = checked_key(key) if key is not None else signing_key(engine.url)
    graphql = YibaoGraphQL(engine, registry or load_registry(), key, introspection, graphiql_page())
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", health),
            *export_routes(engine, graphql.registry, graphql.key),
            *dashboard_routes(engine, graphql.key),  # /dashboard (api/http/dashboard/)
            *(graphiql_routes() if introspection else []),
        ],
        # Outermost first: a 413 carries the security headers too, and the CORS headers, so a page
        # on an allowed origin can read why; a preflight is answered before any body is read.
        middleware=[Middleware(SecurityHeaders), *cors_middleware(cors_origins), Middleware(BodyLimit)],
        lifespan=lifespan,
    )
