"""Load benchmark: a real PostgreSQL, `yibao serve` as a subprocess, concurrent clients on loopback.

    .venv/bin/python bench/load.py [--clients 100] [--duration 60] [--warmup 5]

Seeds households and enrolments through the API, measures a `GET /healthz` baseline, then a
mix of 50 % `quote`, 30 % `households` page reads and 20 % `recordPayment`. See bench/README.md.
"""

import argparse
import asyncio
import contextlib
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

try:
    import httpx
except ImportError:  # the project depends on httpx2, the maintained fork with the same API
    import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `tests` importable
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests.support.factories import id_number  # noqa: E402
from tests.support.polling import HealthPoller  # noqa: E402
from tests.support.postgres_server import PostgresServer  # noqa: E402
from tests.support.sockets import children  # noqa: E402
from yibao.core.auth import Principal, Role, issue  # noqa: E402
from yibao.core.db import make_engine  # noqa: E402

COUNTY = "341721"  # 东至县
POLICY = "anhui/341721/2022"
YEAR = 2022
MIX = (("quote", 0.5), ("households", 0.3), ("recordPayment", 0.2))
SAMPLES_PER_KIND = 3  # error samples printed per operation and kind
ERROR_KINDS = ("http", "gql", "input")
REQUEST_TIMEOUT = 60  # s; a request unanswered this long counts as an http error
GRACE = 5  # s after a window closes for its last requests to finish before they are cancelled

REGISTER = """
mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) {
    __typename
    ... on Household { members { person { id } } }
    ... on InputErrors { errors { field code message } }
  }
}"""

ENROL = """
mutation($input: EnrolInput!) {
  enrol(input: $input) {
    __typename
    ... on Enrolment { id }
    ... on InputErrors { errors { field code message } }
  }
}"""

QUOTE = """
query($input: QuoteInput!) {
  quote(input: $input) {
    accepted rejectionReason tier personalContribution fiscalSubsidy subsidy subsidyCategory
    subsidyMethod amountDue refundDue coverageStart coverageEnd waitingUntil route
    explanation { rule detail amount citation }
  }
}"""

HOUSEHOLDS = """
query($after: String) {
  households(regionCode: "341721", first: 20, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id address head { name }
      members {
        relation isHead
        person { id name idNumber birthDate gender enrolments { id status coverageYear tier policyId } }
      }
    }
  }
}"""

PAY = """
mutation($input: RecordPaymentInput!) {
  recordPayment(input: $input) {
    __typename
    ... on Payment { id amount receiptNumber enrolment { status } }
    ... on InputErrors { errors { field code message } }
  }
}"""

REGIONS = 'query { regions(parentCode: "341721") { code } }'

# The hardship categories the Dongzhi 2022 policy subsidises (东政办〔2021〕6号 四（三）).
CATEGORIES = (
    "EXTREME_POVERTY",
    "MINIMUM_LIVING",
    "PRIORITY_CARE",
    "FAMILY_PLANNING_HARDSHIP",
    "RETURNED_TO_POVERTY",
    "RETIRED_FISHER",
    "UNSTABLE_OUT_OF_POVERTY",
    "LOW_INCOME_MONITORED",
    "STABLE_OUT_OF_POVERTY",
)


class SetupError(RuntimeError):
    """The benchmark could not get the server or its data ready."""


