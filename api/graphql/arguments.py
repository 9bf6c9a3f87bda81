"""Arguments converted by a plan made once per field, not by walking their types per request.

Strawberry turns a field's arguments (graphql-core's coerced dicts) into the resolver's Python
values — input dataclasses, lists — looking each field's type up again on every request: a
`quote`'s QuoteInput with its person, events and categories was a fifth of its execution. Here the
same conversion is planned once per argument type: for an input type, its fields' GraphQL and
Python names, their implicit None, and their own plans. Types the plan does not cover (enums,
`Maybe`, global ids, input types that build themselves) make `plan` answer None, and the field
keeps strawberry's conversion.
"""

from collections.abc import Callable
from dataclasses import MISSING
from typing import Any

from strawberry.relay.types import GlobalID
from strawberry.types.arguments import _is_leaf_type
from strawberry.types.base import StrawberryList, StrawberryMaybe, StrawberryOptional, has_object_definition
from strawberry.types.lazy_type import LazyType
from strawberry.types.unset import UNSET

Convert = Callable[[Any], Any]


class Unplanned(Exception):
    """A type this module leaves to strawberry."""


def plan(field, config, scalar_registry) -> Callable[[dict], dict] | None:
    """A function from graphql-core's arguments of `field` to the resolver's keyword arguments,
    or None where strawberry's own conversion must do it."""
    try:
        steps = [
            (
                config.name_converter.from_argument(argument),
                argument.python_name,
                _plan(argument.type, config, scalar_registry),
            )
            for argument in field.arguments
        ]
    except Unplanned:
        return None

    def convert(arguments: dict) -> dict:
        return {python: step(arguments[name]) for name, python, step in steps if name in arguments}

    return convert


def _plan(type_, config, scalar_registry) -> Convert:
    if isinstance(type_, StrawberryMaybe):
        raise Unplanned
    if isinstance(type_, StrawberryOptional):
        return _plan(type_.of_type, config, scalar_registry)
    if isinstance(type_, LazyType):
        return _plan(type_.resolve_type(), config, scalar_registry)
    if isinstance(type_, StrawberryList):
        return _list(type_.of_type, config, scalar_registry)
    if type_ is GlobalID:
        raise Unplanned
    if _is_leaf_type(type_, scalar_registry):
        return _leaf
    if has_object_definition(type_):
        return _input(type_, config, scalar_registry)
    raise Unplanned  # enums and anything else


def _leaf(value):
    return value


def _list(item_type, config, scalar_registry) -> Convert:
    inner = item_type.of_type if isinstance(item_type, StrawberryOptional) else item_type
    if inner is not GlobalID and _is_leaf_type(inner, scalar_registry):

        def copied(value):
            # Copied, as strawberry does: graphql-core gives every request that omits the value
            # the same default list.
            return None if value is None or value is UNSET else list(value)

        return copied
    step = _plan(item_type, config, scalar_registry)

    def each(value):
        if value is None or value is UNSET:
            return value
        return [None if item is None else step(item) for item in value]

    return each


def _input(type_, config, scalar_registry) -> Convert:
    definition = type_.__strawberry_definition__
    if not definition.is_input or definition.from_input is not None:
        raise Unplanned
    # Fields without a default are None unless given (graphql-core has refused a missing required one).
    implicit = {
        field.python_name: None
        for field in definition.fields
        if field.default_value is MISSING and field.default_factory is MISSING
    }
    steps: list = []
    for field in definition.fields:
        name = config.name_converter.from_field(field)
        steps.append((name, field.python_name, field.resolve_type(type_definition=definition)))
    planned = [(name, python, _plan(t, config, scalar_registry)) for name, python, t in steps]

    def build(value):
        if value is None or value is UNSET:
            return value
        kwargs = dict(implicit)
        for name, python, step in planned:
            if name in value:
                item = value[name]
                kwargs[python] = None if item is None else step(item)
        return type_(**kwargs)

    return build
