"""The schema honours docs/contract/quote.graphql, the quote contract: same names, same types."""

from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    Undefined,
    ast_from_value,
    build_schema,
    print_ast,
)

from yibao.api.graphql.schema import default_schema

CONTRACT_FILE = Path(__file__).parents[2] / "docs" / "contract" / "quote.graphql"
CONTRACT = build_schema("scalar Decimal\nscalar Date\n" + CONTRACT_FILE.read_text(encoding="utf-8"))
OURS = default_schema()._schema

TYPES = [
    t for name, t in CONTRACT.type_map.items() if not name.startswith("__") and not hasattr(t, "serialize")
]


@pytest.mark.parametrize("contract_type", TYPES, ids=lambda t: t.name)
def test_every_contract_type_and_field_exists_with_the_same_type(contract_type):
    ours = OURS.type_map.get(contract_type.name)
    assert ours is not None, f"missing type {contract_type.name}"
    if isinstance(contract_type, GraphQLEnumType):
        assert set(contract_type.values) <= set(ours.values)
        return
    assert isinstance(contract_type, GraphQLObjectType | GraphQLInputObjectType)
    for name, field in contract_type.fields.items():
        assert name in ours.fields, f"{contract_type.name}.{name} missing"
        assert str(ours.fields[name].type) == str(field.type), f"{contract_type.name}.{name}"
        for arg, spec in getattr(field, "args", {}).items():
            assert str(ours.fields[name].args[arg].type) == str(spec.type), (
                f"{contract_type.name}.{name}({arg})"
            )


def _default(field) -> str | None:
    """A field's default as GraphQL source; an explicit null equals no default."""
    if field.ast_node is not None:
        node = field.ast_node.default_value
        printed = print_ast(node) if node else None
    else:
        printed = (
            None
            if field.default_value is Undefined
            else print_ast(ast_from_value(field.default_value, field.type))
        )
    return None if printed == "null" else printed


@pytest.mark.parametrize("name", ["QuoteInput", "PersonFactsInput", "CategoryFactInput", "LifeEventInput"])
def test_input_defaults_match_the_contract(name):
    for field_name, field in CONTRACT.type_map[name].fields.items():
        assert _default(OURS.type_map[name].fields[field_name]) == _default(field), f"{name}.{field_name}"
