"""`quote` answered on the event loop, without a worker thread or graphql-core's executor.

`quote` reads nothing but the loaded rules (api/graphql/rules.py): no session, no token, tens of
microseconds of the engine. Through the general path an answer also paid a worker thread's
hand-off and graphql-core's machinery for each of its values (an Info, a resolver wrapper, an
awaitable check, a completion step; 36 values for bench/quote.py's query): some 0.7 ms of the
1.1 ms the server spent on it (bench/README.md).

A document of that kind is planned once per query text (`plan`). A request then has its
variables and arguments coerced by graphql-core's own functions, the root field called through
its own resolver (with the role check of api/graphql/authorize.py), and every field below read as
its resolver reads it (strawberry's attribute read, `_reader`) and serialised by its type's own
`serialize` — what the executor does, in the same order, without the rest. A request too big to
keep the event loop short (MAX_…) takes the general path.

It answers only when all goes well. Anything else — variables or arguments refused, a resolver
raising (a refused input), a null where the type forbids one, a value of another kind — and it
answers None, and the request takes the general path from the start, which produces the error the
caller gets: reading the rules twice changes nothing. So its answers are the general path's
(tests/api/test_pure_path.py runs the same requests through both).

The schema's extensions are not run; for a planned document that is answered, each is done here
or has nothing to do (`KNOWN_EXTENSIONS`; with any other extension nothing is answered here):
the token limit, validation and the limits of api/graphql/limits.py are applied when planning
(the document's shape depends on no variable); the read check of api/graphql/authorize.py, per
role, on every request, from the same memo; introspection is never planned (no `__` field); the
compiled path (api/graphql/compiled.py) answers only `households`, not a quote; the access log has
no subjects to note (no field of a SUBJECTS type, api/graphql/access_log.py); the
session is never opened; the error masking and the logging of unexpected errors see no error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    get_named_type,
    is_leaf_type,
    parse,
    specified_rules,
)
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.pyutils import Path
from strawberry.execution import optimized_is_awaitable as is_awaitable  # the executor's own check
from strawberry.extensions import DisableIntrospection, MaxTokensLimiter, ParserCache
from strawberry.types import ExecutionResult

from .access_log import REPORTS, SUBJECTS, AccessLog
from .authorize import Authorize
from .compiled import Compiled
from .context import CloseSession
from .cost import shape_and_variables
from .errors import MaskUnexpected
from .grammar import validate_document
from .lean import DEFINITION
from .limits import MAX_TOKENS, KeptValidation, Limits, refusal
from .memo import memo
from .reads import refused_fields

try:  # what strawberry's executor gives resolvers; without it, nothing is answered here
    from strawberry.schema.schema import _OperationContextAwareGraphQLResolveInfo as ResolveInfo
except ImportError:  # pragma: no cover - a strawberry that moved it
    ResolveInfo = None

PURE = frozenset({"quote"})  # root fields answered from the loaded rules alone
# What runs on the event loop is kept short: bigger requests take a worker thread, as every
# operation did, and leave the loop to /healthz and the others. The bench's quote takes about
# 0.15 ms here; the most these allow (4 aliased quotes of an input of 100 values: 22 categories,
# 6 events) about 1 ms, once, on a loaded machine.
MAX_ROOT_FIELDS = 4  # aliased quotes in one operation
MAX_QUERY_LENGTH = 1500  # characters: a longer text is not even parsed here (the bench's is 284)
MAX_FIELDS = 64  # fields in the document, counted before it is validated (the bench's: 27)
MAX_INPUT_VALUES = 100  # values in the variables, counted before they are coerced (the bench's: 10–20)
KNOWN_EXTENSIONS = frozenset(
    {
        Authorize,
        Compiled,  # answers only its ROOTS (households), never one of PURE
        MaxTokensLimiter,
        ParserCache,
        KeptValidation,
        Limits,
        MaskUnexpected,
        AccessLog,
        CloseSession,
        DisableIntrospection,
    }
)


class _Off(Exception):
    """Something the general path must answer."""


Complete = Callable[[Any], Any]  # a resolved value → its completed value, or _Off


@dataclass(frozen=True)
class Root:
    key: str  # the response key: the alias, else the name
    name: str
    node: FieldNode
    definition: Any  # GraphQLField
    parent: GraphQLObjectType
    complete: Complete


@dataclass(frozen=True)
class Plan:
    document: DocumentNode
    operation: OperationDefinitionNode
    roots: tuple[Root, ...]


class PureOperations:
    """The event-loop answers of one schema (strawberry's)."""

    def __init__(self, schema) -> None:
        self.schema: GraphQLSchema = schema._schema
        extensions = schema.get_extensions()
        self.enabled = (
            ResolveInfo is not None
            and {type(extension) for extension in extensions} <= KNOWN_EXTENSIONS
            and not any(extension._implements_resolve() for extension in extensions)  # no per-field hook
        )
        self.plans = memo(self.schema, "pure")

    def answer(self, query, operation_name, variables, context, root_value) -> ExecutionResult | None:
        """The operation's result, or None: the general path answers."""
        if not (self.enabled and isinstance(query, str)):
            return None
        if not (operation_name is None or isinstance(operation_name, str)):
            return None
        if not (variables is None or isinstance(variables, dict)) or _values(variables, MAX_INPUT_VALUES) < 0:
            return None
        if len(query) > MAX_QUERY_LENGTH or not any(name in query for name in PURE):
            return None  # neither parsed nor kept: only a candidate costs the loop a parse
        found = self.plans.get((query, operation_name), lambda: plan(self.schema, query, operation_name))
        if found is None:
            return None
        role = context.principal.role
        refused = memo(self.schema, "reads").get(
            (query, operation_name, role),
            lambda: tuple(refused_fields(self.schema, found.document, operation_name, role)),
        )
        if refused:
            return None
        try:
            return ExecutionResult(data=self._run(found, variables or {}, context, root_value), errors=None)
        except Exception:  # noqa: BLE001 - whatever it was, the general path says it properly
            return None

    def _run(self, found: Plan, variables: dict, context, root_value) -> dict:
        values = get_variable_values(self.schema, found.operation.variable_definitions or (), variables)
        if isinstance(values, list):  # the variables' errors
            raise _Off
        data = {}
        for root in found.roots:
            arguments = get_argument_values(root.definition, root.node, values)
            info = ResolveInfo(
                root.name,
                [root.node],
                root.definition.type,
                root.parent,
                Path(None, root.key, root.parent.name),
                self.schema,
                {},
                root_value,
                found.operation,
                values.coerced,
                context,
                is_awaitable,
                None,
                None,
                None,
            )
            data[root.key] = root.complete(root.definition.resolve(root_value, info, **arguments))
        return data


def _values(value, budget: int) -> int:
    """What is left of `budget` once the JSON value's values are counted; negative when it ran out,
    having looked at no more than that many."""
    budget -= 1
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list):
        return budget
    for item in value:
        if budget < 0:
            break
        budget = _values(item, budget)
    return budget