# ---------------------------------------------------------------- the server under test


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def create_database(admin_url: str, name: str) -> str:
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def start_server(url: str, key: str, port: int, workdir: Path, workers: int = 1) -> subprocess.Popen:
    env = {**os.environ, "YIBAO_DATABASE_URL": url, "YIBAO_JWT_KEY": key}
    # Its own session: a Ctrl-C reaches only the benchmark, which then stops the server in order.
    with (workdir / "server.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "yibao.api.cli", "serve", "--port", str(port), "--workers", str(workers)],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_healthy(process: subprocess.Popen, base: str, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SetupError(f"yibao serve exited with {process.returncode} before answering")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SetupError(f"yibao serve did not answer /healthz within {timeout:.0f} s:\n{tail(log)}")


def stop_server(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ---------------------------------------------------------------- CPU accounting (Linux /proc)


def _cpu_of(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rfind(")") + 2 :].split()  # fields from the 3rd (state) on
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@dataclass
class CpuProbe:
    """CPU seconds of the server (with its worker processes), PostgreSQL (postmaster and backends)
    and this load generator."""

    server_pid: int
    postmaster_pid: int | None

    def snapshot(self) -> dict[str, dict[int, float]]:
        postgres = [self.postmaster_pid, *children(self.postmaster_pid)] if self.postmaster_pid else []
        return {
            # With --workers N, uvicorn's parent only hands connections to its worker processes.
            "server": {pid: _cpu_of(pid) for pid in [self.server_pid, *children(self.server_pid)]},
            "postgres": {pid: _cpu_of(pid) for pid in postgres},
            "load generator": {0: time.process_time()},
            "machine": {0: _machine_busy()},
        }

    @staticmethod
    def each(before: dict, after: dict, seconds: float, group: str) -> list[float]:
        """The group's processes one by one, as percentages of one core, in pid order."""
        return [
            100 * (cpu - before[group].get(pid, 0.0)) / seconds for pid, cpu in sorted(after[group].items())
        ]

    @staticmethod
    def busy(before: dict, after: dict, seconds: float) -> dict[str, float]:
        """Per group: CPU used over the interval, as a percentage of one core.

        "other processes" is what the machine spent outside the benchmark: it skews the figures.
        """
        used = {
            group: 100 * sum(cpu - before[group].get(pid, 0.0) for pid, cpu in after[group].items()) / seconds
            for group in after
        }
        machine = used.pop("machine")
        used["other processes"] = max(0.0, machine - sum(used.values()))
        return used


def _machine_busy() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat: all but idle and iowait)."""
    try:
        fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def postmaster_pid(server: PostgresServer) -> int | None:
    try:
        return int((server.data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class WaitSampler:
    """Samples what PostgreSQL's sessions of the benchmark database are doing during a window
    (`--waits`): each sample counts every session by state and wait event, with what it runs, so
    that lock waits (a session `Lock:transactionid` behind one `idle in transaction`) show."""

    QUERY = (
        "SELECT state, coalesce(wait_event_type || ':' || wait_event, '-'),"
        " left(regexp_replace(query, '\\s+', ' ', 'g'), 70) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'"
    )

    def __init__(self, url: str, interval: float = 0.02):
        self.url, self.interval = url, interval
        self.counts: Counter = Counter()
        self.samples = 0
        self.running = threading.Event()
        self.done = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        import psycopg

        url = make_url(self.url)
        with psycopg.connect(
            host=url.host,
            port=url.port,
            user=url.username,
            password=url.password,
            dbname=url.database,
            autocommit=True,
        ) as connection:
            self.running.wait()
            while not self.done.is_set():
                for state, wait, query in connection.execute(self.QUERY).fetchall():
                    self.counts[(state, wait, query)] += 1
                self.samples += 1
                time.sleep(self.interval)

    def report(self, top: int = 15) -> None:
        if not self.samples:
            return
        by_wait: Counter = Counter()
        for (state, wait, _), n in self.counts.items():
            by_wait[(state, wait)] += n
        print(f"PostgreSQL sessions of the benchmark, mean over {self.samples} samples (state, wait):")
        for (state, wait), n in by_wait.most_common():
            print(f"  {n / self.samples:6.2f}  {state:<20} {wait}")
        print("… and the most frequent with what they run (or last ran):")
        for (state, wait, query), n in self.counts.most_common(top):
            print(f"  {n / self.samples:6.2f}  {state:<20} {wait:<28} {query}")


# ---------------------------------------------------------------- requests and their outcomes


@dataclass
class Outcome:
    kind: str  # "ok" or one of ERROR_KINDS
    detail: str = ""
    data: dict | None = None


async def graphql(http, query: str, variables: dict, token: str | None = None) -> Outcome:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    except httpx.HTTPError as error:
        return Outcome("http", f"{type(error).__name__}: {error}")
    if response.status_code != 200:
        return Outcome("http", f"HTTP {response.status_code}: {response.text[:200]}")
    body = response.json()
    if body.get("errors"):
        return Outcome("gql", "; ".join(e.get("message", "?") for e in body["errors"])[:300])
    return Outcome("ok", data=body["data"])


def refused(outcome: Outcome, root: str) -> Outcome:
    """A mutation answered with `InputErrors` is a refusal, counted apart from transport errors."""
    result = outcome.data[root] if outcome.kind == "ok" else None
    if result and result.get("__typename") == "InputErrors":
        errors = ", ".join(f"{e['field']} {e['code']}: {e['message']}" for e in result["errors"])
        return Outcome("input", errors[:300], outcome.data)
    return outcome


async def healthz(http, _rng, _world) -> Outcome:
    try:
        response = await http.get("/healthz")
    except httpx.HTTPError as error:
        return Outcome("http", f"{type(error).__name__}: {error}")
    return Outcome("ok") if response.status_code == 200 else Outcome("http", f"HTTP {response.status_code}")


def quote_input(rng: random.Random) -> dict:
    """A varied but valid quote for the Dongzhi policy: windows, late routes, categories, newborns."""
    window = date(2021, 9, 20), date(2021, 12, 31)
    person: dict = {}
    roll = rng.random()
    if roll < 0.6:  # the ordinary case: someone paying inside the collection window
        paid_on = window[0] + timedelta(days=rng.randrange((window[1] - window[0]).days + 1))
        person["birthDate"] = str(date(rng.randint(1930, 2020), rng.randint(1, 12), rng.randint(1, 28)))
    elif roll < 0.75:  # a newborn of 2022, quoted some weeks or months after birth
        born = date(2022, 1, 1) + timedelta(days=rng.randrange(300))
        paid_on = born + timedelta(days=rng.randrange(1, 150))
        person["birthDate"] = str(born)
        person["guardianEnrolled"] = rng.random() < 0.5
    elif roll < 0.9:  # a late 四（七） route: release from prison or an employee-insurance lapse
        paid_on = date(2022, 1, 1) + timedelta(days=rng.randrange(360))
        event_on = paid_on - timedelta(days=rng.randrange(0, 200))
        person["birthDate"] = str(date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28)))
        if rng.random() < 0.5:
            person["events"] = [{"kind": "RELEASED_FROM_PRISON", "on": str(event_on)}]
        else:
            months = rng.choice((6, 24, 60))
            person["events"] = [
                {"kind": "EMPLOYEE_INSURANCE_LAPSE", "on": str(event_on), "priorContinuousMonths": months}
            ]
    else:  # outside every route: refused with a reason, still a 200 answer
        paid_on = date(2022, 1, 1) + timedelta(days=rng.randrange(360))
        person["birthDate"] = str(date(rng.randint(1950, 2010), rng.randint(1, 12), rng.randint(1, 28)))
    if rng.random() < 0.35 and person["birthDate"] < "2022":
        person["categories"] = [
            {"code": code, "since": str(date(rng.randint(2015, 2022), rng.randint(1, 12), 1))}
            for code in rng.sample(CATEGORIES, rng.choice((1, 1, 2)))
        ]
    person["migrantWorker"] = rng.random() < 0.1
    return {"policyId": POLICY, "paidOn": str(paid_on), "person": person}


@dataclass
class World:
    """What the seeded data and tokens give the clients to work with."""

    clerk_token: str
    cursors: list[str | None]  # one per households page: None for the first
    enrolment_ids: list[str]  # not yet paid: each payment takes one (a PAID enrolment refuses another)
    payments_acknowledged: int = 0


async def quote(http, rng, _world) -> Outcome:
    return await graphql(http, QUOTE, {"input": quote_input(rng)})


async def households(http, rng, world: World) -> Outcome:
    return await graphql(http, HOUSEHOLDS, {"after": rng.choice(world.cursors)}, world.clerk_token)


async def record_payment(http, rng, world: World) -> Outcome:
    if not world.enrolment_ids:
        return Outcome("input", "no unpaid enrolment left: seed more --households")
    enrolment_id = world.enrolment_ids.pop(rng.randrange(len(world.enrolment_ids)))
    payment = {
        "enrolmentId": enrolment_id,
        "amount": "320.00",
        "paidOn": "2021-10-08",
        "channel": "WECHAT_OFFICIAL_ACCOUNT",
        "idempotencyKey": f"bench-{uuid.uuid4()}",
    }
    outcome = refused(await graphql(http, PAY, {"input": payment}, world.clerk_token), "recordPayment")
    if outcome.kind == "ok":
        world.payments_acknowledged += 1
    return outcome


OPERATIONS = {"healthz": healthz, "quote": quote, "households": households, "recordPayment": record_payment}


# ---------------------------------------------------------------- seeding through the API


BIRTH_SPAN = 10_000  # days: births up to 1967, 1970 and 2002; 166 rounds of 3 sequence numbers fit


def household_input(index: int, region: str) -> dict:
    # Every ID number unique, every birth date long past: birth dates walk a span of BIRTH_SPAN days
    # and the sequence digits tell the rounds apart. (Dates that only grew with the index gave
    # children birth dates in the future from household 326 on.)
    day, round_ = index % BIRTH_SPAN, index // BIRTH_SPAN
    father = date(1940, 1, 1) + timedelta(days=day)
    mother = date(1943, 1, 1) + timedelta(days=day)
    child = date(1975, 1, 1) + timedelta(days=day)

    def member(name, born, seq, male, relation, head=False):
        number = id_number(COUNTY, born, 3 * round_ + seq, male)
        return {
            "isHead": head,
            "relation": relation,
            "person": {"name": name, "idNumber": number, "hukouRegionCode": region},
        }

    return {
        "addressRegionCode": region,
        "address": f"东至县压测村{index // 20 + 1}组{index % 20 + 1}号",
        "members": [
            member(f"王{index}父", father, 1, True, "户主", head=True),
            member(f"李{index}母", mother, 2, False, "配偶"),
            member(f"王{index}子", child, 3, True, "子女"),
        ],
    }


async def in_parallel(jobs, limit: int = 8) -> list:
    gate = asyncio.Semaphore(limit)

    async def run(job):
        async with gate:
            return await job

    return await asyncio.gather(*(run(job) for job in jobs))


def must(outcome: Outcome, root: str, what: str) -> dict:
    outcome = refused(outcome, root)
    if outcome.kind != "ok":
        raise SetupError(f"seeding failed at {what}: {outcome.kind} {outcome.detail}")
    return outcome.data[root]


async def seed(base: str, admin_token: str, clerk_token: str, count: int) -> World:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        townships = (await graphql(http, REGIONS, {})).data["regions"]
        regions = [r["code"] for r in townships] or [COUNTY]  # townships if the seed data has them

        async def register(i):
            variables = {"input": household_input(i, regions[i % len(regions)])}
            return must(
                await graphql(http, REGISTER, variables, admin_token), "registerHousehold", f"household {i}"
            )

        homes = await in_parallel(register(i) for i in range(count))
        person_ids = [m["person"]["id"] for home in homes for m in home["members"]]

        async def enrol(person_id):
            key = f"bench-enrol-{uuid.uuid4()}"
            data = {"personId": person_id, "coverageYear": YEAR, "policyId": POLICY, "idempotencyKey": key}
            return must(
                await graphql(http, ENROL, {"input": data}, admin_token), "enrol", f"person {person_id}"
            )["id"]

        enrolment_ids = await in_parallel(enrol(p) for p in person_ids)

        cursors: list[str | None] = [None]
        while True:
            page = must(
                await graphql(http, HOUSEHOLDS, {"after": cursors[-1]}, clerk_token), "households", "paging"
            )
            if not page["pageInfo"]["hasNextPage"]:
                break
            cursors.append(page["pageInfo"]["endCursor"])
    print(
        f"seeded {count} households, {len(person_ids)} persons and {len(enrolment_ids)} enrolments "
        f"(regions {', '.join(regions[:3])}{'…' if len(regions) > 3 else ''}); {len(cursors)} household pages"
    )
    return World(clerk_token, cursors, enrolment_ids)


# ---------------------------------------------------------------- load phases and their report


@dataclass
class Phase:
    name: str
    clients: int
    seconds: float
    records: list[tuple[str, float, Outcome]] = field(default_factory=list)  # (operation, ms, outcome)
    cpu: dict[str, float] = field(default_factory=dict)
    server_processes: list[float] = field(default_factory=list)  # each server process's share, %
    loop_probe: list[float] = field(default_factory=list)  # ms of --poll's /healthz during the window
    unanswered: list[tuple[str, float]] = field(default_factory=list)  # (operation, s waited) at the end


def pick(rng: random.Random, mix) -> str:
    roll, total = rng.random(), 0.0
    for name, share in mix:
        total += share
        if roll < total:
            return name
    return mix[-1][0]


async def run_phase(
    name, base, clients, warmup, seconds, mix, world, probe: CpuProbe, seed_value, waits=None, poller=None
) -> Phase:
    """Closed loop: each client sends its next request as soon as the last is answered.

    Only requests that finish inside the measurement window (after the warm-up) are counted.
    """
    phase = Phase(name, clients, seconds)
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    in_flight: dict[int, tuple[str, float]] = {}

    async def client(number: int, http) -> None:
        rng = random.Random(seed_value * 10_000 + number)
        while time.perf_counter() < stop_at:
            operation = pick(rng, mix)
            began = time.perf_counter()
            in_flight[number] = operation, began
            outcome = await OPERATIONS[operation](http, rng, world)
            ended = time.perf_counter()
            del in_flight[number]
            if measure_from <= ended <= stop_at:
                phase.records.append((operation, (ended - began) * 1000, outcome))

    async def watch() -> None:
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        before = probe.snapshot()
        if waits is not None:
            waits.running.set()
        mark = poller.mark() if poller is not None else 0
        await asyncio.sleep(max(0.0, stop_at - time.perf_counter()))
        if waits is not None:
            waits.done.set()
        if poller is not None:
            phase.loop_probe = sorted(1000 * s for s in poller.since(mark))
        after = probe.snapshot()
        phase.cpu = CpuProbe.busy(before, after, seconds)
        phase.server_processes = CpuProbe.each(before, after, seconds, "server")
        phase.unanswered = [(operation, stop_at - began) for operation, began in in_flight.values()]

    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, limits=limits) as http:
        tasks = [
            asyncio.create_task(watch()),
            *(asyncio.create_task(client(i, http)) for i in range(clients)),
        ]
        try:
            # A stalled server must not hold the run for a whole request timeout after the window.
            await asyncio.wait(tasks, timeout=warmup + seconds + GRACE)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    return phase


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def row(label: str, records, seconds: float, baseline_rate: float | None) -> str:
    latencies = sorted(ms for _, ms, _ in records)
    kinds = Counter(outcome.kind for _, _, outcome in records)
    rate = len(records) / seconds
    ratio = f"{rate / baseline_rate:10.3f}" if baseline_rate else f"{'—':>10}"
    p50, p90, p99 = (percentile(latencies, p) for p in (50, 90, 99))
    errors = "".join(f"{kinds[k]:>7}" for k in ERROR_KINDS)
    return f"{label:<16}{len(records):>9}{rate:>9.1f}{ratio}{p50:>9.1f}{p90:>9.1f}{p99:>9.1f}{errors}"


def report(
    baseline: Phase, mix: Phase, world: World, ledger: tuple[int, int, int], log: Path, shares=MIX
) -> None:
    header = (
        f"{'operation':<16}{'requests':>9}{'req/s':>9}{'×healthz':>10}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}"
    )
    header += "".join(f"{k:>7}" for k in ERROR_KINDS)
    base_rate = len(baseline.records) / baseline.seconds
    print()
    print(f"baseline: GET /healthz, {baseline.clients} clients × {baseline.seconds:g} s")
    print(
        f"mix:      {' / '.join(f'{share:.0%} {op}' for op, share in shares)}, "
        f"{mix.clients} clients × {mix.seconds:g} s"
    )
    print()
    print(header)
    print("-" * len(header))
    print(row("healthz (base)", baseline.records, baseline.seconds, base_rate))
    by_operation = defaultdict(list)
    for record in mix.records:
        by_operation[record[0]].append(record)
    for operation, _ in shares:
        print(row(operation, by_operation[operation], mix.seconds, base_rate))
    print(row("overall (mix)", mix.records, mix.seconds, base_rate))
    print()
    for phase in (baseline, mix):
        busy = ", ".join(f"{group} {pct:.0f}%" for group, pct in phase.cpu.items())
        print(f"CPU during {phase.name} (100% = one core of {os.cpu_count()}): {busy}")
        if len(phase.server_processes) > 1:  # uvicorn's parent, then its workers: is the load shared?
            each = " + ".join(f"{pct:.0f}%" for pct in phase.server_processes)
            print(f"  server by process: {each}")
    for phase in (baseline, mix):
        if phase.unanswered and max(waited for _, waited in phase.unanswered) >= 1:  # a stall, not noise
            waits = sorted(waited for _, waited in phase.unanswered)
            kinds = Counter(operation for operation, _ in phase.unanswered)
            print(
                f"unanswered when the {phase.name} window closed: {len(waits)} "
                f"({', '.join(f'{n} {op}' for op, n in kinds.items())}), waiting up to {waits[-1]:.1f} s"
            )
    if mix.loop_probe:
        p50, p99, longest = (percentile(mix.loop_probe, p) for p in (50, 99, 100))
        print(
            f"/healthz polled every 20 ms from another process during the mix: {len(mix.loop_probe)} "
            f"answers, p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {longest:.1f} ms (the event loop's delay)"
        )
    rows, top, distinct = ledger
    gap_free = rows == top == distinct
    print(
        f"ledger: {world.payments_acknowledged} payments acknowledged, {rows} rows, receipt numbers "
        f"1…{top} {'gap-free and unique' if gap_free else 'WITH GAPS OR REPEATS'}"
    )
    if not world.enrolment_ids:
        print(
            "SEEDED TOO FEW: every seeded enrolment was paid before the mix ended, and the payments "
            "after that were refused by the client itself; the mix's figures are not the mix's. "
            "Seed more with --households."
        )
    samples = defaultdict(list)
    for phase in (baseline, mix):
        for operation, _, outcome in phase.records:
            bucket = samples[(operation, outcome.kind)]
            if outcome.kind != "ok" and len(bucket) < SAMPLES_PER_KIND:
                bucket.append(outcome.detail)
    if any(samples[key] for key in samples if key[1] != "ok"):
        print("error samples:")
        for (operation, kind), details in samples.items():
            for detail in details:
                print(f"  {operation} [{kind}] {detail}")
    problems = server_problems(log)
    if problems:
        print(f"server log: {len(problems)} lines besides INFO; the first:")
        for line in problems[: SAMPLES_PER_KIND * 2]:
            print(f"  {line[:300]}")


def server_problems(log: Path) -> list[str]:
    """What the server said besides its INFO lines (access log, start-up): errors, tracebacks."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [line for line in lines if line.strip() and not line.startswith(("INFO:", "yibao: database"))]


def ledger_check(url: str) -> tuple[int, int, int]:
    """Payment rows of the county and year, their highest receipt number, and distinct numbers."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text(
                    "SELECT count(*), coalesce(max(receipt_seq), 0), count(DISTINCT receipt_seq) "
                    "FROM payment WHERE receipt_region_code = :county AND coverage_year = :year"
                ),
                {"county": COUNTY, "year": YEAR},
            ).one()
    finally:
        engine.dispose()
    return tuple(found)


# ---------------------------------------------------------------- orchestration


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=100, help="concurrent clients (default 100)")
    parser.add_argument("--duration", type=float, default=60, help="measured seconds of the mix (default 60)")
    parser.add_argument(
        "--warmup", type=float, default=5, help="unmeasured seconds before each phase (default 5)"
    )
    parser.add_argument(
        "--baseline", type=float, default=10, help="measured seconds of /healthz (default 10)"
    )
    parser.add_argument(
        "--households",
        type=int,
        default=2000,
        help="households of 3 to seed; each payment takes an unpaid enrolment (default 2000: the "
        "default run pays ~3,700 on this 2-core machine)",
    )
    parser.add_argument("--workers", type=int, default=1, help="`yibao serve --workers` (default 1)")
    parser.add_argument(
        "--waits", action="store_true", help="sample PostgreSQL's sessions (pg_stat_activity) during the mix"
    )
    parser.add_argument(
        "--mix",
        default=",".join(f"{op}:{share}" for op, share in MIX),
        help="operations and shares of the mix, e.g. quote:1 for quotes alone (default: %(default)s)",
    )
    parser.add_argument(
        "--poll",
        action="store_true",
        help="poll /healthz from another process during the mix: is the event loop ever held?",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed of the request mix (default 1)")
    args = parser.parse_args(argv)
    args.mix = parse_mix(args.mix)
    return args


def parse_mix(text_: str) -> tuple[tuple[str, float], ...]:
    shares = []
    for part in text_.split(","):
        operation, _, share = part.partition(":")
        if operation not in OPERATIONS or operation == "healthz":
            raise SystemExit(f"bench: unknown operation {operation!r} in --mix")
        shares.append((operation, float(share or 1)))
    total = sum(share for _, share in shares)
    return tuple((operation, share / total) for operation, share in shares)


async def benchmark(args, base: str, url: str, key: str, probe: CpuProbe, log: Path) -> None:
    admin = issue(key, Principal("bench-admin", Role.COUNTY_ADMIN, COUNTY))
    clerk = issue(key, Principal("bench-clerk", Role.VILLAGE_CLERK, COUNTY))
    began = time.perf_counter()
    world = await seed(base, admin, clerk, args.households)
    print(f"seeding took {time.perf_counter() - began:.1f} s")
    print(f"baseline: {args.clients} clients on GET /healthz for {args.baseline:g} s …", flush=True)
    baseline = await run_phase(
        "baseline",
        base,
        args.clients,
        min(args.warmup, 2),
        args.baseline,
        (("healthz", 1.0),),
        world,
        probe,
        args.seed,
    )
    print(f"mix: {args.clients} clients for {args.warmup:g} s warm-up + {args.duration:g} s …", flush=True)
    waits = WaitSampler(url) if args.waits else None
    if waits is not None:
        waits.start()
    with HealthPoller(base) if args.poll else contextlib.nullcontext() as poller:
        mix = await run_phase(
            "mix",
            base,
            args.clients,
            args.warmup,
            args.duration,
            args.mix,
            world,
            probe,
            args.seed + 1,
            waits,
            poller,
        )
    report(baseline, mix, world, ledger_check(url), log, args.mix)
    if waits is not None:
        waits.report()


def _terminate(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def clean_up(server, postgres, workdir: Path) -> None:
    """After a run, however it ended: the server stopped (its log's end shown if it had crashed),
    the throwaway PostgreSQL stopped, the working folder removed."""
    crashed = server is not None and server.poll() is not None
    stop_server(server)
    if postgres is not None:
        try:
            postgres.stop()
        except Exception as error:  # already stopped, or never started: nothing left to stop
            print(f"bench: stopping PostgreSQL: {error}", file=sys.stderr)
    if crashed:
        print(f"bench: the server log ends:\n{tail(workdir / 'server.log')}", file=sys.stderr)
    shutil.rmtree(workdir, ignore_errors=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)  # `kill` cleans up like Ctrl-C does
    postgres, server = None, None
    workdir = Path(tempfile.mkdtemp(prefix="yibao-bench-"))
    try:
        postgres = PostgresServer()
        url = create_database(postgres.start(), "yibao_bench")
        key = secrets.token_urlsafe(48)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(url, key, port, workdir, args.workers)
        wait_healthy(server, base, workdir / "server.log")
        print(
            f"yibao serve (pid {server.pid}) on {base}, PostgreSQL on port {postgres.port}; "
            f"{os.cpu_count()} CPUs"
        )
        probe = CpuProbe(server.pid, postmaster_pid(postgres))
        asyncio.run(benchmark(args, base, url, key, probe, workdir / "server.log"))
        return 0
    except SetupError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        clean_up(server, postgres, workdir)


if __name__ == "__main__":
    sys.exit(main())
