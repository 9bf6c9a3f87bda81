"""Browser apps on other origins: the origins `YIBAO_CORS_ORIGINS` names may call the API, others not.

The preflight a browser sends before a `fetch` with `Authorization` and a JSON body is answered
for an allowed origin and left without CORS headers for any other, so the browser refuses to
send the request; then the same from a real page in headless Chromium, served from another port.
"""

import json

import pytest
from starlette.testclient import TestClient

from tests.support.cli import yibao
from tests.support.live import clerk_token, offline_browser, served_yibao, static_site
from tests.support.tokens import TEST_KEY
from yibao.api.app import create_app
from yibao.api.cors import CorsSettingError, checked_origins
from yibao.core.db import make_engine
from yibao.core.testing.scenarios import registry

APP_ORIGIN = "http://localhost:5173"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization,content-type",
}


@pytest.fixture
def client_for(tmp_path):
    """`client_for(origins)`: a client of an app allowing those origins (preflights and `policies`
    touch no table, so the database needs no schema)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'cors.db'}")
    clients = []

    def make(origins: tuple[str, ...]) -> TestClient:
        clients.append(TestClient(create_app(engine, registry(), key=TEST_KEY, cors_origins=origins)))
        return clients[-1]

    yield make
    for client in clients:
        client.close()
    engine.dispose()


def test_a_preflight_from_an_allowed_origin_is_answered(client_for):
    client = client_for((APP_ORIGIN, "https://yibao.example.gov.cn"))
    for path in ("/graphql", "/exports/collection-roster.xlsx"):
        answer = client.options(path, headers={"Origin": APP_ORIGIN, **PREFLIGHT})
        assert answer.status_code == 200, answer.text
        assert answer.headers["access-control-allow-origin"] == APP_ORIGIN
        assert answer.headers["access-control-allow-credentials"] == "true"
        allowed = {h.strip().lower() for h in answer.headers["access-control-allow-headers"].split(",")}
        assert {"authorization", "content-type"} <= allowed
        assert "POST" in answer.headers["access-control-allow-methods"]
        assert answer.headers["x-content-type-options"] == "nosniff"  # still a response of ours

    # The request itself carries the origin back, so the page may read the answer.
    posted = client.post("/graphql", json={"query": "{ policies { id } }"}, headers={"Origin": APP_ORIGIN})
    assert posted.status_code == 200 and posted.json()["data"]["policies"]
    assert posted.headers["access-control-allow-origin"] == APP_ORIGIN
    assert posted.headers["access-control-allow-credentials"] == "true"


@pytest.mark.parametrize("allowed", [(), (APP_ORIGIN,)], ids=["none-configured", "another-allowed"])
def test_a_preflight_from_another_origin_gets_no_cors_headers(client_for, allowed):
    client = client_for(allowed)
    stranger = "http://evil.example"
    answer = client.options("/graphql", headers={"Origin": stranger, **PREFLIGHT})
    assert answer.status_code != 200
    posted = client.post("/graphql", json={"query": "{ policies { id } }"}, headers={"Origin": stranger})
    for response in (answer, posted):
        assert not [name for name in response.headers if name.lower().startswith("access-control-")]


@pytest.mark.parametrize(
    "origin", ["*", "localhost:5173", "http://localhost:5173/app", "ftp://host", "https://"]
)
def test_an_origin_that_is_not_one_is_refused_at_start(origin):
    with pytest.raises(CorsSettingError, match="YIBAO_CORS_ORIGINS"):
        checked_origins((origin,))
    assert checked_origins(("HTTPS://Yibao.Example:8443/",)) == ["https://yibao.example:8443"]


FETCH = """
fetch(%(api)s + '/graphql', {
  method: 'POST',
  headers: {'Authorization': 'Bearer ' + %(token)s, 'Content-Type': 'application/json'},
  body: JSON.stringify({query: '{ households(regionCode: "341721") { nodes { head { name } } } }'}),
}).then(r => r.json()).then(body => JSON.stringify(body), e => 'blocked: ' + e)
"""


def test_a_page_on_an_allowed_origin_calls_the_api_and_another_cannot(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>村医保</title><p>app</p>", encoding="utf-8"
    )
    served = tmp_path / "served"
    served.mkdir()
    with (
        static_site(site) as app,
        static_site(site) as other,
        served_yibao(served, YIBAO_CORS_ORIGINS=app) as api,
        offline_browser(monkeypatch) as browser,
    ):
        script = FETCH % {"api": json.dumps(api), "token": json.dumps(clerk_token())}

        browser.go(f"{app}/index.html")
        browser.wait_for("document.title === '村医保'")
        answer = json.loads(browser.evaluate(script))
        assert answer["data"]["households"]["nodes"] == [{"head": {"name": "王大山"}}]

        browser.go(f"{other}/index.html")  # the same page, from a port the API does not list
        browser.wait_for(f"location.origin === {json.dumps(other)} && document.title === '村医保'")
        assert browser.evaluate(script).startswith("blocked: TypeError")


def test_serve_refuses_a_wildcard_origin_before_starting(tmp_path):
    result = yibao("serve", cwd=tmp_path, env={"YIBAO_DATABASE_URL": "", "YIBAO_CORS_ORIGINS": "*"})
    assert result.returncode == 1 and "YIBAO_CORS_ORIGINS" in result.stderr
    assert not (tmp_path / "yibao.db").exists()  # refused before anything was created
