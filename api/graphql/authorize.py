"""The check before anything runs: may this caller call these root fields and read these fields?

Root fields against `OPERATIONS` (api/graphql/permissions.py) as each runs, introspection aside;
every field below them against the read table (api/graphql/reads.py) before the operation runs,
so a mutation asking for a field its caller may not read is refused without being carried out.
"""

from strawberry.extensions import SchemaExtension

from .permissions import OPERATIONS, forbidden
from .reads import refused_fields


class Authorize(SchemaExtension):
    """Checks every root field against OPERATIONS before it runs (introspection aside), and every
    field below them against the read table of api/graphql/reads.py before the operation runs at all."""

    def on_execute(self):
        execution = self.execution_context
        principal = execution.context.principal
        refused = refused_fields(
            execution.schema._schema, execution.graphql_document, execution.operation_name, principal.role
        )
        if refused:
            raise forbidden(f"无权读取 {'、'.join(refused)}")
        yield

    def resolve(self, _next, root, info, *args, **kwargs):
        if info.path.prev is None and not info.field_name.startswith("__"):
            context = info.context
            allowed = OPERATIONS.get(info.field_name, set())
            if context.principal.role not in allowed:
                why = f"；{context.auth_error}" if context.auth_error else ""
                raise forbidden(f"无权执行 {info.field_name}{why}")
        return _next(root, info, *args, **kwargs)
