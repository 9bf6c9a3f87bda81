"""What /dashboard serves: a strict same-origin CSP, no inline script, nothing from another host,
and the vendored ECharts exactly as pinned, with its licence."""

import hashlib
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from yibao.api.http.dashboard import POLICY, STATIC

ECHARTS_SHA256 = "61f13280aba3161f77fc801bf5f9c786f55f10432153a0683fc5cc0700b013d5"  # echarts@6.1.0
ECHARTS = STATIC / "vendor" / "echarts"
# Addresses the minified ECharts names without loading anything: XML namespaces and licence links.
NOT_LOADED = re.compile(
    r"https?://(www\.w3\.org/|www\.apache\.org/licenses/|github\.com/ecomfe/zrender/blob/master/LICENSE)"
)
CDN_HOSTS = (
    "unpkg.com",
    "jsdelivr",
    "cdnjs",
    "googleapis",
    "gstatic",
    "bootcdn",
    "staticfile.org",
    "bootcss",
)


@pytest.fixture
def web(app):
    with TestClient(app) as client:
        yield client


def served(web) -> dict[str, str]:
    """The page and every file under the static folder, as served, by path."""
    pages = {"/dashboard": web.get("/dashboard")}
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            url = f"/dashboard/static/{path.relative_to(STATIC).as_posix()}"
            pages[url] = web.get(url)
    for url, response in pages.items():
        assert response.status_code == 200, url
    return {url: response.content.decode("utf-8", "replace") for url, response in pages.items()}


def test_the_page_carries_a_same_origin_csp_and_no_inline_script(web):
    response = web.get("/dashboard")
    policy = response.headers["content-security-policy"]
    assert policy == POLICY
    assert "script-src 'self'" in policy and "unsafe" not in policy and "http" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    html = response.text
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []  # every script is a file
    assert " style=" not in html and "<style" not in html
    for asset in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert asset.startswith("/dashboard/static/"), asset
        assert web.get(asset).status_code == 200, asset


def test_no_served_page_or_asset_loads_anything_from_another_host(web):
    """Every address in what a browser runs or renders (the page, scripts, styles, queries) is one
    it never loads; licence texts, which it does not read, may cite their sources."""
    loaded = [
        (url, text) for url, text in served(web).items() if not re.search(r"/(LICENSE|NOTICE)|\.md$", url)
    ]
    assert len(loaded) >= 10
    for url, text in loaded:
        for address in re.findall(r"(?:https?:)?//[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s\"'`)]*", text):
            if address.startswith("//"):
                continue  # a comment or a regular expression, not a scheme-relative address
            assert NOT_LOADED.match(address), f"{url} names {address}"
        assert not any(host in text for host in CDN_HOSTS), url


def test_echarts_is_the_pinned_release_with_its_licence_and_notice():
    assert hashlib.sha256((ECHARTS / "echarts.common.min.js").read_bytes()).hexdigest() == ECHARTS_SHA256
    assert "Apache License" in (ECHARTS / "LICENSE").read_text()
    assert "Apache ECharts" in (ECHARTS / "NOTICE").read_text()
    assert (ECHARTS / "licenses" / "LICENSE-d3").exists()
    assert ECHARTS_SHA256 in (ECHARTS / "VENDORED.md").read_text()


def test_the_package_ships_every_static_file():
    import tomllib

    data = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    patterns = data["tool"]["setuptools"]["package-data"]["yibao.api.http.dashboard"]
    shipped = {p for pattern in patterns for p in (STATIC.parent).glob(pattern) if p.is_file()}
    assert shipped == {p for p in STATIC.rglob("*") if p.is_file()}
