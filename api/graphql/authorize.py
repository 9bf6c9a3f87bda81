"""The check before anything runs: may this caller call these root fields and read these fields?

Root fields against `OPERATIONS` (api/graphql/permissions.py) as each runs, introspection aside;
every field below them against the read table (api/graphql/reads.py) before the operation runs,
so a mutation asking for a field its caller may not read is refused without being carried out.

Neither check wraps every field: the root check is put on the root types' resolvers once, when
the schema is built (`authorize_root_fields`), and the read check's verdict for a document is
kept (the same query text, operation and role always get the same answer). A per-field hook
(a schema extension's `resolve`) made every one of a page's ~950 fields pay for it.
"""

from graphql import GraphQLSchema, default_field_resolver
from strawberry.extensions import SchemaExtension

from .memo import memo
from .permissions import OPERATIONS, forbidden, unauthenticated
from .reads import refused_fields


class Authorize(SchemaExtension):
    """Checks every field below the root fields against the read table of api/graphql/reads.py
    before the operation runs at all (the root fields are checked as they run: `authorize_root_fields`)."""

    def on_execute(self):
        execution = self.execution_context
        principal = execution.context.principal
        schema, document = execution.schema._schema, execution.graphql_document

        def check():
            return tuple(refused_fields(schema, document, execution.operation_name, principal.role))

        query = execution.query
        if isinstance(query, str):
            refused = memo(schema, "reads").get((query, execution.operation_name, principal.role), check)
        else:
            refused = check()
        if refused:
            raise forbidden(f"角色 {principal.role} 无权读取 {'、'.join(refused)}")
        yield


def authorize_root_fields(schema: GraphQLSchema) -> None:
    """Puts the OPERATIONS check on each root field's resolver: a caller whose role may not call
    the field gets its FORBIDDEN error (UNAUTHENTICATED if the token sent was not accepted) and
    the field never runs; the operation's other root fields run as they would alone."""
    for root in (schema.query_type, schema.mutation_type, schema.subscription_type):
        if root is None:
            continue
        for name, field in root.fields.items():
            field.resolve = _checked(name, field.resolve or default_field_resolver)


def _checked(name: str, resolve):
    allowed = OPERATIONS.get(name, set())

    def checked(root, info, /, **arguments):  # positional: an argument may have any name
        context = info.context
        if context.principal.role not in allowed:
            if context.auth_error is not None:  # a token was sent, and it was not accepted
                raise unauthenticated(context.auth_error)
            raise forbidden(f"角色 {context.principal.role} 无权执行 {name}")
        return resolve(root, info, **arguments)

    return checked
