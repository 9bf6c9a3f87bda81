"""A page the compiled path answers (api/graphql/compiled.py), answered before strawberry's view.

Through strawberry, a `households` page paid, around the compiled path's own work, for starlette's
request and strawberry's HTTP view (its request adapter, sub-response and response), strawberry's
operation (an execution context, ten extensions' hooks, the parser and validation caches'
lookups), graphql-core's execution context built again by the compiled path, a worker thread's
event loop, and the access log's context variable: on SQLite about as much as the hand-written
page costs altogether (bench/README.md, "Household page").

Here a `POST /graphql` whose JSON body is a query the compiled path answers is read, checked and
answered directly. A document is planned once per query text and operation name (`plan`): parsed
under the token limit, one query operation whose root fields the compiled path reads, validated
with the specified rules (and, stricter than a schema with introspection on, without `__schema`
and `__type`); where it has no directive, its selections, which no variable can then change, are
collected once and kept with it. A request then goes through what strawberry's extensions would
have done, in their order, from the same kept answers (api/graphql/memo.py):

- the caller's token (api/auth.py `principal_of`, as the view's context reads it);
- the read check of api/graphql/authorize.py for the caller's role (`refused_fields`);
- the limits of api/graphql/limits.py for these variables (`kept_shape`, `refusal`);
- the variables coerced by graphql-core's own function;
- then, in a worker thread as every operation (api/graphql/offload.py) but without an event loop
  of its own, the compiled path's reads and answer on the request's session, the access log's
  event on that session (api/graphql/access_log.py: the same event, with the same `query
  households` entity id), and the session returned to the pool.

The answer is encoded by the view's own `encode_json` and sent with the headers starlette's
Response gives strawberry's (content length, `application/json`); the middleware around the view
adds the rest, as before.

It answers only when all goes well. Anything else — another method, content type or stream,
a batch, a document it does not plan, a refused read, a limit, bad variables, a root field its
resolver must answer (a refused role, size or cursor, another argument), a field the compiled
path does not know, an unexpected error, an access-log event that could not be written — and the
request goes to strawberry's view with its body as it arrived, which answers it as it always did:
the compiled path only reads, and no event is written unless the answer is sent.
tests/api/test_compiled.py holds its answers, headers and events to the general path's.
"""

from __future__ import annotations

from dataclasses import dataclass

from anyio import to_thread
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    OperationType,
    parse,
    specified_rules,
)
from graphql.execution.values import get_variable_values
from starlette.types import Message, Receive, Send
from starlette.types import Scope as ASGIScope

from yibao.core.access_log import READ, AccessLogError, record_access, record_read_on
from yibao.core.regions import known_scope
from yibao.core.scope import Scope

from ..auth import principal_of
from .access_log import asked
from .compiled import Fallback, Run
from .compiled_fields import ROOTS, give_back, leased
from .context import Context
from .grammar import validate_document
from .limits import MAX_TOKENS, kept_shape, refusal
from .memo import memo
from .reads import refused_fields

RULES = (*specified_rules, NoSchemaIntrospectionCustomRule)
# A body naming none of the root fields is not even parsed here: every other request pays a search.
CANDIDATES = tuple(name.encode() for name in ROOTS)
JSON_TYPES = (b"application/json", b"application/json; charset=utf-8")


@dataclass(frozen=True)
class Plan:
    document: DocumentNode
    operation: OperationDefinitionNode
    name: str | None  # the operation's name as strawberry's execution names it
    fragments: dict[str, FragmentDefinitionNode]
    request: str  # the access log event's entity id, e.g. `query households`
    subfields: dict | None  # the collected selections, kept across requests: no directive anywhere


class Planned:
    """What the compiled path reads of graphql-core's execution context."""

    __slots__ = ("fragments", "operation", "schema", "variable_values")

    def __init__(self, schema: GraphQLSchema, plan: Plan, variable_values) -> None:
        self.schema, self.fragments, self.operation = schema, plan.fragments, plan.operation
        self.variable_values = variable_values


class PlannedRun(Run):
    """The compiled path's run, its statements on a pooled connection of its own (`leased`)."""

    lease: tuple | None = None

    def driver(self):
        if self._driver is None:
            self.lease = leased(self.context.engine)
            self._driver = self.lease[:2]
        return self._driver

    def give_back(self) -> None:
        if self.lease is not None:
            pooled, _, flipped = self.lease
            self.lease = None
            give_back(pooled, flipped)

    def resolved(self, *_args):
        raise Fallback  # a root field its resolver answers (an error, mostly) is strawberry's to answer


def plan(schema: GraphQLSchema, query: str, operation_name: str | None) -> Plan | None:
    """The plan of a document answered here, or None."""
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except (GraphQLError, RecursionError):  # a document nested too deep: the view says so
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        return None
    operation = operations[0]
    own = operation.name.value if operation.name else None
    if operation_name is not None and operation_name != own:
        return None
    roots = operation.selection_set.selections
    if not roots or not all(isinstance(node, FieldNode) and node.name.value in ROOTS for node in roots):
        return None
    if validate_document(schema, document, RULES):
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    name = operation_name if operation_name is not None else own
    fixed = not _directed(document)
    return Plan(document, operation, name, fragments, asked(document, name), {} if fixed else None)


