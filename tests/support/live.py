"""A yibao served over real HTTP with the tests' signing key, and a headless Chromium that can reach
nothing but this machine — what a browser test needs. Skips where Chromium is missing (.ci/run
installs Debian's `chromium`)."""

import json
import threading
import urllib.request
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support import browser as cdp
from tests.support.serving import serving
from tests.support.tokens import TEST_KEY, bearer

# Every host but this machine is unreachable: names resolve to nothing, and whatever still goes
# out (an IP address) goes to a proxy that is not there. Loopback is never proxied.
OFFLINE_FLAGS = (
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
    "--proxy-server=127.0.0.1:9",
)

# The README's household of two in 东至县 (341721).
REGISTER = """mutation {
  registerHousehold(input: {
    addressRegionCode: "341721"
    address: "东至县尧渡镇某村3组"
    members: [
      { isHead: true, relation: "户主",
        person: { name: "王大山", idNumber: "341721197503090230", hukouRegionCode: "341721" } }
      { relation: "配偶",
        person: { name: "李秀英", idNumber: "341721197807210246", hukouRegionCode: "341721" } }
    ]
  }) { __typename }
}"""


def clerk_token() -> str:
    return bearer("VILLAGE_CLERK", "341721")["Authorization"].removeprefix("Bearer ")


def post(url: str, query: str, token: str | None = None, headers: dict | None = None) -> dict:
    """The whole JSON answer of one GraphQL request to a served yibao."""
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token:
        sent["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"{url}/graphql", data=json.dumps({"query": query}).encode(), headers=sent
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@contextmanager
def served_yibao(cwd: Path, **settings: str):
    """`yibao serve` on SQLite in `cwd`, tokens signed with the tests' key, with one household."""
    env = {"YIBAO_DATABASE_URL": "", "YIBAO_JWT_KEY": TEST_KEY, **settings}
    with serving(cwd, env) as url:
        answer = post(url, REGISTER, clerk_token())
        assert answer["data"]["registerHousehold"]["__typename"] == "Household", answer
        yield url


@contextmanager
def offline_browser(monkeypatch):
    """A headless Chromium with the network to other hosts unavailable, recording its requests."""
    binary = cdp.chromium_binary()
    if binary is None:
        pytest.skip("Chromium is not installed: apt-get install chromium fonts-noto-cjk (.ci/run does)")
    monkeypatch.setattr(cdp, "FLAGS", (*cdp.FLAGS, *OFFLINE_FLAGS))
    browser = cdp.Browser(binary)
    try:
        browser.call("Network.enable")
        yield browser
    finally:
        browser.close()


def requested_urls(browser: cdp.Browser, since: int = 0) -> list[str]:
    """Every URL the browser asked for after its `since`-th DevTools event, so far."""
    browser.evaluate("1")  # reads the events sent before it
    return [
        event["params"]["request"]["url"]
        for event in browser.events[since:]
        if event.get("method") == "Network.requestWillBeSent"
    ]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def static_site(directory: Path):
    """A plain web server for `directory` on a free loopback port: a front end's own origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
