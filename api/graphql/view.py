"""The GraphQL endpoint: strawberry's ASGI view, with a gate on concurrent operations and the
caller's context built per request."""

import asyncio

from cross_web import HTTPException
from sqlalchemy.engine import Engine
from strawberry.asgi import GraphQL

from yibao.core.rules.registry import Registry

from ..auth import principal_of
from .context import Context
from .schema import make_schema


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
