"""Household page benchmark: the `bench/load.py` page through GraphQL against hand-written SQL.

    .venv/bin/python bench/page.py [--backend both|sqlite|postgresql] [--households 10000]
                                   [--samples 200] [--seed 1]

Migrates a throwaway database (a SQLite file, and/or a PostgreSQL 15 from
tests/support/postgres_server.py with fsync off), inserts `--households` households of three
with a person and a 2022 enrolment (with a snapshot of realistic size) each, then times the page
a village clerk's screen reads — `households(regionCode: "341721", first: 20, after: …)` with
members, persons and their enrolments — at random pages:

- GraphQL: a POST through the whole ASGI app in this process (token, permissions, cost walk,
  SQL, access log, JSON), called as a server calls it: the request's scope and its whole body
  handed to the app on its event loop, one hop into that loop per request (`asgi_call`);
- the same POST through starlette's TestClient, as the earlier figures were taken: its bridge
  from this thread into the loop makes eight hops per request (about a millisecond of this
  process's CPU, the `/healthz` row), which a server's own loop does not pay;
- baseline: the same page written by hand, N+1-free — the scope's region codes, one statement
  each for the households, their members with their persons, and their enrolments, on a plain
  DB-API connection — and `json.dumps` of the same answer.

The three alternate page by page; every answer is checked equal (the same JSON, once parsed).
It prints the medians of wall time and of this process's CPU time per page and their ratios to
the hand-written page (for PostgreSQL, its server's CPU is not this process's: read the wall
time), and, for scale, the CPU of a `/healthz` through each caller (its floor: no GraphQL answer
through it costs less).
Nothing depends on today's date. Everything is removed afterwards. See bench/README.md.
"""

import argparse
import base64
import json
import random
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `tests` importable
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from bench.load import HOUSEHOLDS as PAGE  # noqa: E402  the page of bench/load.py, as a village clerk reads it
from tests.support.postgres_server import PostgresServer  # noqa: E402
from yibao.api.app import create_app  # noqa: E402
from yibao.core.auth import Principal, Role, issue  # noqa: E402
from yibao.core.db import make_engine  # noqa: E402
from yibao.core.migrate import installed_years, upgrade  # noqa: E402
from yibao.core.models import Enrolment, Household, HouseholdMember, Person  # noqa: E402

COUNTY = "341721"  # 东至县
KEY = "bench-page-signing-key-of-32-bytes-or-more"
POLICY = "anhui/341721/2022"
YEAR = 2022
CREATED = datetime(2021, 9, 1, 8, 0, 0, tzinfo=UTC)
ENROLLED_ON = date(2021, 10, 8)
BIRTH_SPAN = 10_000  # days, as in bench/load.py: every birth date long past

PAGE_SIZE = 20

# What an enrolment's snapshot holds (core/services/enrolments.py), at its usual size: a list view
# that loaded it for every row would pay for it.
SNAPSHOT = {
    "policyId": POLICY,
    "policyVersion": "2021-09-01",
    "documents": ["东政办〔2021〕6号"],
    "tier": "STANDARD",
    "regionCode": COUNTY,
    "facts": {"categories": [], "events": [], "migrantWorker": False},
    "continuity": {"years": [2019, 2020, 2021], "broken": False},
    "quote": {
        "accepted": True,
        "tier": "STANDARD",
        "personalContribution": "320.00",
        "fiscalSubsidy": "610.00",
        "amountDue": "320.00",
        "coverageStart": "2022-01-01",
        "coverageEnd": "2022-12-31",
        "route": "COLLECTION_WINDOW",
        "explanation": [
            {
                "rule": f"rule-{i}",
                "detail": "集中征缴期内参保缴费" * 3,
                "amount": "320.00",
                "citation": "四（一）",
            }
            for i in range(8)
        ],
    },
}