def _completion(type_, fields: tuple | None) -> Complete:
    """What graphql-core's completion does to a value of `type_` (`fields` below an object), as a
    function made once: the same checks in the same order, _Off where it would give an error."""
    if isinstance(type_, GraphQLNonNull):
        inner = _completion(type_.of_type, fields)

        def non_null(value):
            if value is None:
                raise _Off
            return inner(value)

        return non_null
    if isinstance(type_, GraphQLList):
        item = _completion(type_.of_type, fields)

        def list_(value):
            if value is None:
                return None
            if not isinstance(value, list | tuple):  # an iterable of another kind, an awaitable…
                raise _Off
            return [item(each) for each in value]

        return list_
    if not fields:  # a leaf
        serialize = type_.serialize

        def leaf(value):
            if value is None:
                return None
            if isinstance(value, Exception) or is_awaitable(value):
                raise _Off
            serialized = serialize(value)
            if serialized is None or serialized is Undefined:
                raise _Off
            return serialized

        return leaf

    def object_(value):
        if value is None:
            return None
        if isinstance(value, Exception) or is_awaitable(value):
            raise _Off
        return {key: complete(read(value)) for key, read, complete in fields}

    return object_


def plan(schema: GraphQLSchema, query: str, operation_name: str | None) -> Plan | None:
    """The plan of a document this module answers, or None."""
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return None
    if len(document.definitions) != 1 or not isinstance(document.definitions[0], OperationDefinitionNode):
        return None
    operation = document.definitions[0]
    if operation.operation is not OperationType.QUERY or operation.directives:
        return None
    if operation_name is not None and (operation.name is None or operation.name.value != operation_name):
        return None
    if any(definition.directives for definition in operation.variable_definitions or ()):
        return None
    if _count(operation.selection_set, MAX_FIELDS) < 0:
        return None
    parent = schema.query_type
    nodes = _fields(operation.selection_set)
    if nodes is None or not 0 < len(nodes) <= MAX_ROOT_FIELDS:
        return None
    roots = []
    for node in nodes:
        name = node.name.value
        definition = parent.fields.get(name)
        if name not in PURE or definition is None or not _noteless(definition.type):
            return None
        below = _selection(get_named_type(definition.type), node.selection_set)
        if below is None:
            return None
        roots.append(Root(_key(node), name, node, definition, parent, _completion(definition.type, below)))
    # Validated only now that it is known to be small and plain: validation compares the fields of
    # a selection pairwise, and 113 `quote { amountDue }` in 4,000 characters took 180 ms — on the
    # event loop, for every new text.
    rules = (*specified_rules, NoSchemaIntrospectionCustomRule)
    if validate_document(schema, document, rules):
        return None
    shape, read = shape_and_variables(schema, document, operation_name, {})
    if read or refusal(shape) is not None:
        return None
    return Plan(document, operation, tuple(roots))


