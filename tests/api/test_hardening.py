"""Limits that keep one caller from exhausting the server, and errors that reveal nothing."""

import logging

import pytest
from graphql import GraphQLError
from starlette.testclient import TestClient

from tests.support.tokens import TEST_KEY
from yibao.api.app import create_app
from yibao.api.graphql.limits import MAX_ALIASES, MAX_BATCH, MAX_DEPTH
from yibao.api.graphql.schema import default_schema
from yibao.core.testing.scenarios import registry


def errors_of(client, query: str) -> list[str]:
    response = client.post("/graphql", json={"query": query})
    assert response.status_code in (200, 400), response.text
    return [error["message"] for error in response.json().get("errors", [])]


def test_queries_deeper_than_the_limit_are_refused(client):
    deep = (
        "{ persons(first: 1) { nodes { "
        + "household { members { person { " * 4
        + "id"
        + " } } }" * 4
        + " } } }"
    )
    assert any("查询嵌套超过" in m for m in errors_of(client, deep))
    shallow = "{ persons(first: 1) { nodes { household { members { person { id } } } } } }"
    assert errors_of(client, shallow) == []
    assert MAX_DEPTH == 12


def test_too_many_aliases_are_refused(client):
    many = "{ " + " ".join(f"a{i}: policies {{ id }}" for i in range(MAX_ALIASES + 1)) + " }"
    assert any("别名" in m for m in errors_of(client, many))
    allowed = "{ " + " ".join(f"a{i}: policies {{ id }}" for i in range(MAX_ALIASES)) + " }"
    assert errors_of(client, allowed) == []


def test_oversized_documents_are_refused(client):
    huge = "{ policies { " + "id " * 6000 + "} }"
    assert any("token" in m.lower() for m in errors_of(client, huge))


def test_batches_are_capped(client):
    one = {"query": "{ policies { id } }"}
    ok = client.post("/graphql", json=[one] * MAX_BATCH)
    assert ok.status_code == 200 and len(ok.json()) == MAX_BATCH
    too_many = client.post("/graphql", json=[one] * (MAX_BATCH + 1))
    assert too_many.status_code == 400


def test_page_size_is_capped(client):
    messages = errors_of(client, "{ persons(first: 101) { nodes { id } } }")
    assert messages and "100" in messages[0]


@pytest.mark.parametrize("introspection", [True, False])
def test_introspection_follows_configuration(engine, introspection):
    app = create_app(engine, registry(), key=TEST_KEY, introspection=introspection)
    with TestClient(app) as client:
        messages = errors_of(client, "{ __schema { queryType { name } } }")
    assert (messages == []) is introspection


def test_unexpected_errors_are_masked_and_logged_without_id_numbers(caplog):
    boom = GraphQLError("boom", original_error=RuntimeError("lookup failed for 341721197503090230"))
    expected = GraphQLError("refused on purpose")
    with caplog.at_level(logging.ERROR, logger="yibao.graphql"):
        default_schema().process_errors([boom, expected])
    assert "341721197503090230" not in caplog.text and "<number>" in caplog.text
    assert "refused on purpose" not in caplog.text  # deliberate errors are not server problems


def test_a_crash_in_a_resolver_reaches_the_caller_masked(client, monkeypatch):
    def crash(self, request):
        raise RuntimeError("database said no about 341721197503090230")

    monkeypatch.setattr("yibao.core.rules.registry.Registry.quote", crash)
    query = '{ quote(input: {policyId: "anhui/341721/2022", paidOn: "2021-10-01", '
    query += 'person: {birthDate: "1980-01-01"}}) { amountDue } }'
    response = client.post("/graphql", json={"query": query})
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert (error["message"], error["extensions"]) == (
        "服务器内部错误，请稍后重试或联系管理员",
        {"code": "INTERNAL"},
    )
    assert "341721197503090230" not in response.text


def test_a_repeated_document_is_validated_once(client, monkeypatch):
    # Kept by query text (api/graphql/memo.py); a new text is validated, the same text not again.
    from yibao.api.graphql import limits

    calls = []
    validate = limits.validate_document
    monkeypatch.setattr(limits, "validate_document", lambda *args: calls.append(1) or validate(*args))
    query = "{ policies { id tiers { code } } }  # validated once"
    errors_of(client, query)
    errors_of(client, query)
    assert len(calls) == 1
    errors_of(client, query + " ")
    assert len(calls) == 2
