"""The shape of an operation, worked out from its document before anything runs: how many field
values its answer can hold, how many `_entities` representations it asks for, how deeply its
fields nest and how many aliases it uses (api/graphql/limits.py holds the limits).

The cost of an operation is the most field values its answer can hold: every field counts once
for each time it can be resolved, which is the product of the list sizes along its path. A list's
size is

- for a connection (`persons`, `households`, … `importJob.rows`): its page size — the `first`
  or `last` argument (a literal, a variable's value or its default), else the default page;
  unknown until execution, the largest page — for the connection's `edges` and `nodes`;
- for `_entities`: the number of representations sent;
- for every other list: the most it holds in practice, named in LIST_SIZES (a household's
  members are capped at registration, a person has one enrolment a year, a report has a row per
  unit); a list not named there counts DEFAULT_LIST_SIZE;
- for introspection: the schema's own sizes (its type count; the mean fields per type, …).

So `persons(first: 100) { nodes { household { members { person { name } } } } }` costs
1 + (1 + 100 × (1 + (1 + 20 × (1 + 1)))) = 4,202: the answer can hold that many values, whatever
the register holds today.

Fragments are walked once each, whatever the number of their spreads: a document of fragments
that double each other (2**40 fields if expanded, in a few hundred tokens) costs as many steps to
measure as it has fragments. (Strawberry's depth and alias limiters expand them, and never end on
such a document; api/graphql/limits.py uses this walk instead.)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

from yibao.core.models.household import MAX_HOUSEHOLD_MEMBERS
from yibao.core.queries import DEFAULT_PAGE, MAX_PAGE

DEFAULT_LIST_SIZE = 20
REPORT_ROWS = 100  # units of one report: the villages of a township, the townships of a county
ROSTER_ROWS = 500  # rows of a whole-table answer (roster, change table, ledger): one village's
# Selections (fields and fragment spreads) the walk follows inside each other; a document nested
# deeper is given a depth the depth limit refuses, so nothing hides below where the walk stopped.
MAX_NESTING = 100
TOO_DEEP = 10**6

# The most a list holds in practice, where no argument says: a household is capped at
# registration; a person has one enrolment a year and a handful of identities; an enrolment a
# payment, perhaps a reversal and a second payment; a mutation's result a row per input row.
LIST_SIZES = {
    "Household.members": MAX_HOUSEHOLD_MEMBERS,
    "HouseholdEnrolments.enrolments": MAX_HOUSEHOLD_MEMBERS,
    "Enrolment.partialHousehold": MAX_HOUSEHOLD_MEMBERS,
    "Person.enrolments": 5,
    "Person.categories": 5,
    "Enrolment.payments": 3,
    "Enrolment.entitlements": 3,
    "Enrolment.refunds": 3,
    "Query.collectionRoster": ROSTER_ROWS,
    "Query.changeTable": ROSTER_ROWS,
    "Query.refundLedger": ROSTER_ROWS,
    "Query.zeroDeclarations": ROSTER_ROWS,
    "SubsidyChanges.changes": ROSTER_ROWS,
    "TaxConfirmationImport.rows": ROSTER_ROWS,
    "DepositSlips.slips": ROSTER_ROWS,
    "TaxConfirmationRow.errors": 3,
    "InputErrors.errors": 10,
    "ZeroDeclaration.funding": 5,
    "Quote.fundingShares": 5,
    "Query.regions": 50,
    "PolicyDiff.changes": 200,
}


@dataclass(frozen=True)
class Shape:
    values: float = 0  # the most field values the answer can hold (introspection's are means)
    representations: int = 0  # `_entities` representations asked for
    depth: int = 0  # the deepest field's number of enclosing fields (introspection's not counted)
    deepest: str = ""  # that field's name
    aliases: int = 0  # aliased fields, each fragment counted at every spread

    def __add__(self, other: Shape) -> Shape:
        deeper = other if other.depth > self.depth or not self.deepest else self
        return Shape(
            self.values + other.values,
            self.representations + other.representations,
            deeper.depth,
            deeper.deepest,
            self.aliases + other.aliases,
        )


NOTHING = Shape()


def operation_shape(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: dict | None
) -> Shape:
    """The shape of the operation the request names (the only one, without a name)."""
    return shape_and_variables(schema, document, operation_name, variables)[0]


def shape_and_variables(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: dict | None
) -> tuple[Shape, frozenset[str]]:
    """The operation's shape, and the names of the variables it depends on (those that size a
    page or give `_entities` its representations): the same document with the same values of
    those has the same shape (api/graphql/limits.py keeps it)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        return NOTHING, frozenset()  # no such operation: execution refuses it
    operation = operations[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return NOTHING, frozenset()
    walk = _Walk(schema, document, _variables(operation, variables))
    shape = walk.selections(root, operation.selection_set, page=None, depth=0, wraps=0)
    return shape, frozenset(walk.read)


def _variables(operation: OperationDefinitionNode, given: dict | None) -> dict:
    """The request's variables, with the defaults the operation declares for those not given."""
    values = dict(given) if isinstance(given, dict) else {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            default = definition.default_value
            values[name] = int(default.value) if isinstance(default, IntValueNode) else default
    return values


class _Walk:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict) -> None:
        self.schema, self.variables = schema, variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.walked: dict[tuple, Shape] = {}  # a fragment's shape, for one value, at depth 0
        self.visiting: set[str] = set()
        self.nesting = 0
        self.read: set[str] = set()  # the variables the shape depends on

    # `page`: the page size of the connection whose selection this is; `depth`: the number of
    # fields enclosing this selection; `wraps`: how deep in a chain of introspection's `ofType`.
    def selections(
        self, parent, selection_set: SelectionSetNode | None, page: int | None, depth: int, wraps: int
    ) -> Shape:
        """The shape of one value of `parent` answering `selection_set` (unions add up all arms)."""
        if selection_set is None:
            return NOTHING
        if self.nesting >= MAX_NESTING:
            return Shape(depth=TOO_DEEP, deepest="…")
        self.nesting += 1
        total = NOTHING
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection, page, depth, wraps)
            elif isinstance(selection, InlineFragmentNode):
                condition = self._type(selection.type_condition, parent)
                total += self.selections(condition, selection.selection_set, page, depth, wraps)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.spread(parent, selection.name.value, page, depth, wraps)
        self.nesting -= 1
        return total

    def spread(self, parent, name: str, page: int | None, depth: int, wraps: int) -> Shape:
        fragment = self.fragments.get(name)
        if fragment is None or name in self.visiting:
            return NOTHING  # unknown or cyclic: validation refuses the document
        key = (name, getattr(parent, "name", ""), page, wraps)
        if key not in self.walked:  # walked once, as if spread at depth 0, then shifted
            self.visiting.add(name)
            condition = self._type(fragment.type_condition, parent)
            self.walked[key] = self.selections(condition, fragment.selection_set, page, 0, wraps)
            self.visiting.discard(name)
        shape = self.walked[key]
        depth = min(shape.depth + depth, TOO_DEEP)
        return Shape(shape.values, shape.representations, depth, shape.deepest, shape.aliases)

    def _type(self, condition, parent):
        return self.schema.get_type(condition.name.value) if condition is not None else parent

    def field(self, parent, node: FieldNode, page: int | None, depth: int, wraps: int) -> Shape:
        name = node.name.value
        alias = 1 if node.alias else 0
        definition = _field_definition(self.schema, parent, name)
        if definition is None:  # __typename, or unknown: validation refuses the latter
            return Shape(1, 0, depth, name, alias)
        field_type = definition.type
        named = get_named_type(field_type)
        child_page = self._page_size(node) if named.name.endswith("Connection") else None
        size = self._list_size(parent, name, node, field_type, page)
        if getattr(parent, "name", "") == "__Type" and name == "ofType":
            # Non-null only as often as the schema's types are wrapped this deep.
            wraps += 1
            shares = _introspection_sizes(self.schema)["ofType"]
            size = shares[wraps - 1] if wraps <= len(shares) else 0
        else:
            wraps = 0
        representations = size if name == "_entities" and parent is self.schema.query_type else 0
        child = self.selections(named, node.selection_set, child_page, depth + 1, wraps)
        # Introspection is exempt from the depth limit, as strawberry's limiter had it: GraphiQL's
        # own query nests `ofType` eight deep. Its cost still counts.
        introspection = name.startswith("__") or getattr(parent, "name", "").startswith("__")
        deeper = child if child.depth > depth and not introspection else Shape(depth=depth, deepest=name)
        return Shape(
            1 + size * child.values,
            representations + int(size * child.representations),
            deeper.depth,
            deeper.deepest,
            alias + child.aliases,
        )

    def _list_size(self, parent, name: str, node: FieldNode, field_type, page: int | None) -> float:
        if isinstance(field_type, GraphQLNonNull):
            field_type = field_type.of_type
        if not isinstance(field_type, GraphQLList):
            return 1
        parent_name = getattr(parent, "name", "")
        if name in ("edges", "nodes") and parent_name.endswith("Connection") and page is not None:
            return page
        if name == "_entities":
            return self._representations(node)
        if parent_name.startswith("__"):
            return _introspection_sizes(self.schema).get(name, DEFAULT_LIST_SIZE)
        if name == "rows" and parent_name.endswith("Report"):
            return REPORT_ROWS
        return LIST_SIZES.get(f"{parent_name}.{name}", DEFAULT_LIST_SIZE)

    def _argument(self, node: FieldNode, name: str):
        for argument in node.arguments or ():
            if argument.name.value == name:
                value = argument.value
                if isinstance(value, VariableNode):
                    self.read.add(value.name.value)
                    return self.variables.get(value.name.value, _UNKNOWN)
                return value
        return None

    def _page_size(self, node: FieldNode) -> int:
        """`first` or `last` (execution refuses both); neither given, the default page."""
        sizes = [
            self._size(value)
            for name in ("first", "last")
            if (value := self._argument(node, name)) is not None
        ]
        return max(sizes) if sizes else DEFAULT_PAGE

    @staticmethod
    def _size(value) -> int:
        if isinstance(value, IntValueNode):
            value = int(value.value)
        if isinstance(value, int) and not isinstance(value, bool):
            return min(max(value, 0), MAX_PAGE)  # more than MAX_PAGE is refused by paginate
        if isinstance(value, NullValueNode) or value is None:
            return DEFAULT_PAGE  # an explicit null is the default page
        return MAX_PAGE  # unknown until execution: the most it can be

    def _representations(self, node: FieldNode) -> int:
        value = self._argument(node, "representations")
        if isinstance(value, ListValueNode):
            return len(value.values)
        if isinstance(value, list):
            return len(value)
        if value is None or value is _UNKNOWN:
            return 0  # missing: execution refuses the operation
        return 1  # a single value is coerced to a list of one


