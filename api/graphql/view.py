"""The GraphQL endpoint: strawberry's ASGI view, with a gate on concurrent operations, operations
run in worker threads (but a small `quote`, answered on the event loop: api/graphql/pure.py), the
batch's shared budget, and the caller's context built per request."""

import asyncio
import weakref

import orjson
from cross_web import HTTPException
from sqlalchemy.engine import Engine
from starlette.responses import HTMLResponse
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from yibao.core.rules.registry import Registry

from ..auth import principal_of
from ..headers import GRAPHIQL_POLICY
from .compiled_http import CompiledHTTP
from .context import Context
from .limits import MAX_TOKENS, batch_refusal
from .offload import in_worker_thread
from .pure import PureOperations
from .schema import make_schema

# Operations one process runs at once, at most (`operations_at_once`).
OPERATIONS_AT_ONCE = 3


def operations_at_once(engine: Engine) -> int:
    """Operations a process runs at once: what the pool allows (`connection_budget`), at most three.

    They run in threads that share one GIL with the event loop, which answers every quote and
    `/healthz` itself. Each thread in flight wanting the GIL is one more that may take it before
    the loop does, for a switch interval (api/graphql/offload.py), at each of the several turns a
    request needs. At ten at once (the budget of the default pool) a quote beside pages and
    payments waited 82-98 ms at p99, against 15 ms at three, for the same requests per second
    (bench/README.md, "Operations at once"); and ten operations used the pool's overflow
    connections, closed again as soon as they were returned, so PostgreSQL started and ended a
    backend for most operations, two thirds of a core. More operations in parallel come from more
    processes (`yibao serve --workers`), each with a GIL of its own."""
    return min(OPERATIONS_AT_ONCE, connection_budget(engine))


def connection_budget(engine: Engine) -> int:
    """Operations allowed at once: each holds at most two pooled connections (a read, a write).

    Operations run in worker threads (api/graphql/offload.py) with a synchronous session. Were more
    in flight than the pool can serve, the extra threads would sit waiting for a connection (and
    time out after the pool's 30 s); waiting at this gate, on the event loop, costs no thread and
    keeps the number of threads competing for the GIL with the loop small.
    """
    pool = engine.pool
    size = getattr(pool, "size", lambda: 5)() + max(getattr(pool, "_max_overflow", 0), 0)
    return max(1, size // 2)


class YibaoGraphQL(GraphQL):
    def __init__(self, engine: Engine, registry: Registry, key: str, introspection: bool, ide_page: str = ""):
        super().__init__(
            make_schema(registry, introspection),
            graphql_ide="graphiql" if introspection else None,
            multipart_uploads_enabled=True,  # importRoster's file (GraphQL multipart request spec)
        )
        self.engine, self.registry, self.key = engine, registry, key
        self.ide_page = ide_page  # GraphiQL's page, with its scripts served by the app (api/http/graphiql.py)
        self.at_once = operations_at_once(engine)
        self.gates: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # `gate`'s, by event loop
        self.pure = PureOperations(self.schema)  # `quote` on the event loop (api/graphql/pure.py)
        # A compiled page before strawberry's view (api/graphql/compiled_http.py); it skips the
        # schema's extensions as the pure path does, so only where pure.py knows them all.
        self.compiled = CompiledHTTP(self, self.pure.enabled)

    async def __call__(self, scope, receive, send) -> None:
        await self.compiled(scope, receive, send, super().__call__)

    async def execute_operation(
        self, request, request_adapter, request_data, context, root_value, sub_response
    ):
        """Runs the operation (or the batch) in a worker thread, after the body has been read and
        decoded here: a slow upload holds no place at the gate, a heavy operation no event loop."""
        if isinstance(request_data, GraphQLRequestData) and self._get_stream_transport(request_data.protocol):
            # Streams (SSE, multipart subscriptions) serve subscriptions, and the schema has none;
            # a query sent as a stream would run on the event loop.
            raise HTTPException(400, "不支持流式传输")
        if (answer := self._pure_answer(request_adapter, request_data, context, root_value)) is not None:
            return answer
        run = super().execute_operation

        async def checked():
            # A batch shares one budget, checked before any of its operations runs; each operation
            # is checked alone after its validation too (api/graphql/limits.py).
            if isinstance(request_data, list):
                refusal = batch_refusal(self.schema._schema, request_data, MAX_TOKENS)
                if refusal is not None:
                    return [ExecutionResult(data=None, errors=[refusal]) for _ in request_data]
            return await run(request, request_adapter, request_data, context, root_value, sub_response)

        async with self.gate():
            return await in_worker_thread(checked)

    def gate(self) -> asyncio.Semaphore:
        """Where operations wait for their turn to run (`operations_at_once`): one per event loop,
        since a semaphore wakes its waiters on its own loop only. A serving process has one; the
        tests' clients, each on a loop of its own, share one app."""
        loop = asyncio.get_running_loop()
        gate = self.gates.get(loop)
        if gate is None:
            gate = self.gates[loop] = asyncio.Semaphore(self.at_once)
        return gate

    def _pure_answer(self, request_adapter, request_data, context, root_value) -> ExecutionResult | None:
        """A single query answered from the rules alone, with no gate, thread or executor; None
        when the general path answers (api/graphql/pure.py). The request arrives here as the general
        path's does: parsed by strawberry's view, under its method and content-type rules."""
        if not isinstance(request_data, GraphQLRequestData) or request_data.extensions:
            return None
        allowed = OperationType.from_http(request_adapter.method)
        if not self.allow_queries_via_get and request_adapter.method == "GET":
            allowed = allowed - {OperationType.QUERY}
        if OperationType.QUERY not in allowed:
            return None
        return self.pure.answer(
            request_data.query, request_data.operation_name, request_data.variables, context, root_value
        )

    def encode_json(self, data):
        # orjson writes the JSON strawberry's json.dumps wrote, in a tenth of its time for a page of
        # households (bench/README.md), with text as UTF-8 rather than \u escapes: the same values
        # once parsed. What it refuses — a lone surrogate in a string, an integer beyond 64 bits — is
        # encoded as before. (Bytes, which only a WebSocket would treat differently, and /graphql is
        # an HTTP route only: api/app.py.)
        try:
            return orjson.dumps(data)
        except TypeError:  # orjson.JSONEncodeError is one
            return super().encode_json(data)

    def decode_json(self, data):
        # json.loads recurses once per nesting level: `[[[…]]]` 100,000 deep in the variables
        # (or a multipart request's operations) would otherwise end in a RecursionError and a 500.
        try:
            return super().decode_json(data)
        except RecursionError:
            raise HTTPException(400, "请求体嵌套过深") from None

    async def parse_http_body(self, request):
        # Strawberry assumes a JSON object (or list); `null` or `5` would crash it into a 500.
        try:
            return await super().parse_http_body(request)
        except (AttributeError, TypeError):
            raise HTTPException(400, "请求体应为 JSON 对象") from None

    async def render_graphql_ide(self, request) -> HTMLResponse:
        # Our page, not strawberry's, which loads its scripts from unpkg.com.
        return HTMLResponse(self.ide_page, headers={"Content-Security-Policy": GRAPHIQL_POLICY})

    async def get_context(self, request, response) -> Context:
        context = Context(engine=self.engine, registry=self.registry, key=self.key)
        context.principal, context.auth_error = principal_of(self.key, request.headers)
        return context
