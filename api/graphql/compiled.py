"""A compiled path for the list views: a validated query of a known shape answered level by level.

graphql-core executes an answer field by field: for a page of 20 households with their members,
persons and enrolments, ~950 resolver calls, each with its own info object, awaitable check, leaf
serialisation and path, and every nested row a full SQLModel object. For the shapes this module
knows (api/graphql/compiled_fields.py: a root field, and per type the fields it can answer from
the rows' columns), the operation is answered here instead: its selections are collected exactly
as graphql-core collects them (`collect_subfields`: aliases, fragments, `__typename`, variables,
@skip and @include), once per level, not once per object; each level's rows are read in one
statement of plain columns for all the objects of the level; and the answer's dicts are built
directly, column by column.

Anything else takes graphql-core's path, unchanged: another root field or operation type, a field
the table does not know (a region, a household's payments, a snapshot), a @defer, a resolver that
raises (a refused argument, a bad cursor: the typed error, with its path, comes from graphql-core),
a null where the schema promises none. Falling back costs the work done so far, never a difference:
the compiled path only reads, and what it noted for the access log is kept aside until it succeeds.

It runs as the last schema extension's `on_execute`: after the read check (api/graphql/authorize.py),
the limits (api/graphql/limits.py) and validation, and before strawberry would call graphql-core,
which it skips by setting the operation's result. The root field's own resolver runs as it would
under graphql-core, with the root access check (`authorize_root_fields`) around it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from graphql import (
    ExecutionResult,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLInt,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    OperationType,
    get_named_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import collect_fields, collect_subfields
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined
from strawberry.extensions import SchemaExtension

from yibao.core.access_log import Subjects

from . import access_log
from .compiled_fields import FIELDS, HOUSEHOLD, PERSON, ROOTS, SUBJECTS, driver, scope_codes
from .compiled_roots import ROOTS as ROOT_READS
from .compiled_roots import NotPlain
from .permissions import sees_identity

ROOT = ("",)  # the root fields' key among the collected selections


class Fallback(Exception):
    """The compiled path does not answer this operation: graphql-core does."""


class Run:
    """One operation's compiled execution: the caller's context, the collected selections, and
    the rows each level fetched (by loader and key, as the request's DataLoaders keep them)."""

    def __init__(self, executor, context, subfields: dict | None = None) -> None:
        self.executor = executor
        self.schema: GraphQLSchema = executor.schema
        self.context = context
        self.whole = sees_identity(context.principal.role)  # whole ID numbers, birth dates, phones
        self.subjects = Subjects()
        self.kept: dict[str, dict] = {}
        self._codes: list[str] | None = None
        self._driver = None
        # The collected selections below each level, and how each level and leaf type is answered:
        # per request, or the plan's own where no variable can change them (api/graphql/compiled_http.py).
        self._subfields: dict[Any, Any] = {} if subfields is None else subfields
        self._serializers: dict[Any, _Leaf] = self._subfields.setdefault("serializers", {})

    # The session and the scope as the resolvers get them, and only once a row is read: a refused
    # root field reads nothing (the scope is a read of the caller's region).
    @property
    def session(self):
        return self.context.session

    @property
    def scope(self):
        return self.context.scope

    def driver(self):
        """The session's driver connection and placeholder (compiled_fields.driver), once."""
        if self._driver is None:
            self._driver = driver(self.session)
        return self._driver

    # ------------------------------------------------------------ the caller's scope

    def codes(self) -> list[str] | None:
        """The region codes in the caller's scope, read once per request and bound as a list
        (None: everything is in scope)."""
        if self.scope.path is None:
            return None
        if self._codes is None:
            self._codes = scope_codes(self)
        return self._codes

    # ------------------------------------------------------------ building the answer

    def root(self) -> dict:
        executor = self.executor
        operation = executor.operation
        if operation.operation is not OperationType.QUERY:
            raise Fallback
        root_type = self.schema.query_type
        collected = self._subfields.get(ROOT)
        if collected is None:
            collected = self._subfields[ROOT] = collect_fields(
                self.schema, executor.fragments, executor.variable_values, root_type, operation
            )
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            raise Fallback
        data: dict = {}
        for key, details in collected.grouped_field_set.items():
            _plain(details)
            name = details[0].node.name.value
            if name == "__typename":
                data[key] = root_type.name
                continue
            if name not in ROOTS:
                raise Fallback
            field_def = root_type.fields[name]
            nodes = [d.node for d in details]
            arguments = get_argument_values(field_def, nodes[0], executor.variable_values)
            read = ROOT_READS.get(name)
            try:  # a plain page on the driver's cursor (api/graphql/compiled_roots.py)
                if read is None:
                    raise NotPlain
                value = read(self, arguments)
            except NotPlain:
                value = self.resolved(field_def, nodes, root_type, key, arguments)
            data[key] = self.value(field_def, details, [value])[0]
        return data

    def resolved(self, field_def, nodes, root_type, key: str, arguments: dict):
        """The root field's value from its own resolver, as graphql-core calls it."""
        executor = self.executor
        path = Path(None, key, root_type.name)
        info = executor.build_resolve_info(field_def, nodes, root_type, path)
        value = field_def.resolve(None, info, **arguments)
        if executor.is_awaitable(value):
            value.close()
            raise Fallback
        return value

    def value(self, field_def, details, values: list) -> list:
        """The completed values of one object field for each of `values` (None allowed where the
        schema allows it), its objects' subjects noted as api/graphql/access_log.py notes them."""
        type_ = get_named_type(field_def.type)
        present = [v for v in values if v is not None]
        if len(present) != len(values) and is_non_null_type(field_def.type):
            raise Fallback
        self.note(type_, present)
        built = iter(self.objects(type_, details, present))
        return [None if v is None else next(built) for v in values]

    def lists(self, field_def, details, lists: list[list]) -> list[list]:
        """The completed lists of one list field (of non-null objects) for each object."""
        type_ = get_named_type(field_def.type)
        flat = [item for items in lists for item in items]
        if any(item is None for item in flat) or not _list_of_non_null(field_def.type):
            raise Fallback
        self.note(type_, flat)
        built = self.objects(type_, details, flat)
        out, start = [], 0
        for items in lists:
            out.append(built[start : start + len(items)])
            start += len(items)
        return out

    def objects(self, type_: GraphQLObjectType, details, objects: list) -> list[dict]:
        """The answer's dicts for `objects` of one type, all selected by the same field nodes."""
        if not objects:
            return []
        fields, make = self.level(type_, details)
        columns = [
            [type_.name] * len(objects) if complete is None else complete(self, field_def, sub, objects)
            for complete, field_def, sub in fields
        ]
        return make(columns)

    def level(self, type_: GraphQLObjectType, details) -> tuple[list, Callable]:
        """How one level's objects are answered: per response key, its field's completion (None for
        `__typename`), definition and field nodes; and the function making the dicts. Kept with
        the collected selections (per request, or with the plan: `subfields`)."""
        key = ("level", type_.name, tuple(id(detail.node) for detail in details))
        found = self._subfields.get(key)
        if found is not None:
            return found
        known = FIELDS.get(type_.name)
        if known is None:
            raise Fallback
        collected = self.subfields(type_, details)
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            raise Fallback
        keys, fields = [], []
        for response_key, sub in collected.grouped_field_set.items():
            _plain(sub)
            name = sub[0].node.name.value
            if name == "__typename":
                fields.append((None, None, sub))
            else:
                complete = known.get(name)
                field_def = type_.fields.get(name)
                if complete is None or field_def is None or _argued(field_def, sub):
                    raise Fallback
                fields.append((complete, field_def, sub))
            keys.append(response_key)
        found = self._subfields[key] = (fields, _maker(tuple(keys)))
        return found

    def subfields(self, type_: GraphQLObjectType, details):
        """graphql-core's `collect_subfields` of these field nodes, once per request: a level's
        read asks which fields are selected below it (`selected`) before its objects are built."""
        key = (type_.name, tuple(id(detail.node) for detail in details))
        found = self._subfields.get(key)
        if found is None:
            executor = self.executor
            found = self._subfields[key] = collect_subfields(
                self.schema, executor.fragments, executor.variable_values, executor.operation, type_, details
            )
        return found

    def selected(self, field_def, details) -> set[str]:
        """The names of the fields selected below an object field (not their response keys)."""
        grouped = self.subfields(get_named_type(field_def.type), details).grouped_field_set
        return {sub[0].node.name.value for sub in grouped.values()}

    def leaves(self, field_def, values: Iterable) -> list:
        """Leaf values serialised as graphql-core serialises them (`complete_leaf_value`)."""
        leaf = self._serializers.get(field_def.type)
        if leaf is None:
            leaf = self._serializers[field_def.type] = _Leaf(field_def.type)
        values = list(values)
        if leaf.known is not None:  # an enum's members, each serialised once per plan or request
            try:
                return list(map(leaf.known.__getitem__, values))
            except KeyError:
                pass
        # A column whose values all serialise to themselves (a page's names, ids, flags, years) is
        # checked as a whole, in C, rather than value by value.
        if leaf.same is not None and values:
            kinds = set(map(type, values))
            if kinds == {leaf.same} and (leaf.same is not int or _in_int_range(values)):
                return values
            if leaf.nullable and leaf.same is not int and kinds <= {leaf.same, type(None)}:
                return values
        return list(map(leaf.complete, values))

    def resolved_subjects(self) -> Subjects:
        """The subjects noted, a household whose members this operation read named by its members'
        persons: the access log would read the same members again to find them (core/access_log.py
        `person_ids`), and the event it writes is the same."""
        households, members = self.subjects.keys[HOUSEHOLD], self.kept.get("members", {})
        read = [h for h in households if h in members]
        for household in read:
            households.discard(household)
            self.subjects.keys[PERSON].update(m.person_id for m in members[household])
        return self.subjects

    def note(self, type_, objects: list) -> None:
        found = SUBJECTS.get(type_.name)
        if found is not None:
            kind, key = found
            keys = set(map(key, objects))
            keys.discard(None)
            self.subjects.keys[kind] |= keys
        elif type_.name in access_log.SUBJECTS:
            raise Fallback  # a type whose objects name persons, and this module does not know how


# The functions making a level's dicts from its columns, by their keys (`_maker`).
_MAKERS: dict[tuple[str, ...], Callable] = {}
_MAKERS_KEPT = 1024


def _maker(keys: tuple[str, ...]) -> Callable[[list], list[dict]]:
    """`lambda columns: [{"id": v0, "name": v1} for v0, v1 in zip(*columns)]` for these keys: a
    dict display with constant keys is built in one step, where `dict(zip(keys, row))` made a
    pair per value (a fifth of a page's values work). The keys are response keys, GraphQL names
    (`[_A-Za-z][_0-9A-Za-z]*`, as the parser accepted them), written as Python literals."""
    found = _MAKERS.get(keys)
    if found is None:
        if not all(_NAME.fullmatch(key) for key in keys):
            raise Fallback
        names = [f"v{index}" for index in range(len(keys))]
        pairs = ", ".join(f"{key!r}: {name}" for key, name in zip(keys, names, strict=True))
        # Every column has one value per object, by construction: zip's length check is not needed.
        source = f"lambda columns: [{{{pairs}}} for {', '.join(names)}, in zip(*columns)]"
        found = eval(source, {"zip": zip})  # noqa: S307 - names checked above, nothing else in it
        if len(_MAKERS) >= _MAKERS_KEPT:
            _MAKERS.clear()
        _MAKERS[keys] = found
    return found


_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


def _plain(details) -> None:
    """A field collected without @defer or fragment variables, which the compiled path leaves to
    graphql-core."""
    for detail in details:
        if detail.defer_usage is not None or detail.fragment_variable_values is not None:
            raise Fallback


def _argued(field_def, details) -> bool:
    """Arguments the compiled reads would not apply: any the query gives (e.g. Person.enrolments'
    coverageYear), or a default other than null. An optional argument left out changes nothing."""
    given = any(detail.node.arguments for detail in details)
    return given or any(arg.default_value not in (None, Undefined) for arg in field_def.args.values())


def _list_of_non_null(type_) -> bool:
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    return isinstance(getattr(inner, "of_type", None), GraphQLNonNull)


# Leaf types whose serialize returns a value of this Python type unchanged (graphql-core's Int also
# checks the 32-bit range, below): the check is cheaper than the call, for most of a page's values.
_UNCHANGED = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool, GraphQLInt: int}
_INT_RANGE = range(-(2**31), 2**31)