# The same page by hand. `?` placeholders, turned into `%s` for psycopg.
REGION_PATH = "SELECT path FROM region WHERE code = ?"
REGION_CODES = "SELECT code FROM region WHERE path LIKE ?"  # a path of digits and slashes, then %
HOUSEHOLDS = (
    "SELECT id, address FROM household WHERE address_region_code IN ({codes}) AND id > ? ORDER BY id LIMIT ?"
)
MEMBERS = (
    "SELECT m.household_id, m.relation, m.is_head, p.id, p.name, p.id_number, p.birth_date, p.gender "
    "FROM household_member m JOIN person p ON p.id = m.person_id "
    "WHERE m.household_id IN ({ids}) ORDER BY m.id"
)
ENROLMENTS = (
    "SELECT person_id, id, status, coverage_year, tier, policy_id FROM enrolment "
    "WHERE person_id IN ({ids}) AND region_code IN ({codes}) ORDER BY coverage_year"
)
WEIGHTS_17 = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(born: date, sequence: int, male: bool) -> str:
    order = sequence * 2 + (1 if male else 0)
    body = f"{COUNTY}{born:%Y%m%d}{order % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS_17, strict=True))
    return body + "10X98765432"[total % 11]


# ---------------------------------------------------------------- seeding


def seed(engine, count: int) -> None:
    """`count` households of three (father head, mother, child), each person enrolled for 2022."""
    started = time.perf_counter()
    persons, households, members, enrolments = [], [], [], []
    for i in range(count):
        day, round_ = i % BIRTH_SPAN, i // BIRTH_SPAN
        household_id = i + 1
        households.append(
            {
                "id": household_id,
                "address_region_code": COUNTY,
                "county_code": COUNTY,  # stated, as the services state it (migration 0018)
                "address": f"东至县压测村{i // 20 + 1}组{i % 20 + 1}号",
                "created_at": CREATED,
            }
        )
        family = (
            (f"王{i}父", date(1940, 1, 1), "户主", True, "M"),
            (f"李{i}母", date(1943, 1, 1), "配偶", False, "F"),
            (f"王{i}子", date(1975, 1, 1), "子女", False, "M"),
        )
        for seq, (name, first_day, relation, head, gender) in enumerate(family, start=1):
            person_id = 3 * i + seq
            born = first_day + timedelta(days=day)
            persons.append(
                {
                    "id": person_id,
                    "id_number": id_number(born, 3 * round_ + seq, gender == "M"),
                    "name": name,
                    "birth_date": born,
                    "gender": gender,
                    "hukou_region_code": COUNTY,
                    "county_code": COUNTY,
                    "created_at": CREATED,
                }
            )
            members.append(
                {
                    "id": person_id,
                    "household_id": household_id,
                    "person_id": person_id,
                    "relation": relation,
                    "is_head": head,
                    "county_code": COUNTY,
                }
            )
            enrolments.append(
                {
                    "id": person_id,
                    "person_id": person_id,
                    "coverage_year": YEAR,
                    "region_code": COUNTY,
                    "county_code": COUNTY,
                    "policy_id": POLICY,
                    "tier": "STANDARD",
                    "status": "PAID" if person_id % 4 else "ENROLLED",
                    "snapshot": SNAPSHOT,
                    "idempotency_key": f"bench-page-{person_id}",
                    "channel": "WECHAT_OFFICIAL_ACCOUNT",
                    "enrolled_on": ENROLLED_ON,
                    "amount_due_fen": 32000,
                    "created_at": CREATED,
                }
            )
    with engine.begin() as connection:
        for model, rows in (
            (Household, households),
            (Person, persons),
            (HouseholdMember, members),
            (Enrolment, enrolments),
        ):
            for start in range(0, len(rows), 5000):
                connection.execute(insert(model.__table__), rows[start : start + 5000])
        if engine.dialect.name == "postgresql":
            for table in ("household", "person", "household_member", "enrolment"):  # ids given by hand
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")
                )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    print(
        f"  seeded {count:,} households, {3 * count:,} persons and enrolments in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )


# ---------------------------------------------------------------- the page by hand


def global_id(kind: str, row_id: int) -> str:
    """A node's opaque id, as core/ids.py writes it."""
    return base64.urlsafe_b64encode(f"{kind}:{row_id}".encode()).decode()


def cursor_of(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{row_id}".encode()).decode()


def after_id(cursor: str | None) -> int:
    return 0 if cursor is None else int(base64.urlsafe_b64decode(cursor).decode().partition(":")[2])


class ByHand:
    """The page on a plain DB-API connection: the scope's region codes (as the API resolves the
    caller's), then one statement per level, and the answer as `json.dumps` writes it."""

    def __init__(self, connection, placeholder: str) -> None:
        self.connection, self.mark = connection, placeholder

    def _sql(self, statement: str) -> str:
        return statement.replace("?", self.mark)

    def _rows(self, statement: str, params) -> list:
        return self.connection.execute(self._sql(statement), params).fetchall()

    def page(self, cursor: str | None) -> str:
        ((path,),) = self._rows(REGION_PATH, (COUNTY,))
        codes = [code for (code,) in self._rows(REGION_CODES, (path + "%",))]
        marks = ", ".join([self.mark] * len(codes))
        homes = self._rows(HOUSEHOLDS.format(codes=marks), (*codes, after_id(cursor), PAGE_SIZE + 1))
        more, homes = len(homes) > PAGE_SIZE, homes[:PAGE_SIZE]
        ids = [home[0] for home in homes]
        members: dict[int, list] = {home_id: [] for home_id in ids}
        persons: dict[int, dict] = {}
        if ids:
            id_marks = ", ".join([self.mark] * len(ids))
            for household_id, relation, head, pid, name, number, born, gender in self._rows(
                MEMBERS.format(ids=id_marks), ids
            ):
                person = {
                    "id": global_id("Person", pid),
                    "name": name,
                    "idNumber": number,
                    "birthDate": born if isinstance(born, str) else born.isoformat(),
                    "gender": gender,
                    "enrolments": [],
                }
                persons[pid] = person
                members[household_id].append({"relation": relation, "isHead": bool(head), "person": person})
        if persons:
            person_marks = ", ".join([self.mark] * len(persons))
            for person_id, eid, status, year, tier, policy in self._rows(
                ENROLMENTS.format(ids=person_marks, codes=marks), (*persons, *codes)
            ):
                persons[person_id]["enrolments"].append(
                    {
                        "id": global_id("Enrolment", eid),
                        "status": status,
                        "coverageYear": year,
                        "tier": tier,
                        "policyId": policy,
                    }
                )
        nodes = []
        for home_id, address in homes:
            head = next((m["person"]["name"] for m in members[home_id] if m["isHead"]), None)
            nodes.append(
                {
                    "id": global_id("Household", home_id),
                    "address": address,
                    "head": None if head is None else {"name": head},
                    "members": members[home_id],
                }
            )
        info = {"hasNextPage": more, "endCursor": cursor_of(homes[-1][0]) if homes else None}
        return json.dumps({"data": {"households": {"pageInfo": info, "nodes": nodes}}}, ensure_ascii=False)


# ---------------------------------------------------------------- timing


class ASGICall:
    """A request handed to the app as a server's event loop hands it: the scope, the whole body
    in one `http.request` message, the answer's messages collected. The app runs on the loop of
    the TestClient's portal, which holds its lifespan (startup, the pools); one hop per request
    into that loop where the TestClient makes eight."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    def __call__(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        return self.client.portal.call(self._request, method, path, body)

    async def _request(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        headers = [*self.headers, (b"host", b"testserver")]
        if body:
            headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "state": self.client.app_state.copy(),
        }
        sent = False
        status, chunks = 0, []

        async def receive() -> dict:
            nonlocal sent
            if sent:  # the body was read whole; a server then waits for the client to go
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.client.app(scope, receive, send)
        return status, b"".join(chunks)


def measured(call) -> tuple[float, float, object]:
    """Wall and CPU milliseconds of `call()` (CPU of this process, every thread), and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, result


def measure(engine, connection, placeholder: str, count: int, samples: int, rng: random.Random) -> dict:
    token = issue(KEY, Principal("bench-clerk", Role.VILLAGE_CLERK, COUNTY))
    app = create_app(engine, key=KEY)
    by_hand = ByHand(connection, placeholder)
    pages = (count + PAGE_SIZE - 1) // PAGE_SIZE
    paths = ("asgi", "testclient", "sql")
    times: dict[str, list] = {f"{path} {clock}": [] for path in paths for clock in ("wall", "cpu")}
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app, headers=headers) as client:
        asgi = ASGICall(client, headers)

        def through_asgi(cursor) -> bytes:
            body = json.dumps({"query": PAGE, "variables": {"after": cursor}}).encode()
            status, answer = asgi("POST", "/graphql", body)
            if status != 200:
                raise SystemExit(f"page after {cursor} failed: {status} {answer[:300]!r}")
            return answer

        def through_testclient(cursor) -> bytes:
            response = client.post("/graphql", json={"query": PAGE, "variables": {"after": cursor}})
            if response.status_code != 200:
                raise SystemExit(f"page after {cursor} failed: {response.status_code} {response.text[:300]}")
            return response.content

        calls = {"asgi": through_asgi, "testclient": through_testclient, "sql": by_hand.page}
        for number in range(samples + 10):  # 10 unmeasured to warm every path
            cursor = None if (index := rng.randrange(pages)) == 0 else cursor_of(index * PAGE_SIZE)
            answers = {}
            for path in paths:
                wall, cpu, answers[path] = measured(lambda cursor=cursor, path=path: calls[path](cursor))
                if number >= 10:
                    times[f"{path} wall"].append(wall)
                    times[f"{path} cpu"].append(cpu)
            # The answers are parsed here, outside their timings: the check is the bench's, not
            # the page's (the hand-written page's answer is never parsed inside its timing either).
            expected = json.loads(answers["sql"])
            for path in ("asgi", "testclient"):
                parsed = json.loads(answers[path])
                if parsed.get("errors") or parsed != expected:
                    raise SystemExit(f"{path}: the answers differ after {cursor}:\n{answers[path][:600]!r}")
        # What each caller costs by itself: /healthz, which answers from no database. Not in the
        # ratio; it bounds how close to the hand-written page any GraphQL answer through it can come.
        times["asgi floor"] = [measured(lambda: asgi("GET", "/healthz"))[1] for _ in range(samples)]
        times["testclient floor"] = [measured(lambda: client.get("/healthz"))[1] for _ in range(samples)]
    return {name: statistics.median(values) for name, values in times.items()}


def report(backend: str, medians: dict, samples: int) -> None:
    s_wall, s_cpu = medians["sql wall"], max(medians["sql cpu"], 1e-3)
    print(f"  {samples} pages, every answer equal; medians per page (ms), ratio to the page by hand:")
    print(f"  {'':22} {'wall':>7} {'ratio':>6} {'CPU':>7} {'ratio':>6} {'/healthz CPU':>13}")
    print(f"  {'by hand (SQL + JSON)':22} {s_wall:7.2f} {'':6} {s_cpu:7.2f}")
    for path, name in (("asgi", "GraphQL, ASGI call"), ("testclient", "GraphQL, TestClient")):
        wall, cpu, floor = medians[f"{path} wall"], medians[f"{path} cpu"], medians[f"{path} floor"]
        print(f"  {name:22} {wall:7.2f} {wall / s_wall:6.1f} {cpu:7.2f} {cpu / s_cpu:6.1f} {floor:13.2f}")
    if backend == "postgresql":
        print("  (CPU is this process's only: PostgreSQL's own is not in it; read the wall time)")


def sqlite_database(folder: Path, households: int):
    """A migrated, seeded SQLite file in `folder`, and its engine."""
    path = folder / "page.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, years=installed_years())
    seed(engine, households)
    return path, engine


def run_sqlite(args) -> None:
    print("SQLite", flush=True)
    # In memory where the machine has a tmpfs: the page reads cached pages either way, and seeding
    # need not wait for a shared disk.
    memory = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="yibao-bench-page-", dir=memory) as folder:
        path, engine = sqlite_database(Path(folder), args.households)
        try:
            connection = sqlite3.connect(path)
            try:
                medians = measure(
                    engine, connection, "?", args.households, args.samples, random.Random(args.seed)
                )
            finally:
                connection.close()
        finally:
            engine.dispose()
    report("sqlite", medians, args.samples)


def run_postgresql(args) -> None:
    print("PostgreSQL", flush=True)
    server = PostgresServer()
    engine = None
    try:
        admin_url = server.start()
        admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('CREATE DATABASE "yibao_page"'))
        admin.dispose()
        url = make_url(admin_url).set(database="yibao_page")
        engine = make_engine(url.render_as_string(hide_password=False))
        upgrade(engine, years=installed_years())
        seed(engine, args.households)
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain, autocommit=True) as connection:
            medians = measure(
                engine, connection, "%s", args.households, args.samples, random.Random(args.seed)
            )
    finally:
        if engine is not None:
            engine.dispose()
        server.stop()
    report("postgresql", medians, args.samples)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200, help="pages timed on each path")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the pages read")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    # `kill` stops the run as Ctrl-C does: through the finally blocks, which stop PostgreSQL.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if args.backend in ("both", "sqlite"):
        run_sqlite(args)
    if args.backend in ("both", "postgresql"):
        run_postgresql(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
