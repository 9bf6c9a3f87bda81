"""Stall check: does `/healthz` keep answering while the heaviest allowed work runs, and how much
memory does the server take for it?

    .venv/bin/python bench/stall.py [--sqlite] [--workers 1] [--clients 1] [--import-seconds 60]

Starts a throwaway PostgreSQL (or, with --sqlite, a SQLite file) like bench/load.py, seeds it
in-process with 50 households of 20 members (the household cap) so that the query below is as
large as its cost says, starts `yibao serve` as a subprocess and, polling `GET /healthz` every
10 ms throughout, runs

  a. the worst query that passes validation: two aliases of 100 persons a page, each with its
     household's 20 members — about 21,000 field values against the cost limit of 25,000
     (api/graphql/limits.py) — `--clients` at a time, `--rounds` times each;
  b. the largest roster upload the limits allow as CSV: just under 20 MiB (about 480,000 rows),
     saved, checked and counted before the mutation answers, then imported in the background
     for `--import-seconds`;
  c. the same as XLSX: a workbook of 200,000 rows whose names and ID numbers are all distinct
     (400,000 shared strings, under the 500,000 limit), which openpyxl reads whole.

It prints, per phase, the /healthz latency (p50, p99, max, measured by a separate polling
process) and the peak RSS of the server's processes (sampled every 20 ms: the sum over the
uvicorn parent and its workers). The targets:
/healthz max < 100 ms, peak RSS < 300 MiB. Nothing depends on today's date. See bench/README.md.
"""

import argparse
import io
import json
import os
import secrets
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `api`, `core` and `tests` importable
    sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
from graphql import parse  # noqa: E402

from tests.support.factories import with_check_digit  # noqa: E402
from tests.support.polling import HealthPoller  # noqa: E402
from tests.support.postgres_server import PostgresServer  # noqa: E402
from yibao.api.body_limit import MAX_UPLOAD_BYTES  # noqa: E402
from yibao.api.graphql.cost import operation_shape  # noqa: E402
from yibao.api.graphql.limits import MAX_COST  # noqa: E402
from yibao.core.auth import Principal, Role, issue  # noqa: E402
from yibao.core.imports.xlsx_guard import MAX_SHARED_STRINGS  # noqa: E402
from yibao.core.models.household import MAX_HOUSEHOLD_MEMBERS  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from load import (  # noqa: E402
    SetupError,
    clean_up,
    create_database,
    free_port,
    start_server,
    stop_server,
    tail,
    wait_healthy,
)

COUNTY = "341721"  # 东至县
HOUSEHOLDS = 50
BORN_FROM = date(1940, 1, 1)
PAGE = (
    "persons(first: 100) { nodes { id name idNumber "
    "household { id members { relation person { id name idNumber } } } } }"
)
HEAVY = "{ a: " + PAGE + " b: " + PAGE + " }"
IMPORT = (
    'mutation($f: Upload!) { importRoster(file: $f, source: "CIVIL_AFFAIRS", asOf: "2021-09-30", '
    'regionCode: "341721") { __typename ... on ImportJob { id rowsTotal } '
    "... on InputErrors { errors { field code message } } } }"
)
JOB = "query($id: ID!) { importJob(id: $id) { status rowsTotal rowsDone } }"


