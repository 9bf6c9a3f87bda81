"""A selection set selects something (api/graphql/grammar.py): `{}` is refused, not answered empty.

graphql-core 3.3 parses an empty selection set; each path that answers a document — strawberry's
operation, the quote's pure path and the household page's compiled answer — refuses it instead.
"""

import pytest

from tests.support.quotes import all_scenarios, quote_input

EMPTY = "A selection set must select at least one field."
QUOTE = "query Q($input: QuoteInput!) { quote(input: $input) { } }"


@pytest.mark.parametrize(
    "query",
    [
        "{}",
        "query {}",
        "{ households(first: 20) { nodes { id members { } } } }",  # a page's shape, a member of nothing
        "{ households(first: 20) { nodes { } } }",
    ],
)
def test_an_empty_selection_set_is_refused_naming_where(client, query):
    body = client.post("/graphql", json={"query": query}).json()
    assert body["data"] is None
    assert [error["message"] for error in body["errors"]] == [EMPTY]
    # the empty set is the innermost, opened by the last brace
    assert body["errors"][0]["locations"] == [{"line": 1, "column": query.rindex("{") + 1}]


def test_a_quote_selecting_nothing_is_refused(client):
    scenario = next(iter(all_scenarios()))
    body = client.post(
        "/graphql", json={"query": QUOTE, "variables": {"input": quote_input(scenario)}}
    ).json()
    assert body["data"] is None
    assert [error["message"] for error in body["errors"]] == [EMPTY]