def _selection(type_, selection_set: SelectionSetNode | None) -> tuple | None:
    """The fields below a value of `type_` — each its response key, how it is read and how its value
    is completed — () for a leaf, or None where this module does not answer."""
    if is_leaf_type(type_):
        return () if selection_set is None else None
    if not isinstance(type_, GraphQLObjectType) or type_.is_type_of is not None or type_.name == REPORTS:
        return None
    nodes = _fields(selection_set)
    if nodes is None:
        return None
    fields = []
    for node in nodes:
        definition = type_.fields.get(node.name.value)
        if definition is None or definition.args or node.arguments or not _noteless(definition.type):
            return None
        read = _reader(definition)
        below = _selection(get_named_type(definition.type), node.selection_set)
        if read is None or below is None:
            return None
        fields.append((_key(node), read, _completion(definition.type, below)))
    return tuple(fields)


def _reader(definition) -> Callable[[Any], Any] | None:
    """How the field's value is read from its object: for strawberry's resolver of a field without
    one of its own (`_get_basic_result`, which calls `field.get_result(source, None, [], {})`, which
    calls `field.default_resolver(source, field.python_name)`), that call; else None."""
    field = (definition.extensions or {}).get(DEFINITION)
    if field is None or not getattr(definition.resolve, "_is_default", False) or not field.is_basic_field:
        return None
    if field.default_resolver is getattr:
        return attrgetter(field.python_name)
    return lambda source: definition.resolve(source, None)


def _fields(selection_set: SelectionSetNode | None) -> list[FieldNode] | None:
    """The selection's fields: plain fields only, each response key once, no `__` field."""
    if selection_set is None:
        return None
    nodes = selection_set.selections
    if not all(isinstance(node, FieldNode) and not node.directives for node in nodes):
        return None
    if any(node.name.value.startswith("__") for node in nodes):
        return None
    keys = [_key(node) for node in nodes]
    return list(nodes) if len(set(keys)) == len(keys) and nodes else None


def _count(selection_set: SelectionSetNode | None, budget: int) -> int:
    """What is left of `budget` once the selections below are counted; negative when it ran out."""
    for node in selection_set.selections if selection_set else ():
        budget = _count(getattr(node, "selection_set", None), budget - 1)
        if budget < 0:
            break
    return budget


def _key(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


def _noteless(type_) -> bool:
    """A value of this type notes no subjects for the access log."""
    named = get_named_type(type_)
    return is_leaf_type(named) or (isinstance(named, GraphQLObjectType) and named.name not in SUBJECTS)
