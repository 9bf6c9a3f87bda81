"""What one HTTP request may ask for, checked before any of it runs.

- Depth: 12 fields deep (the deepest real query, household → member → person → enrolment →
  payment …, is 8). Introspection is exempt, as GraphiQL's own query nests `ofType` eight deep.
- Aliases: 30 in an operation, each fragment counted at every spread.
- Cost: 25,000 field values (api/graphql/cost.py says how a document's cost is worked out). On this
  machine an answer costs about 45 µs a value to resolve, so the costliest allowed query takes
  about a second of one core. The costliest queries the tests and README send cost up to 22,905
  (households with members and enrolments, 100 a page), a page of households as the busiest
  clerk's screen shows them 3,242, GraphiQL's introspection 11,617; the fan-out `households →
  members → person → household → members → person` costs 176,202 at 100 a page and 35,242 at 20
  (docs/security.md lists them).
- Representations: 5,000 for all `_entities` fields of the request. A gateway sends every
  reference of one step of its plan in one fetch and does not split it, so the limit is far above
  a page of anything (100 rows) and a report's rows; each representation also costs its fields,
  so 5,000 persons with three fields each (about 20,000 values) fit the cost limit too
  (docs/federation.md).
- Tokens: 5,000 in a document; batches: 10 operations; pages: 100 rows (core/queries.py).

One request has one budget: the operations of a batch share the cost and the representations,
so neither aliases nor batching multiply what a request may ask for. A refusal is a GraphQL
error with a code (QUERY_TOO_DEEP, TOO_MANY_ALIASES, QUERY_TOO_COSTLY, LIMIT) and the figures
in its message; nothing has run.

Depth and aliases were strawberry's QueryDepthLimiter and MaxAliasesLimiter, which expand every
fragment spread: a document of 40 fragments that double each other kept the server busy for ever.
The walk here visits each fragment once.
"""

from __future__ import annotations

import math
from functools import lru_cache

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.extensions import MaxTokensLimiter, ParserCache, SchemaExtension

from yibao.core.queries import MAX_PAGE

from .cost import NOTHING, Shape, operation_shape, shape_and_variables
from .grammar import validate_document
from .memo import memo

__all__ = [
    "CACHE_SIZE",
    "MAX_ALIASES",
    "MAX_BATCH",
    "MAX_COST",
    "MAX_DEPTH",
    "MAX_ENTITIES",
    "MAX_PAGE",
    "MAX_TOKENS",
    "Limits",
    "batch_refusal",
    "kept_shape",
    "limit_extensions",
    "refusal",
]

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_COST = 25_000
MAX_ENTITIES = 5000
MAX_TOKENS = 5000
MAX_BATCH = 10  # operations in one batched HTTP request
CACHE_SIZE = 256  # parsed and validated documents kept


def refusal(shape: Shape) -> GraphQLError | None:
    """Why an operation (or a batch, added up) of this shape is refused, or None."""
    if shape.depth > MAX_DEPTH:
        return GraphQLError(
            f"查询嵌套超过 {MAX_DEPTH} 层",
            extensions={"code": "QUERY_TOO_DEEP", "limit": MAX_DEPTH},
        )
    if shape.aliases > MAX_ALIASES:
        return GraphQLError(
            f"别名 {shape.aliases} 个，超过上限 {MAX_ALIASES} 个",
            extensions={"code": "TOO_MANY_ALIASES", "limit": MAX_ALIASES},
        )
    if shape.values > MAX_COST:
        cost = math.ceil(shape.values)
        return GraphQLError(
            f"查询开销 {cost:,} 超过上限 {MAX_COST:,}，请减少分页大小、别名或嵌套",
            extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": MAX_COST},
        )
    if shape.representations > MAX_ENTITIES:
        return GraphQLError(
            f"一次请求最多解析 {MAX_ENTITIES} 个实体引用，本次 {shape.representations} 个",
            extensions={"code": "LIMIT", "limit": MAX_ENTITIES},
        )
    return None


def batch_refusal(schema: GraphQLSchema, requests, max_tokens: int) -> GraphQLError | None:
    """Why the operations of one batched request, together, are refused, or None. Each is also
    checked alone (Limits); here their costs and representations add up. A document that does
    not parse adds nothing: its own execution refuses it."""
    total = NOTHING
    for request in requests:
        document = _parsed(request.query, max_tokens) if isinstance(request.query, str) else None
        if document is not None:
            name = request.operation_name if isinstance(request.operation_name, str) else None
            shape = operation_shape(schema, document, name, request.variables)
            if (alone := refusal(shape)) is not None:
                return alone
            total += Shape(shape.values, shape.representations)
    return refusal(total)


@lru_cache(maxsize=256)
def _parsed(query: str, max_tokens: int) -> DocumentNode | None:
    try:
        return parse(query, max_tokens=max_tokens)
    except GraphQLError:
        return None


class KeptValidation(SchemaExtension):
    """Validates a document once per query text and set of rules (api/graphql/memo.py)."""

    def on_validate(self):
        context = self.execution_context
        document, schema = context.graphql_document, context.schema._schema
        if document is not None:
            rules = tuple(context.validation_rules)

            def validate():
                return validate_document(schema, document, rules)

            if isinstance(context.query, str):
                context.pre_execution_errors = memo(schema, "validation").get(
                    (context.query, rules), validate
                )
            else:
                context.pre_execution_errors = validate()
        yield


SHAPES_PER_DOCUMENT = 16  # shapes kept for one document, by the values of the variables sizing it
_ABSENT = object()


class Limits(SchemaExtension):
    """Refuses an operation over the limits once it has been validated, before it runs.

    Strawberry reads validation's errors before the code after a hook's `yield` runs, so the check
    comes before it, listed after KeptValidation, which has validated by then. The shape is kept
    per query text and operation, with the values of the variables it depends on."""

    def on_validate(self):
        context = self.execution_context
        document = context.graphql_document
        if context.pre_execution_errors is None and document is not None:
            rules = context.validation_rules
            context.pre_execution_errors = validate_document(context.schema._schema, document, rules)
        valid = not context.pre_execution_errors and document is not None
        if valid and (error := refusal(self._shape())) is not None:
            context.pre_execution_errors = [error]
        yield

    def _shape(self) -> Shape:
        context = self.execution_context
        given = context.variables if isinstance(context.variables, dict) else {}
        return kept_shape(
            context.schema._schema, context.query, context.operation_name, context.graphql_document, given
        )


def kept_shape(schema: GraphQLSchema, query, name: str | None, document: DocumentNode, given: dict) -> Shape:
    """The operation's shape with these variables, kept per query text and operation with the
    values of the variables it depends on (also the compiled HTTP path's: api/graphql/compiled_http.py)."""
    if not isinstance(query, str):
        return operation_shape(schema, document, name, given)
    known = memo(schema, "shape").get((query, name), list)
    for values, shape in list(known):
        if all(_same(given.get(variable, _ABSENT), value) for variable, value in values):
            return shape
    shape, read = shape_and_variables(schema, document, name, given)
    if len(known) < SHAPES_PER_DOCUMENT:
        known.append((tuple((variable, given.get(variable, _ABSENT)) for variable in read), shape))
    return shape


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b


def limit_extensions() -> list:
    """The schema extensions that apply the limits, in order: tokens while parsing, then the
    caches, then Limits once a document is valid. Factories: a fresh extension per request (the
    parse and validation caches are shared by size)."""
    return [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        KeptValidation,
        Limits,  # after KeptValidation: depth, aliases, cost and representations of a valid document
    ]
