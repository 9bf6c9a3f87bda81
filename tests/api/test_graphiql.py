"""GraphiQL in a real browser, offline: the page and everything it runs come from yibao itself.

Headless Chromium (tests/support/browser.py) with every other host unreachable loads /graphql,
a clerk types a query and their token into GraphiQL's editors, runs it, and reads the answer on
screen. The query needs the token, so the answer shows the header was sent.
"""

import hashlib
import json
import re
from pathlib import Path

from tests.support.live import clerk_token, offline_browser, requested_urls, served_yibao

IDE = Path(__file__).parents[2] / "api" / "http" / "ide"
QUERY = '{ households(regionCode: "341721") { nodes { head { name idNumber } } } }'
EDITOR = ".graphiql-query-editor .CodeMirror"
HEADERS = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"  # the Headers tab is open
RESULT = ".graphiql-response"


def editor_text(browser, selector: str) -> str:
    return browser.evaluate(f"document.querySelector({json.dumps(selector)}).CodeMirror.getValue()")


def replace_text(browser, selector: str, text: str) -> None:
    """Clicks into a CodeMirror editor, selects everything and types `text` over it, as a person
    would (Ctrl-A, then typing)."""
    browser.click(selector)
    browser.call(
        "Input.dispatchKeyEvent",
        type="keyDown",
        modifiers=2,  # Ctrl
        key="a",
        code="KeyA",
        windowsVirtualKeyCode=65,
        commands=["selectAll"],
    )
    browser.call("Input.dispatchKeyEvent", type="keyUp", modifiers=2, key="a", code="KeyA")
    browser.call("Input.insertText", text=text)


def test_graphiql_runs_a_query_with_a_token_offline(tmp_path, monkeypatch):
    with served_yibao(tmp_path) as url, offline_browser(monkeypatch) as browser:
        for elsewhere in ("https://unpkg.com/", "http://1.1.1.1/"):  # by name and by address
            reached = f"fetch('{elsewhere}', {{mode: 'no-cors'}}).then(() => 'reached', () => 'unreachable')"
            assert browser.evaluate(reached) == "unreachable", elsewhere
        start = len(browser.events)
        browser.go(f"{url}/graphql")
        browser.wait_for(f"document.querySelector({json.dumps(EDITOR)})")
        assert "policies" in editor_text(browser, EDITOR)  # the page's default query

        replace_text(browser, EDITOR, QUERY)
        browser.wait_for(f"document.querySelector({json.dumps(HEADERS)})")  # open by default
        replace_text(browser, HEADERS, json.dumps({"Authorization": f"Bearer {clerk_token()}"}))
        assert editor_text(browser, EDITOR) == QUERY
        assert json.loads(editor_text(browser, HEADERS))["Authorization"].startswith("Bearer ey")
        browser.click(".graphiql-execute-button")

        shown = f"(document.querySelector({json.dumps(RESULT)}) || {{}}).textContent || ''"
        browser.wait_for(f"({shown}).includes('王大山')")
        on_screen = browser.evaluate(shown)
        assert "341721197503090230" in on_screen  # a clerk sees the whole number
        assert "FORBIDDEN" not in on_screen
        problems = browser.problems()
        urls = requested_urls(browser, since=start)

    assert problems == []  # no CSP violation, no script error
    elsewhere = [u for u in urls if not u.startswith((url, "data:", "about:"))]
    assert elsewhere == []
    assert f"{url}/graphiql/vendor/graphiql-3.8.3/graphiql.min.js" in urls


def test_the_vendored_files_are_the_ones_vendored_md_names():
    listed = dict(
        re.findall(r"^\| (vendor/\S+) \| ([0-9a-f]{64}) \|$", (IDE / "VENDORED.md").read_text(), re.M)
    )
    present = {p.relative_to(IDE).as_posix() for p in (IDE / "vendor").rglob("*") if p.is_file()}
    assert set(listed) == present
    for name, digest in listed.items():
        assert hashlib.sha256((IDE / name).read_bytes()).hexdigest() == digest, name
    # The page loads exactly the vendored versions.
    page = (IDE / "graphiql.html").read_text()
    for name in present:
        if name.endswith((".js", ".css")):
            assert f'"graphiql/{name}"' in page, name
