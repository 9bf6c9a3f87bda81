"""GraphQL answers are encoded by orjson (api/graphql/view.py): the JSON json.dumps wrote, once parsed."""

import json

from starlette.testclient import TestClient

from tests.support.tokens import bearer


def graphql_view(app):
    return next(route.endpoint for route in app.routes if getattr(route, "path", None) == "/graphql")


def test_an_answer_holds_the_same_values(app):
    data = {
        "data": {"name": "王大山", "big": 2**40, "ok": True, "none": None, "items": [1.5, "\u2028", 'a"b\\']}
    }
    encoded = graphql_view(app).encode_json(data)
    assert json.loads(encoded) == data
    assert "王大山".encode() in encoded  # as UTF-8, where json.dumps wrote \u escapes


def test_what_orjson_refuses_is_encoded_as_before(app):
    for data in ({"text": "\ud800"}, {"big": 2**70}):
        assert graphql_view(app).encode_json(data) == json.dumps(data, separators=(",", ":"))


def test_a_response_is_json_of_its_length(app):
    with TestClient(app, headers=bearer("COUNTY_ADMIN", "341721")) as client:
        response = client.post("/graphql", json={"query": '{ regions(parentCode: "340000") { code name } }'})
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    names = [region["name"] for region in response.json()["data"]["regions"]]
    assert names and all(name.encode() in response.content for name in names)  # UTF-8 as sent
