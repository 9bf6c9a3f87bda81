"""Hygiene, attacked: weak keys, long-lived tokens, readable database files, missing response
headers, and malformed input that once reached an unexpected error instead of a typed refusal."""

import base64
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import jwt
import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from tests.support.graphql_client import gql
from tests.support.households import PAY, payment_input
from tests.support.tokens import TEST_KEY
from yibao.api.app import create_app
from yibao.core.auth import (
    MAX_TOKEN_LIFETIME,
    MIN_KEY_BYTES,
    AuthError,
    Principal,
    Role,
    issue,
    signing_key,
    verify,
)
from yibao.core.db import make_engine
from yibao.core.migrate import upgrade
from yibao.core.testing.scenarios import registry

ROOT = Path(__file__).parents[2]
KEY = "k" * MIN_KEY_BYTES
CLERK = Principal("clerk-041", Role.VILLAGE_CLERK, "341721")


def yibao(*args: str, cwd: Path, env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    # A command that should refuse at once but starts serving instead fails on the timeout.
    return subprocess.run(
        [sys.executable, "-m", "yibao.api.cli", *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# --- signing keys ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["", "secret", "k" * 31, "密钥" * 5], ids=["empty", "word", "31", "30-utf8"])
def test_a_short_signing_key_is_refused_everywhere(key, engine, monkeypatch, tmp_path):
    enough = "密" * 11  # 33 bytes in UTF-8, 11 characters: bytes are what HMAC sees
    assert verify(enough, issue(enough, CLERK)) == CLERK and len(TEST_KEY.encode()) >= MIN_KEY_BYTES
    with pytest.raises(AuthError, match="32"):
        issue(key, CLERK)
    with pytest.raises(AuthError, match="32"):
        verify(key, issue(KEY, CLERK))
    with pytest.raises(AuthError, match="32"):
        create_app(engine, registry(), key=key)
    monkeypatch.delenv("YIBAO_JWT_KEY_FILE", raising=False)
    monkeypatch.setenv("YIBAO_JWT_KEY", key)
    if key:  # an empty variable means "not configured": the embedded store's own key is used
        with pytest.raises(AuthError, match="32"):
            signing_key(engine.url)
    monkeypatch.delenv("YIBAO_JWT_KEY")
    (tmp_path / "key").write_text(key or "x", encoding="utf-8")
    monkeypatch.setenv("YIBAO_JWT_KEY_FILE", str(tmp_path / "key"))
    with pytest.raises(AuthError, match="32"):
        signing_key(engine.url)


def test_serve_refuses_a_short_key(tmp_path):
    env = {"YIBAO_DATABASE_URL": f"sqlite:///{tmp_path / 'y.db'}", "YIBAO_JWT_KEY": "short"}
    result = yibao("serve", "--port", "9", cwd=tmp_path, env=env)
    assert result.returncode != 0 and "32" in result.stderr


def test_a_tampered_embedded_key_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("YIBAO_JWT_KEY", raising=False)
    monkeypatch.delenv("YIBAO_JWT_KEY_FILE", raising=False)
    (tmp_path / "yibao.key").write_text("abc", encoding="utf-8")
    with pytest.raises(AuthError, match="32"):
        signing_key(make_engine(f"sqlite:///{tmp_path / 'yibao.db'}").url)


# --- token lifetime ----------------------------------------------------------------------------


def forged(claims: dict, key: str = KEY) -> str:
    """A token signed with the right key but claims `issue` would not write."""
    now = datetime.now(UTC)
    base = {"iss": "yibao", "sub": "clerk", "role": "VILLAGE_CLERK", "region": "341721"}
    base |= {"iat": now, "exp": now + timedelta(days=1)}
    return jwt.encode({k: v for k, v in (base | claims).items() if v is not ...}, key, algorithm="HS256")


def test_token_lifetime_is_capped():
    assert timedelta(days=90) == MAX_TOKEN_LIFETIME
    assert verify(KEY, issue(KEY, CLERK, valid_for=MAX_TOKEN_LIFETIME)) == CLERK
    for valid_for in (MAX_TOKEN_LIFETIME + timedelta(seconds=1), timedelta(days=36500)):
        with pytest.raises(AuthError):
            issue(KEY, CLERK, valid_for=valid_for)
    now = datetime.now(UTC)
    with pytest.raises(AuthError, match="90"):
        verify(KEY, forged({"iat": now, "exp": now + timedelta(days=365)}))
    with pytest.raises(AuthError):
        verify(KEY, forged({"iat": ...}))  # without iat the lifetime cannot be checked


@pytest.mark.parametrize("days", ["0", "-1", "91", "100000000"])
def test_token_issue_validates_days(tmp_path, days):
    env = {"YIBAO_DATABASE_URL": ""}
    assert yibao("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    args = ("token", "issue", "--role", "VILLAGE_CLERK", "--region", "341721", "--days", days)
    result = yibao(*args, cwd=tmp_path, env=env)
    assert result.returncode != 0 and "--days" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    ok = yibao(*args[:-1], "90", cwd=tmp_path, env=env)
    assert ok.returncode == 0, ok.stderr


# --- claims that are not text ------------------------------------------------------------------


@pytest.mark.parametrize(
    "claims",
    [
        {"region": ["341721"]},
        {"region": {"code": "341721"}},
        {"region": 341721},
        {"role": "ROSTER_UPLOADER", "dept": {"x": 1}},
        {"role": "ROSTER_UPLOADER", "dept": ["CIVIL_AFFAIRS"]},
    ],
    ids=["region-list", "region-object", "region-number", "dept-object", "dept-list"],
)
def test_claims_that_are_not_text_make_the_token_invalid(claims, app):
    token = forged(claims, TEST_KEY)
    with pytest.raises(AuthError):
        verify(TEST_KEY, token)
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        body = client.post("/graphql", json={"query": "{ persons { nodes { id } } }"}).json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", body
    assert "令牌无效" in body["errors"][0]["message"]


# --- database files ----------------------------------------------------------------------------


def test_the_embedded_database_and_its_wal_are_private(tmp_path):
    old = os.umask(0o022)  # the usual umask, which would leave the files world-readable
    try:
        engine = make_engine(f"sqlite:///{tmp_path / 'yibao.db'}")
        upgrade(engine)
        with engine.connect() as connection:  # WAL and SHM exist while a connection is open
            connection.execute(text("SELECT 1 FROM region LIMIT 1"))
            modes = {
                path.name: stat.S_IMODE(path.stat().st_mode)
                for path in tmp_path.iterdir()
                if path.name.startswith("yibao.db")
            }
        engine.dispose()
    finally:
        os.umask(old)
    assert set(modes) == {"yibao.db", "yibao.db-wal", "yibao.db-shm"}
    assert modes == dict.fromkeys(modes, 0o600)


def test_db_upgrade_creates_a_private_database(tmp_path):
    assert yibao("db", "upgrade", cwd=tmp_path, env={"YIBAO_DATABASE_URL": ""}).returncode == 0
    assert stat.S_IMODE((tmp_path / "yibao.db").stat().st_mode) == 0o600


# --- response headers --------------------------------------------------------------------------

EVERYWHERE = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}


def assert_secure_headers(response) -> None:
    for name, value in EVERYWHERE.items():
        assert response.headers.get(name) == value, (response.request.url, dict(response.headers))
    policy = response.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy, (response.request.url, policy)


def test_every_response_carries_the_security_headers(client):
    responses = [
        client.get("/healthz"),
        client.post("/graphql", json={"query": "{ policies { id } }"}),
        client.post("/graphql", content=b"null", headers={"content-type": "application/json"}),
        client.get("/nowhere"),
        client.get("/exports/collection-roster.csv?regionCode=341721&coverageYear=2022"),
        client.get("/exports/collection-roster.xlsx?regionCode=341721&coverageYear=20x2"),
        client.get("/exports/reports/collection_progress.csv?regionCode=341702&coverageYear=2024"),
        client.get("/exports/collection-roster.csv", headers={"Authorization": ""}),
    ]
    for response in responses:
        assert_secure_headers(response)
    json_policy = responses[1].headers["content-security-policy"]
    assert "default-src 'none'" in json_policy  # an API answer runs nothing, loads nothing
    for export in responses[4:]:
        assert export.headers.get("cache-control") == "no-store", export.request.url


def _directives(policy: str) -> dict[str, list[str]]:
    pairs = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in pairs}


def _same_origin(url: str) -> bool:
    """A relative URL, loaded from the server that served the page."""
    return "://" not in url and not url.startswith(("//", "data:"))


class Loads(HTMLParser):
    """What a page loads: script sources, inline scripts, stylesheet and icon links."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.scripts, self.inline, self.links, self._in_script = [], [], [], False
        self.feed(page)

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "script":
            self._in_script = "src" not in attrs
            if "src" in attrs:
                self.scripts.append(attrs["src"])
        elif tag == "link":
            self.links.append((attrs.get("rel"), attrs["href"]))

    def handle_endtag(self, tag) -> None:
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data) -> None:
        if self._in_script:
            self.inline.append(data)


def test_graphiql_loads_everything_it_needs_from_this_server_under_its_policy(client):
    page = client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert_secure_headers(page)
    policy = _directives(page.headers["content-security-policy"])
    loads = Loads(page.text)
    assert len(loads.scripts) >= 4 and loads.links
    # No inline script, no CDN: scripts and styles come from this server, as the policy allows.
    assert not loads.inline
    assert policy["script-src"] == ["'self'"]
    assert all("://" not in source for directive in policy.values() for source in directive)
    for url in loads.scripts + [url for _, url in loads.links]:
        assert _same_origin(url), url
        asset = client.get(f"/{url}")  # relative to /graphql
        assert asset.status_code == 200, url
        assert asset.headers["content-type"].startswith(("text/javascript", "text/css")), url
    assert "'self'" in policy["connect-src"]  # the fetcher posts to /graphql


def test_only_graphiqls_own_files_are_served_under_its_prefix(client):
    for path in (
        "/graphiql/graphiql.html",
        "/graphiql/VENDORED.md",
        "/graphiql/../graphiql.py",
        "/graphiql/%2e%2e/graphiql.py",
        "/graphiql/vendor/react-18.2.0/LICENSE",
    ):
        assert client.get(path).status_code == 404, path


# --- malformed input ---------------------------------------------------------------------------


def test_variables_nested_100000_deep_are_a_bad_request(client):
    deep = "[" * 100_000 + "]" * 100_000
    body = (
        '{"query": "query($v: [String]) { policies(regionCode: $v) { id } }", "variables": {"v": '
        + deep
        + "}}"
    )
    response = client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert "嵌套" in response.text
    operations = '{"query": "{ policies { id } }", "variables": {"v": ' + deep + "}}"
    multipart = client.post("/graphql", data={"operations": operations, "map": "{}"}, files={"x": ("x", b"")})
    assert multipart.status_code == 400, multipart.text
    assert "嵌套" in multipart.text


HUGE = "99999999999999999999"  # beyond 64 bits


@pytest.mark.parametrize("root", ["person", "household", "enrolment"])
@pytest.mark.parametrize(
    "value", [HUGE, "9223372036854775808", "999999999999999999", "2147483648", "-1", "１２"]
)
def test_ids_beyond_any_row_find_nothing(client, root, value):
    body = client.post("/graphql", json={"query": f'{{ {root}(id: "{value}") {{ id }} }}'}).json()
    assert body == {"data": {root: None}}, body
    literal = client.post("/graphql", json={"query": f"{{ {root}(id: {HUGE}) {{ id }} }}"}).json()
    assert literal == {"data": {root: None}}, literal


def test_a_cursor_beyond_64_bits_is_refused_naming_after(client):
    cursor = base64.urlsafe_b64encode(f"id:{HUGE}".encode()).decode()
    body = client.post(
        "/graphql", json={"query": f'{{ persons(after: "{cursor}") {{ nodes {{ id }} }} }}'}
    ).json()
    extensions = body["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"]) == ("INVALID", "after"), body


def test_a_huge_enrolment_id_is_an_input_error(client):
    for value in (HUGE, "999999999999999999", "2147483648"):
        result = gql(client, PAY, input=payment_input(value))["recordPayment"]
        assert result["__typename"] == "InputErrors", result
        assert result["errors"][0]["field"] == "enrolmentId", result


def test_a_federation_key_beyond_64_bits_is_an_invalid_reference(client_as):
    tax = client_as("TAX_INTEGRATOR", "341721")
    query = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"
    for year in (int(HUGE), HUGE):
        key = {"__typename": "Enrolment", "person": {"idNumber": "341721197503090230"}, "coverageYear": year}
        body = tax.post("/graphql", json={"query": query, "variables": {"r": [key]}}).json()
        assert body["data"] == {"_entities": [None]}, body
        [error] = body["errors"]
        assert error["extensions"] == {"code": "INVALID"} and error["path"] == ["_entities", 0], body


@pytest.mark.parametrize(
    "representation",
    [{}, "341721197503090230", 5, {"__typename": "Region", "code": "341721"}, {"__typename": None}],
    ids=["no-typename", "text", "number", "not-an-entity", "null-typename"],
)
def test_a_malformed_representation_is_a_typed_error(client_as, representation):
    tax = client_as("TAX_INTEGRATOR", "341721")
    query = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"
    body = tax.post("/graphql", json={"query": query, "variables": {"r": [representation]}}).json()
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "INVALID", "field": "representations.0"}, body
    assert "__typename" in error["message"]
