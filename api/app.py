"""The ASGI application: GraphQL (with GraphiQL in a browser) at /graphql, health at /healthz."""

import asyncio
import os

from cross_web import HTTPException
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL

from core.auth import PUBLIC, AuthError, Principal, signing_key, verify
from core.plugins import load_registry
from core.rules.registry import Registry

from .context import Context
from .dashboard import dashboard_routes
from .exports import export_routes
from .schema import make_schema

INTROSPECTION_VARIABLE = "YIBAO_INTROSPECTION"


def connection_budget(engine: Engine) -> int:
    """Operations allowed at once: each holds at most two pooled connections (a read, a write).

    Resolvers use the synchronous session on the event loop. Were more operations in flight than
    the pool can serve, one would block the loop waiting for a connection that only the loop can
    free, and the server would stall; waiting at this gate is asynchronous instead.
    """
    pool = engine.pool
    size = getattr(pool, "size", lambda: 5)() + max(getattr(pool, "_max_overflow", 0), 0)
    return max(1, size // 2)


class YibaoGraphQL(GraphQL):
    def __init__(self, engine: Engine, registry: Registry, key: str, introspection: bool):
        super().__init__(
            make_schema(registry, introspection),
            graphql_ide="graphiql" if introspection else None,
            multipart_uploads_enabled=True,  # importRoster's file (GraphQL multipart request spec)
        )
        self.engine, self.registry, self.key = engine, registry, key
        self.gate = asyncio.Semaphore(connection_budget(engine))

    async def __call__(self, scope, receive, send) -> None:
        async with self.gate:
            await super().__call__(scope, receive, send)

    async def parse_http_body(self, request):
        # Strawberry assumes a JSON object (or list); `null` or `5` would crash it into a 500.
        try:
            return await super().parse_http_body(request)
        except (AttributeError, TypeError):
            raise HTTPException(400, "请求体应为 JSON 对象（the body must be a JSON object）") from None

    async def get_context(self, request, response) -> Context:
        context = Context(engine=self.engine, registry=self.registry)
        context.principal, context.auth_error = principal_of(self.key, request.headers)
        return context


def principal_of(key: str, headers) -> tuple[Principal, str | None]:
    """The caller a request's `Authorization: Bearer` header names, or the public and why not."""
    header = headers.get("authorization", "")
    if not header:
        return PUBLIC, None
    scheme, _, token = header.partition(" ")
    try:
        if scheme.lower() != "bearer" or not token:
            raise AuthError("请使用 Bearer 令牌（use: Authorization: Bearer <token>）")
        return verify(key, token.strip()), None
    except AuthError as error:
        return PUBLIC, str(error)


def from_environment() -> Starlette:
    """The app for a `yibao serve --workers N` process: database and key from the environment."""
    from core.db import make_engine

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

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    if introspection is None:
        introspection = os.environ.get(INTROSPECTION_VARIABLE, "1") != "0"
    graphql = YibaoGraphQL(engine, registry or load_registry(), key or signing_key(engine.url), introspection)
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", health),
            *export_routes(engine, graphql.registry, graphql.key),
            *dashboard_routes(engine, graphql.key),  # /dashboard (api/dashboard/)
        ]
    )