def number(index: int) -> str:
    """The index-th synthetic ID number of 东至县: 1000 a birth date, all distinct."""
    born = BORN_FROM + timedelta(days=index // 1000)
    return with_check_digit(f"{COUNTY}{born:%Y%m%d}{index % 1000:03d}")


# ---------------------------------------------------------------- data


def seed(url: str) -> None:
    from yibao.core.audit import Actor
    from yibao.core.db import make_engine
    from yibao.core.migrate import installed_years, upgrade
    from yibao.core.services.households import HouseholdInput, MemberInput, register_household
    from yibao.core.services.persons import PersonInput

    engine = make_engine(url)
    try:
        upgrade(engine, years=installed_years())
        actor = Actor(name="bench", role="COUNTY_ADMIN", region_code=None)
        for h in range(HOUSEHOLDS):
            members = [
                MemberInput(
                    person=PersonInput(
                        name=f"居民{h}-{m}", hukou_region_code=COUNTY, id_number=number(h * 100 + m)
                    ),
                    relation="户主" if m == 0 else "子女",
                    is_head=m == 0,
                )
                for m in range(MAX_HOUSEHOLD_MEMBERS)
            ]
            register_household(engine, actor, HouseholdInput(COUNTY, members, address="某村"))
    finally:
        engine.dispose()


def roster_csv(max_bytes: int) -> tuple[bytes, int]:
    """A roster CSV of as many rows as fit in `max_bytes` (registered or not: each row is work)."""
    lines, size, index = ["姓名,身份证号码,类别,认定日期"], 0, 0
    while True:
        line = f"低保{index},{number(100_000 + index)},低保,2021-0{1 + index % 9}-01"
        size += len(line.encode()) + 1
        if size > max_bytes:
            break
        lines.append(line)
        index += 1
    return ("\n".join(lines) + "\n").encode(), index


def roster_xlsx(rows: int) -> bytes:
    """A workbook of `rows` rows whose names and ID numbers are all distinct, written as XML
    directly (openpyxl would take minutes): 2 × rows shared strings, as Excel would save them."""
    strings = ["姓名", "身份证号码", "类别", "低保"]
    for index in range(rows):
        strings += [f"低保{index}", number(100_000 + index)]
    sheet = io.StringIO()
    sheet.write('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    sheet.write(
        '<row r="1">' + "".join(f'<c r="{c}1" t="s"><v>{n}</v></c>' for n, c in enumerate("ABC")) + "</row>"
    )
    for index in range(rows):
        r = index + 2
        sheet.write(
            f'<row r="{r}"><c r="A{r}" t="s"><v>{4 + 2 * index}</v></c>'
            f'<c r="B{r}" t="s"><v>{5 + 2 * index}</v></c><c r="C{r}" t="s"><v>3</v></c></row>'
        )
    sheet.write("</sheetData></worksheet>")
    shared = "".join(f"<si><t>{s}</t></si>" for s in strings)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    office = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{office}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{office}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{office}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet.getvalue(),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>'
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    fields = [
        ("operations", None, json.dumps({"query": IMPORT, "variables": {"f": None}}).encode()),
        ("map", None, b'{"0": ["variables.f"]}'),
        ("0", filename, content),
    ]
    body = io.BytesIO()
    for name, file, data in fields:
        disposition = f'form-data; name="{name}"' + (f'; filename="{file}"' if file else "")
        body.write(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


# ---------------------------------------------------------------- measuring


class Watch:
    """/healthz polled every 10 ms from a process of its own (tests/polling.py: the clients here
    parse large answers, which would hold this process's GIL), and the server's RSS sampled every
    20 ms; `phase()` reports and restarts both."""

    def __init__(self, base: str, server_pid: int) -> None:
        self.poller = HealthPoller(base, interval=0.01).__enter__()
        self.process = psutil.Process(server_pid)
        self.mark, self.peak_rss = 0, 0
        self.done = threading.Event()
        self.lock = threading.Lock()
        threading.Thread(target=self._sample, daemon=True).start()

    def rss(self) -> int:
        try:
            processes = [self.process, *self.process.children(recursive=True)]
            return sum(p.memory_info().rss for p in processes if p.is_running())
        except psutil.Error:
            return 0

    def _sample(self) -> None:
        while not self.done.is_set():
            rss = self.rss()
            with self.lock:
                self.peak_rss = max(self.peak_rss, rss)
            time.sleep(0.02)

    def phase(self) -> tuple[list[float], int]:
        """The latencies and peak RSS since the last call, and a fresh start."""
        latencies = self.poller.since(self.mark)
        self.mark += len(latencies)
        with self.lock:
            peak, self.peak_rss = self.peak_rss, self.rss()
        return latencies, peak

    def stop(self) -> None:
        self.done.set()
        self.poller.__exit__(None, None, None)


def post(base: str, body: bytes, headers: dict, timeout: float = 600) -> tuple[int, dict]:
    request = urllib.request.Request(f"{base}/graphql", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {"http": error.read()[:300].decode(errors="replace")}


def report(name: str, latencies: list[float], peak: int, extra: str = "") -> None:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("nan")
    print(
        f"{name:<34}{len(ordered):>7}{1000 * statistics.median(ordered):>9.1f}{1000 * p99:>9.1f}"
        f"{1000 * ordered[-1]:>9.1f}{peak / 2**20:>10.1f}  {extra}",
        flush=True,
    )


def heavy_phase(base: str, token: str, clients: int, rounds: int) -> str:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps({"query": HEAVY}).encode()
    durations: list[float] = []
    failures: list[str] = []

    def client() -> None:
        for _ in range(rounds):
            started = time.perf_counter()
            status, answer = post(base, body, headers)
            durations.append(time.perf_counter() - started)
            nodes = (answer.get("data") or {}).get("a", {}).get("nodes", [])
            members = sum(len(n["household"]["members"]) for n in nodes)
            if status != 200 or answer.get("errors") or members != 100 * MAX_HOUSEHOLD_MEMBERS:
                failures.append(f"{status} {str(answer)[:200]}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SetupError(f"the heavy query failed: {failures[0]}")
    return f"query {min(durations):.2f}–{max(durations):.2f} s × {len(durations)}"


def upload_phase(base: str, token: str, filename: str, content: bytes, seconds: float) -> str:
    body, content_type = multipart(filename, content)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    started = time.perf_counter()
    status, answer = post(base, body, headers)
    answered = time.perf_counter() - started
    job = (answer.get("data") or {}).get("importRoster") or {}
    if status != 200 or job.get("__typename") != "ImportJob":
        raise SetupError(f"the upload was refused: {status} {str(answer)[:300]}")
    query = json.dumps({"query": JOB, "variables": {"id": job["id"]}}).encode()
    json_headers = {"Authorization": headers["Authorization"], "Content-Type": "application/json"}
    deadline = time.perf_counter() + seconds
    progress = {}
    while time.perf_counter() < deadline:
        progress = post(base, query, json_headers)[1]["data"]["importJob"]
        if progress["status"] == "DONE":
            break
        time.sleep(1)
    return (
        f"{len(content) / 2**20:.1f} MiB, {job['rowsTotal']:,} rows counted in {answered:.1f} s; "
        f"then {progress.get('rowsDone', 0):,} imported in {seconds:g} s"
    )


# ---------------------------------------------------------------- the run


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    parser.add_argument("--workers", type=int, default=1, help="`yibao serve --workers` (default 1)")
    parser.add_argument("--clients", type=int, default=1, help="heavy queries at once (default 1)")
    parser.add_argument("--rounds", type=int, default=5, help="heavy queries per client (default 5)")
    parser.add_argument(
        "--import-seconds", type=float, default=30, help="seconds of background import watched (30)"
    )
    return parser.parse_args(argv)


def _terminate(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    postgres, server = None, None
    workdir = Path(tempfile.mkdtemp(prefix="yibao-stall-"))
    try:
        if args.sqlite:
            url = f"sqlite:///{workdir / 'yibao.db'}"
        else:
            postgres = PostgresServer()
            url = create_database(postgres.start(), "yibao_stall")
        seed(url)
        shape = operation_shape(graphql_schema(), parse(HEAVY), None, {})
        csv_content, _ = roster_csv(MAX_UPLOAD_BYTES - 64 * 1024)
        xlsx_rows = min(200_000, (MAX_SHARED_STRINGS - 4) // 2)
        xlsx_content = roster_xlsx(xlsx_rows)
        key = secrets.token_urlsafe(48)
        token = issue(key, Principal("bench", Role.COUNTY_ADMIN, COUNTY))
        print(
            f"{'SQLite' if args.sqlite else 'PostgreSQL'}, `yibao serve --workers {args.workers}` started"
            f" afresh for each phase; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        )
        print(
            f"heavy query: cost {shape.values:,.0f} of {MAX_COST:,}; {args.clients} client(s) × {args.rounds}"
        )
        print(f"{'phase':<34}{'polls':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'RSS MiB':>10}")
        phases = [
            ("a. heaviest allowed query", lambda base: heavy_phase(base, token, args.clients, args.rounds)),
            (
                "b. largest CSV roster upload",
                lambda base: upload_phase(base, token, "roster.csv", csv_content, args.import_seconds),
            ),
            (
                f"c. XLSX, {2 * xlsx_rows:,} shared strings",
                lambda base: upload_phase(base, token, "roster.xlsx", xlsx_content, args.import_seconds),
            ),
        ]
        for name, run in phases:
            # A fresh server each phase: a background import left running by one is not measured
            # in the next, and each peak RSS is the phase's own.
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = start_server(url, key, port, workdir, args.workers)
            wait_healthy(server, base, workdir / "server.log")
            watch = Watch(base, server.pid)
            try:
                time.sleep(1)
                idle = watch.phase()
                if name.startswith("a."):
                    report("idle, before it", *idle)
                extra = run(base)
                report(name, *watch.phase(), extra)
            finally:
                watch.stop()
                stop_server(server)
            if server.returncode not in (0, -signal.SIGTERM):
                raise SetupError(
                    f"yibao serve exited with {server.returncode}:\n{tail(workdir / 'server.log')}"
                )
            server = None
        return 0
    except SetupError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        clean_up(server, postgres, workdir)


def graphql_schema():
    from yibao.api.graphql.schema import default_schema

    return default_schema()._schema


if __name__ == "__main__":
    sys.exit(main())
