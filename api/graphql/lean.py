"""Plain fields resolved without strawberry's per-field machinery.

Most fields of an answer are a method reading the wrapped row (`Person.name`, `Household.address`,
the masked `Person.idNumber`): no arguments, synchronous, at most `info`. Strawberry still calls
each through its general path — converting (no) arguments, building a chain of (no) field
extensions, looking for (no) exception handlers — which costs more than the method. For such a
field the resolver is replaced, once, when the schema is built, by a direct call of the method
with the same `self` and the same `strawberry.Info`; what it returns, and any error it raises,
are exactly what they were. Every other field keeps strawberry's resolver.
"""

from graphql import GraphQLObjectType, GraphQLSchema

DEFINITION = "strawberry-definition"  # where strawberry keeps a GraphQL field's own definition


def lean_resolvers(schema: GraphQLSchema, info_class) -> None:
    """Before any other wrapper is put on the resolvers (they wrap what this leaves)."""
    roots = {schema.query_type, schema.mutation_type, schema.subscription_type}
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_ in roots or type_.name.startswith("__"):
            continue
        for graphql_field in type_.fields.values():
            field = (graphql_field.extensions or {}).get(DEFINITION)
            resolve = _direct(field, info_class) if field is not None else None
            if resolve is not None:
                graphql_field.resolve = resolve


def _direct(field, info_class):
    resolver = field.base_resolver
    if (
        resolver is None
        or field.is_async
        or field.arguments
        or field.extensions
        or resolver.self_parameter is None
        or resolver.root_parameter is not None
        or resolver.parent_parameter is not None
        or resolver.is_async
    ):
        return None
    method = resolver.wrapped_func
    info_parameter = resolver.info_parameter
    if info_parameter is None:

        def without_info(source, _info):
            return method(source)

        return without_info
    name = info_parameter.name

    def with_info(source, info):
        return method(source, **{name: info_class(_raw_info=info, _field=field)})

    return with_info
