"""The dashboard as a person uses it, in a real headless Chromium against `yibao serve`.

`yibao demo` seeds 贵池区 2024 into an embedded database; the server runs as a subprocess; the
browser signs in by typing a token, reads the district's progress — every township's figures
checked against the `collectionProgress` report query — drills down into a township and a village
by clicking, prints the bulletin to PDF, and signs in once more with a one-time link, which then
no longer works. Each view's screenshot is saved (build/test-artifacts/dashboard/, or
$YIBAO_TEST_ARTIFACTS) and checked for content. No page may break its CSP or throw.
"""

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support.browser import Browser, chromium_binary, content_share
from tests.support.serving import serving
from yibao.core.auth import Principal, Role, issue
from yibao.core.idcard import mask_id_number

ROOT = Path(__file__).parents[2]
KEY = "yibao-dashboard-browser-test-key-0123456789"
ARTIFACTS = Path(os.environ.get("YIBAO_TEST_ARTIFACTS", ROOT / "build" / "test-artifacts")) / "dashboard"
HOUSEHOLDS = 90

BINARY = chromium_binary()
if BINARY is None and os.environ.get("CI"):
    raise RuntimeError("CI must have Chromium: .ci/run installs Debian's chromium where it is missing")
pytestmark = pytest.mark.skipif(
    BINARY is None, reason="no Chromium on this machine (apt-get install chromium; or set YIBAO_CHROMIUM)"
)


