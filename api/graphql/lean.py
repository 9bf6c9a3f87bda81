"""Plain fields resolved without strawberry's per-field machinery.

Most fields of an answer are a method reading the wrapped row (`Person.name`, `Household.address`,
the masked `Person.idNumber`): synchronous, taking at most `info` and arguments. Strawberry still calls
each through its general path — converting (no) arguments, building a chain of (no) field
extensions, looking for (no) exception handlers — which costs more than the method. For such a
field the resolver is replaced, once, when the schema is built, by a direct call of the method
with the same `self`, the same `strawberry.Info` and the same arguments (converted by a plan
made once, api/graphql/arguments.py); what it returns, and any error it raises, are exactly what
they were. Every other field (async, with field extensions, or with an argument type the plan
leaves to strawberry) keeps strawberry's resolver.
"""

from graphql import GraphQLObjectType, GraphQLSchema

from .arguments import plan

DEFINITION = "strawberry-definition"  # where strawberry keeps a GraphQL field's own definition


def lean_resolvers(schema, info_class) -> None:
    """Before any other wrapper is put on the resolvers (they wrap what this leaves). `schema` is
    strawberry's, whose config and scalars the argument plans follow."""
    core: GraphQLSchema = schema._schema
    subscription = core.subscription_type
    for type_ in core.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_ is subscription or type_.name.startswith("__"):
            continue
        for graphql_field in type_.fields.values():
            field = (graphql_field.extensions or {}).get(DEFINITION)
            resolve = _direct(field, info_class, schema) if field is not None else None
            if resolve is not None:
                graphql_field.resolve = resolve


def _direct(field, info_class, schema):
    resolver = field.base_resolver
    if (
        resolver is None
        or field.is_async
        or field.extensions
        or resolver.self_parameter is None
        or resolver.root_parameter is not None
        or resolver.parent_parameter is not None
        or resolver.is_async
    ):
        return None
    method = resolver.wrapped_func
    info_parameter = resolver.info_parameter
    if field.arguments:
        convert = plan(field, schema.config, schema.schema_converter.scalar_registry)
        if convert is None:
            return None
        name = info_parameter.name if info_parameter is not None else None

        def with_arguments(source, info, /, **arguments):  # an argument may be called `source`
            converted = convert(arguments)
            if name is not None:
                converted[name] = info_class(_raw_info=info, _field=field)
            return method(source, **converted)

        return with_arguments
    if info_parameter is None:

        def without_info(source, _info):
            return method(source)

        return without_info
    name = info_parameter.name

    def with_info(source, info):
        return method(source, **{name: info_class(_raw_info=info, _field=field)})

    return with_info