_UNKNOWN = object()


def _field_definition(schema: GraphQLSchema, parent, name: str):
    if name == "__schema" and parent is schema.query_type:
        return SchemaMetaFieldDef
    if name == "__type" and parent is schema.query_type:
        return TypeMetaFieldDef
    if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
        return parent.fields.get(name)
    return None  # a union's only field is __typename


@cache
def _introspection_sizes(schema: GraphQLSchema) -> dict:
    """Introspection's list sizes in this schema: its type count; per type, the mean number of
    fields, input fields, enum values … over all types (a scalar has none); per field, the mean
    number of arguments; and, for each step down an `ofType` chain, the share of type references
    wrapped that deep (`[String!]!` is wrapped thrice). The standard introspection query then
    costs about what its answer holds, and a deeper one what it would."""
    types = list(schema.type_map.values())
    objects = [t for t in types if isinstance(t, (GraphQLObjectType, GraphQLInterfaceType))]
    inputs = [t for t in types if isinstance(t, GraphQLInputObjectType)]
    fields = [f for t in objects for f in t.fields.values()]

    def wrapped(type_) -> int:
        return 1 + wrapped(type_.of_type) if isinstance(type_, (GraphQLNonNull, GraphQLList)) else 0

    depths = [wrapped(f.type) for f in fields] + [wrapped(a.type) for f in fields for a in f.args.values()]
    depths += [wrapped(f.type) for t in inputs for f in t.fields.values()]
    at_least = [sum(1 for d in depths if d >= k) for k in range(max(depths, default=0) + 1)]
    return {
        "types": len(types),
        "fields": len(fields) / len(types),
        "args": sum(len(f.args) for f in fields) / max(len(fields), 1),
        "inputFields": sum(len(t.fields) for t in inputs) / len(types),
        "enumValues": sum(len(t.values) for t in types if isinstance(t, GraphQLEnumType)) / len(types),
        "interfaces": sum(len(t.interfaces) for t in objects) / len(types),
        "possibleTypes": sum(len(t.types) for t in types if isinstance(t, GraphQLUnionType)) / len(types),
        "directives": len(schema.directives),
        "locations": 5,
        "ofType": [at_least[k] / at_least[k - 1] for k in range(1, len(at_least))],
    }