def yibao(cwd: Path, env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "yibao.api.cli", *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A seeded 贵池区 2024 on the embedded database, served on a free loopback port."""
    cwd = tmp_path_factory.mktemp("dashboard")
    env = {"YIBAO_DATABASE_URL": f"sqlite:///{cwd / 'yibao.db'}", "YIBAO_JWT_KEY": KEY}
    printed = yibao(cwd, env, "demo", "--households", str(HOUSEHOLDS))
    assert "/dashboard#login=" in printed
    with serving(cwd, env) as url:
        yield url, cwd, env


@pytest.fixture
def browser():
    page = Browser(BINARY)
    try:
        yield page
        assert page.problems() == [], page.problems()  # no CSP violation, no uncaught error
    finally:
        page.close()


def token(role: str = "COUNTY_ADMIN", region: str = "341702") -> str:
    return issue(KEY, Principal(f"test-{role.lower()}", Role(role), region))


def graphql(url: str, bearer: str, query: str, **variables) -> dict:
    request = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.load(response)
    assert not body.get("errors"), body
    return body["data"]


PROGRESS = """query($r: String!) { reports { collectionProgress(regionCode: $r, coverageYear: 2024) {
  rows { unitCode unitName target paid registeredUnpaid amount rate } } } }"""


def shown_table(page: Browser, testid: str) -> list[dict]:
    """The rows of a table on screen, as the cells read, keyed by column."""
    return page.evaluate(
        f"""[...document.querySelectorAll('[data-testid="{testid}"] tbody tr')].map(tr =>
              Object.fromEntries([...tr.cells].map(td => [td.dataset.key, td.textContent.trim()])))"""
    )


def as_shown(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "INT":
        return f"{int(value):,}"
    if kind == "MONEY":
        return f"{float(value):,.2f}"
    return f"{float(value) * 100:.2f}%"


def saved(page: Browser, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    data = page.screenshot(path)
    share, colours = content_share(data)
    assert share > 0.05 and colours > 20, f"{name} looks blank: {share:.1%} content, {colours} colours"
    return path


def sign_in(page: Browser, url: str, bearer: str) -> None:
    page.go(f"{url}/dashboard")
    page.wait_ready()
    assert page.evaluate("document.body.dataset.ready") == "sign-in"
    page.type_into("#token", bearer)
    page.click("#sign-in-form button[type=submit]")
    page.wait_for("document.body.dataset.ready === 'yes'")


def test_a_county_admin_signs_in_reads_progress_drills_down_and_prints(server, browser):
    url, _, _ = server
    page = browser
    page.go(f"{url}/dashboard")
    page.wait_ready()
    saved(page, "0-sign-in")
    admin = token()
    sign_in(page, url, admin)
    assert "贵池区" in page.evaluate("document.getElementById('crumbs').textContent")

    # Every township's figures as the report query gives them, and the total.
    rows = graphql(url, admin, PROGRESS, r="341702")["reports"]["collectionProgress"]["rows"]
    shown = {row["unitName"]: row for row in shown_table(page, "progress-table")}
    assert len(shown) == len(rows) == 23  # 22 townships of 附件2 and 合计
    for row in rows:
        on_screen = shown["合计" if row["unitCode"] == "341702" else row["unitName"]]
        for key, kind in (("target", "INT"), ("paid", "INT"), ("registeredUnpaid", "INT")):
            assert on_screen[key] == as_shown(row[key], kind), (row["unitName"], key)
        assert on_screen["amount"] == as_shown(row["amount"], "MONEY")
        assert on_screen["rate"] == as_shown(row["rate"], "RATE")
    total = next(r for r in rows if r["unitCode"] == "341702")
    assert total["paid"] > 0 and as_shown(total["rate"], "RATE") in page.evaluate(
        "document.getElementById('kpis').textContent"
    )
    # Ranked by 完成率, as the weekly ranking is.
    rates = [
        float(r["rate"].rstrip("%")) for r in shown_table(page, "progress-table")[:-1] if r["rate"] != "—"
    ]
    assert rates == sorted(rates, reverse=True)
    # Every chart is drawn (SVG) beside its table.
    for chart in ("progress-chart", "daily-chart", "hardship-chart", "unpaid-chart"):
        assert page.evaluate(f"document.querySelectorAll('#{chart} svg path').length") > 5, chart
    assert shown_table(page, "daily-table") and shown_table(page, "hardship-table")
    saved(page, "1-county")

    # Drill down: click the best-ranked township in the chart's table.
    first = shown_table(page, "progress-table")[0]["unitName"]
    page.click('[data-testid="progress-table"] tbody tr:first-child a')
    page.wait_for(f"document.getElementById('crumbs').textContent.includes('{first}')")
    page.wait_for("document.body.dataset.ready === 'yes'")
    township = next(r for r in rows if r["unitName"] == first)["unitCode"]
    villages = graphql(url, admin, PROGRESS, r=township)["reports"]["collectionProgress"]["rows"]
    shown = {row["unitName"]: row for row in shown_table(page, "progress-table")}
    assert {name for name in shown if name != "合计"} == {
        r["unitName"] for r in villages if r["unitCode"] != township
    }
    for row in villages:
        on_screen = shown["合计" if row["unitCode"] == township else row["unitName"]]
        assert on_screen["paid"] == as_shown(row["paid"], "INT")
    # At township level the lists by name load by themselves.
    page.wait_for("document.querySelector('#unpaid-list table, #unpaid-list p')")
    saved(page, "2-township")

    # Down to a village: its households still to pay, by name.
    page.click('[data-testid="progress-table"] tbody tr:first-child a')
    page.wait_for(
        "document.body.dataset.ready === 'yes' && document.getElementById('crumbs').children.length === 3"
    )
    assert page.evaluate("document.querySelector('#unpaid-list table, #unpaid-list p') !== null")
    saved(page, "3-village")

    # The bulletin on A4.
    page.go(f"{url}/dashboard#region=341702&year=2024")
    page.wait_for(
        "document.body.dataset.ready === 'yes' && document.getElementById('crumbs').children.length === 1"
    )
    pdf = page.pdf(ARTIFACTS / "bulletin.pdf")
    assert pdf.startswith(b"%PDF")
    boxes = {
        tuple(round(float(n)) for n in m.split())
        for m in re.findall(rb"/MediaBox \[0 0 ([\d.]+ [\d.]+)\]", pdf)
    }
    assert boxes == {(595, 842)}  # every page A4 portrait (210 × 297 mm in points)


def test_a_one_time_link_signs_in_once_and_leaves_no_code_in_the_address(server, browser):
    url, cwd, env = server
    link = yibao(
        cwd, env, "token", "issue", "--role", "TOWNSHIP_OFFICER", "--region", "341702001",
        "--login-url", "--base-url", url,
    ).strip()  # fmt: skip
    assert link.startswith(f"{url}/dashboard#login=")
    page = browser
    page.go(link)
    page.wait_for("document.body.dataset.ready === 'yes'")
    assert "login=" not in page.evaluate("location.href")
    assert page.evaluate("document.getElementById('crumbs').textContent") == "乌沙镇"
    # Scope as the API's: the county above the township is not reachable by editing the address.
    page.go(f"{url}/dashboard#region=341702&year=2024")
    page.wait_for("document.body.dataset.ready === 'yes' && location.hash.includes('341702001')")
    assert page.evaluate("document.getElementById('crumbs').textContent") == "乌沙镇"
    saved(page, "4-township-officer")
    # The same link again, in a fresh tab: used.
    page.evaluate("sessionStorage.clear()")
    page.go("about:blank")
    page.go(link)
    page.wait_for("document.body.dataset.ready === 'sign-in'")
    assert "已使用" in page.evaluate("document.getElementById('sign-in-error').textContent")


def test_an_auditor_sees_the_lists_with_masked_id_numbers(server, browser):
    url, _, _ = server
    village = "341702001001"
    sign_in(browser, url, token("AUDITOR", village))
    browser.wait_for("document.querySelector('#unpaid-list table, #unpaid-list p')")
    shown = [row["headIdNumber"] for row in shown_table(browser, "unpaidHouseholds")]
    unpaid = "unpaidHouseholds(regionCode: $r, coverageYear: 2024) { rows { headIdNumber } }"
    full = graphql(
        url, token("COUNTY_ADMIN", village), f"query($r: String!) {{ reports {{ {unpaid} }} }}", r=village
    )
    full = full["reports"]["unpaidHouseholds"]["rows"]
    assert shown == [mask_id_number(row["headIdNumber"]) for row in full]