def _directed(document: DocumentNode) -> bool:
    """Whether any node of the document carries a directive (@skip, @include, …). A walk with a
    stack of its own: a document may nest as deep as its 5,000 tokens allow."""
    pending = [document]
    while pending:
        node = pending.pop()
        if getattr(node, "directives", None):
            return True
        for key in node.keys:
            value = getattr(node, key, None)
            for child in value if isinstance(value, tuple | list) else (value,):
                if hasattr(child, "keys"):
                    pending.append(child)
    return False


def _header(scope: ASGIScope, name: bytes) -> bytes | None:
    """The first value of a header, as starlette's Headers.get finds it."""
    for key, value in scope["headers"]:
        if key == name:
            return value
    return None


class CompiledHTTP:
    """The compiled answers of one GraphQL view (api/graphql/view.py)."""

    def __init__(self, view, enabled: bool) -> None:
        self.view = view
        self.schema: GraphQLSchema = view.schema._schema
        self.enabled = enabled
        self.plans = memo(self.schema, "compiled http")

    async def __call__(self, scope: ASGIScope, receive: Receive, send: Send, general) -> None:
        """Answers the request, or has `general` (strawberry's view) answer it."""
        if not (self.enabled and scope["type"] == "http" and scope["method"] == "POST" and self._json(scope)):
            await general(scope, receive, send)
            return
        messages: list[Message] = []
        chunks: list[bytes] = []
        while True:  # the body, as starlette's Request reads it (the body limit counts it)
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        answer = None
        if message["type"] == "http.request" and any(name in body for name in CANDIDATES):
            answer = await self.answer(scope, body)
        if answer is None:
            await general(scope, _replaying(messages, receive), send)
            return
        headers = [
            (b"content-length", str(len(answer)).encode("latin-1")),
            (b"content-type", b"application/json"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})

    def _json(self, scope: ASGIScope) -> bool:
        """A JSON body, and no stream asked for: what strawberry's view reads as one operation's."""
        content_type = _header(scope, b"content-type")
        if content_type is None or content_type.lower() not in JSON_TYPES:
            return False
        accept = _header(scope, b"accept")
        if accept is None:
            return True
        return self.view._get_stream_transport_from_headers({"accept": accept.decode("latin-1")}) is None

    async def answer(self, scope: ASGIScope, body: bytes) -> bytes | None:
        """The response body, or None."""
        view = self.view
        try:
            data = view.decode_json(body)
        except Exception:  # noqa: BLE001 - the view says what is wrong with it
            return None
        if type(data) is not dict:
            return None
        query, variables, name = data.get("query"), data.get("variables"), data.get("operationName")
        extensions = data.get("extensions")
        if not isinstance(query, str) or not (variables is None or type(variables) is dict):
            return None
        if not (name is None or isinstance(name, str)):
            return None
        if not (extensions is None or (type(extensions) is dict and not extensions)):
            return None
        found = self.plans.get((query, name), lambda: plan(self.schema, query, name))
        if found is None:
            return None
        authorization = _header(scope, b"authorization")
        headers = {} if authorization is None else {"authorization": authorization.decode("latin-1")}
        principal, auth_error = principal_of(view.key, headers)
        role = principal.role
        refused = memo(self.schema, "reads").get(
            (query, found.name, role),
            lambda: tuple(refused_fields(self.schema, found.document, found.name, role)),
        )
        if refused:
            return None
        if refusal(kept_shape(self.schema, query, found.name, found.document, variables or {})) is not None:
            return None
        values = get_variable_values(self.schema, found.operation.variable_definitions or (), variables or {})
        if isinstance(values, list):  # the variables' errors
            return None
        async with view.gate():
            answered = await to_thread.run_sync(self._run, found, values, principal, auth_error)
        if answered is None:
            return None
        encoded = view.encode_json({"data": answered})
        return encoded.encode() if isinstance(encoded, str) else encoded

    def _run(self, found: Plan, values, principal, auth_error) -> dict | None:
        """In a worker thread: the answer's data, its access-log event written; or None."""
        view = self.view
        context = Context(engine=view.engine, registry=view.registry, key=view.key)
        context.principal, context.auth_error = principal, auth_error
        if principal.region_code and (known := known_scope(view.engine, principal.region_code)):
            # The caller's scope as Context.scope makes it (Scope.of), without a session to read
            # the path and county the process already knows (core/regions.py).
            path, county = known
            context.scope = Scope(path=path, region_code=principal.region_code, county=county)
        run = PlannedRun(Planned(self.schema, found, values), context, found.subfields)
        try:
            try:
                data = run.root()
            except Exception:  # noqa: BLE001 - Fallback, or anything: graphql-core answers (and reports) it
                return None
            subjects = run.resolved_subjects()
            if subjects:
                # Only reads, all answered: the event is written on the connection that read them,
                # or, where subjects must be looked up first, on the request's session, as the
                # access log writes a compiled page's (api/graphql/access_log.py).
                try:
                    if run.lease is None or not record_read_on(
                        view.engine.dialect, run.lease[0], context.actor, found.request, subjects
                    ):
                        record_access(
                            view.engine, context.actor, READ, found.request, subjects, context.session
                        )
                except AccessLogError:
                    return None  # the general path refuses the answer, with its error
            return data
        finally:
            try:
                run.give_back()
            finally:
                context.close()


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    """`receive` with the messages already read handed out first, as they came."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
