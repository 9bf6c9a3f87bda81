"""A token that was sent and not accepted — expired, forged, not a bearer token — is UNAUTHENTICATED
(sign in again), with a reason code and a Chinese message; a valid token whose role may not do
something, or no token at all, stays FORBIDDEN."""

import re
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from tests.support.tokens import TEST_KEY
from yibao.api.app import create_app
from yibao.core.auth import Principal, Role, issue
from yibao.core.db import make_engine
from yibao.core.testing.scenarios import registry

CLERK = Principal("clerk-041", Role.VILLAGE_CLERK, "341721")
PERSONS = "{ persons { nodes { id } } }"
EXPORT = "/exports/collection-roster.csv?regionCode=341721&coverageYear=2022"


@pytest.fixture
def client(tmp_path):
    # Refused before any table is read: the database needs no schema.
    engine = make_engine(f"sqlite:///{tmp_path / 'auth.db'}")
    with TestClient(create_app(engine, registry(), key=TEST_KEY)) as client:
        yield client
    engine.dispose()


def ask(client: TestClient, query: str, authorization: str | None) -> dict:
    headers = {"Authorization": authorization} if authorization is not None else {}
    return client.post("/graphql", json={"query": query}, headers=headers).json()


@pytest.mark.parametrize(
    ("authorization", "reason"),
    [
        (f"Bearer {issue(TEST_KEY, CLERK, valid_for=timedelta(seconds=-1))}", "EXPIRED"),
        (f"Bearer {issue('another key entirely, forty characters..', CLERK)}", "INVALID"),
        (f"Bearer {issue(TEST_KEY, CLERK)[:-4]}AAAA", "INVALID"),
        ("Bearer not.a.token", "INVALID"),
        (f"Basic {issue(TEST_KEY, CLERK)}", "NOT_BEARER"),
        ("Bearer ", "NOT_BEARER"),
    ],
    ids=["expired", "other-key", "forged-signature", "garbage", "not-bearer", "empty"],
)
def test_a_token_that_is_not_accepted_is_unauthenticated(client, authorization, reason):
    body = ask(client, PERSONS, authorization)
    [error] = body["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": reason}
    assert body["data"] is None
    # A clerk's message: Chinese, English only in the names of the header and the scheme.
    assert not re.findall(
        r"[A-Za-z]{3,}", error["message"].replace("Authorization", "").replace("Bearer", "")
    )

    export = client.get(EXPORT, headers={"Authorization": authorization})
    assert export.status_code == 401
    assert export.json()["errors"][0]["code"] == "UNAUTHENTICATED"


def test_public_fields_still_answer_beside_a_token_that_is_not_accepted(client):
    expired = f"Bearer {issue(TEST_KEY, CLERK, valid_for=timedelta(seconds=-1))}"
    body = ask(client, "{ policies { id } }", expired)
    assert "errors" not in body and body["data"]["policies"]


def test_no_token_or_a_role_that_may_not_is_forbidden(client):
    [none] = ask(client, PERSONS, None)["errors"]
    assert none["extensions"]["code"] == "FORBIDDEN"
    uploader = Principal("民政-01", Role.ROSTER_UPLOADER, "341721", "CIVIL_AFFAIRS")
    [role] = ask(client, PERSONS, f"Bearer {issue(TEST_KEY, uploader)}")["errors"]
    assert role["extensions"]["code"] == "FORBIDDEN"
    assert role["message"] == "角色 ROSTER_UPLOADER 无权执行 persons"
    assert client.get(EXPORT).json()["errors"][0]["code"] == "FORBIDDEN"
