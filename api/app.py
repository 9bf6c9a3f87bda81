"""The ASGI application: GraphQL (with GraphiQL in a browser) at /graphql."""

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL

from core.audit import Actor

from .context import Context
from .schema import schema

ACTOR_HEADER = "x-yibao-actor"


class YibaoGraphQL(GraphQL):
    def __init__(self, engine: Engine):
        super().__init__(schema, graphql_ide="graphiql")
        self.engine = engine

    async def get_context(self, request, response) -> Context:
        # Self-declared until signed tokens identify callers; recorded in the audit trail.
        name = request.headers.get(ACTOR_HEADER, "anonymous")[:64]
        return Context(engine=self.engine, actor=Actor(name=name))


def create_app(engine: Engine) -> Starlette:
    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    graphql = YibaoGraphQL(engine)
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", health),
        ]
    )
