"""Which role may read which fields below the root fields, whatever operation reaches them.

`OPERATIONS` (api/graphql/permissions.py) lets a role call a root field; this table says what it may read
of the objects that come back — through a query, a mutation's result or a federation entity
alike. A roster uploader may call `recordCategory`, and gets back the person it matched, but not
that person's household, payments, enrolments or contact details: a department's roster clerk
needs to know whom a hardship identity was recorded for, nothing more (PIPL 第六条, the minimum
necessary).

A field's roles are `FIELDS["Type.field"]` if listed, else `TYPES["Type"]`, else the registry's
readers: a type nobody listed — a new one, a plugin's report — is closed to the public and to
roster uploaders until someone decides otherwise. The whole document is checked before anything
runs (`refused_fields`), so a mutation asking for a field its caller may not read is refused
without being carried out.
"""

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_operation_ast,
    visit,
)
from graphql.language.visitor import SKIP

from yibao.core.auth import Role

from .permissions import EVERYONE, OPERATIONS, READERS

R = Role
UPLOADS = READERS | {R.ROSTER_UPLOADER}  # the registry's readers and a department's roster uploader

# Who may read each type's fields; a type missing here is registry data (READERS).
TYPES: dict[str, set[Role]] = {
    # the rules and the region tree, public (policies, quote, policyDiff, region, regions)
    **dict.fromkeys(
        (
            "Policy",
            "PolicyDocument",
            "PolicyChannel",
            "PolicyWindow",
            "PolicyParameter",
            "PolicyFact",
            "PolicyChange",
            "PolicyDiff",
            "HouseholdRule",
            "Tier",
            "Quote",
            "ExplanationStep",
            "FundingShare",
            "Region",
            "Category",
            "Channel",
        ),
        EVERYONE,
    ),
    # who the caller's own token names (api/graphql/viewer.py): a roster uploader may see itself too
    "Viewer": EVERYONE,
    # the subgraph's SDL, for the gateway that composes it (permissions.py: `_service`)
    "_Service": READERS | {R.GATEWAY},
    # refusals and pages carry no personal data of their own
    "InputErrors": EVERYONE,
    "FieldError": EVERYONE,
    "PageInfo": EVERYONE,
    # a department roster's import and its rows (ID numbers masked for the uploader)
    "ImportJob": UPLOADS,
    "ImportRowConnection": UPLOADS,
    "ImportRowEdge": UPLOADS,
    "ImportRow": UPLOADS,
    # the person a roster clerk recorded an identity for: see FIELDS for what of it
    "Person": READERS,
    "CategoryFact": UPLOADS,
}

# Fields whose roles differ from their type's.
FIELDS: dict[str, set[Role]] = {
    # Whom the identity was recorded for, and the identities: the uploader's own work. Not the
    # birth year, gender, phone, regions, household, enrolments (with their payments) or refunds.
    "Person.id": UPLOADS,
    "Person.databaseId": UPLOADS,
    "Person.name": UPLOADS,
    "Person.idNumber": UPLOADS,  # masked for the uploader (api/graphql/masking.py)
    "Person.noIdReason": UPLOADS,
    "Person.categories": UPLOADS,
}


def may_read(role: Role, type_name: str, field_name: str) -> bool:
    roles = FIELDS.get(f"{type_name}.{field_name}") or TYPES.get(type_name, READERS)
    return role in roles


def refused_fields(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, role: Role
) -> list[str]:
    """The `Type.field`s of the operation (and the fragments it spreads) the role may not read.

    Root fields are left to `OPERATIONS`, checked as they run; below a root field the role may not
    call nothing runs, so nothing there is reported twice.
    """
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return []
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    roots = {t for t in (schema.query_type, schema.mutation_type, schema.subscription_type) if t}
    refused: list[str] = []

    class Check(Visitor):
        def __init__(self, type_info: TypeInfo):
            super().__init__()
            self.type_info = type_info
            self.spread: list[str] = []

        def enter_field(self, node: FieldNode, *_):
            name, parent = node.name.value, self.type_info.get_parent_type()
            if parent is None or name.startswith("__") or parent.name.startswith("__"):
                return None  # introspection: the schema itself, which DisableIntrospection governs
            if parent in roots:
                return None if role in OPERATIONS.get(name, ()) else SKIP
            if not may_read(role, parent.name, name):
                found = f"{parent.name}.{name}"
                if found not in refused:
                    refused.append(found)
                return SKIP
            return None

        def enter_fragment_spread(self, node: FragmentSpreadNode, *_):
            self.spread.append(node.name.value)

    pending, done = [operation], set()
    while pending:
        node = pending.pop()
        type_info = TypeInfo(schema)
        check = Check(type_info)
        visit(node, TypeInfoVisitor(type_info, check))
        for name in check.spread:
            if name not in done and name in fragments:
                done.add(name)
                pending.append(fragments[name])
    return refused