def _in_int_range(values: list[int]) -> bool:
    return min(values) in _INT_RANGE and max(values) in _INT_RANGE


class _Leaf:
    """How one leaf type's values are completed: `complete` for one value; `same`, the Python type
    whose values serialise to themselves (None: every value goes through `complete`)."""

    def __init__(self, type_) -> None:
        self.nullable = nullable = not is_non_null_type(type_)
        named = get_named_type(type_)
        serialize = named.serialize
        self.same = same = _UNCHANGED.get(named)
        # An enum's few members each serialise to their name, always the same: kept once seen.
        self.known = known = {} if isinstance(named, GraphQLEnumType) else None

        def complete(value):
            if value is None:
                if nullable:
                    return None
                raise Fallback  # graphql-core: an error at this path
            if type(value) is same and (same is not int or value in _INT_RANGE):
                return value
            if known is not None and (found := known.get(value)) is not None:
                return found
            serialized = serialize(value)
            if serialized is None:
                raise Fallback  # graphql-core: "Expected `…serialize` to return non-nullable value"
            if known is not None:
                known[value] = serialized
            return serialized

        self.complete = complete


def compiled_result(execution_context) -> ExecutionResult | None:
    """The operation's answer by the compiled path, or None where graphql-core must answer."""
    schema = execution_context.schema
    document = execution_context.graphql_document
    if document is None:
        return None
    try:
        executor = schema.execution_context_class.build(
            schema._schema,
            document,
            root_value=execution_context.root_value,
            context_value=execution_context.context,
            raw_variable_values=execution_context.variables,
            operation_name=execution_context.operation_name,
            operation_extensions=None,
        )
        if isinstance(executor, list):  # bad variables, a missing operation: graphql-core's errors
            return None
        run = Run(executor, execution_context.context)
        data = run.root()
    except Exception:  # noqa: BLE001 — every failure is answered again, and reported, by graphql-core
        return None
    subjects = access_log.current_subjects()
    if subjects is not None:
        for kind, keys in run.resolved_subjects().keys.items():
            subjects.keys[kind].update(keys)
    context = execution_context.context
    if hasattr(context, "session_clean") and "session" in vars(context):
        # Only reads, all answered: the access log writes its event on this session.
        context.session_clean = True
    return ExecutionResult(data=data)


class Compiled(SchemaExtension):
    """Answers a known shape by the compiled path; last of the extensions, so that every check
    before execution has run."""

    def on_execute(self):
        execution = self.execution_context
        if not execution.result and getattr(execution.context, "engine", None) is not None:
            result = compiled_result(execution)
            if result is not None:
                execution.result = result
        yield
