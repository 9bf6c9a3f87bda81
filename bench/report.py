"""Report benchmark: the core reports over N enrolments on PostgreSQL, beside a hand-written SQL query.

    .venv/bin/python bench/report.py [--enrolments 1000000] [--explain] [--index "CREATE INDEX …"]

Starts a throwaway PostgreSQL like the tests do (tests/postgres_server.py, through
bench/roster_import.Store), migrates it, adds 10 villages under every leaf of 贵阳贵安 (its
districts without townships get two 街道 of five 社区 each, so each region stays one level below its
parent), and bulk-loads with COPY: N persons, N enrolments for coverage year 2022 in
guizhou/520100/2022 spread over the villages in proportion to the notice's targets
(筑医保通〔2021〕34号 附件), their payment ledger and hardship identities for ~8 % of the persons.

It then times `collection_progress` at 520000 (贵阳贵安), 520100 and one district through the real
code path (`registry.reports.run`), best of 3 after a warm-up, beside a hand-written query that
computes the same figures per child unit (paid, registered unpaid, amount) and their total, and
checks that both agree (and agree with the totals the generator expects); exit status 1 if they do not.
`hardship_coverage` and `payments_by_channel` are timed at 520000 too. `--explain` prints
EXPLAIN (ANALYZE, BUFFERS) summaries of every statement the progress report runs; `--index`
creates an index in the benchmark database only and times everything again. See bench/README.md.
"""

import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `tests` and `bench` importable
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402

from bench.roster_import import GIVEN, SURNAMES, Store, _terminate  # noqa: E402
from tests.support.factories import with_check_digit  # noqa: E402
from yibao.core.db import make_engine, transaction  # noqa: E402
from yibao.core.models import Region  # noqa: E402
from yibao.core.reports.catalog import REPORT_SETTINGS  # noqa: E402

YEAR = 2022
POLICY_ID = "guizhou/520100/2022"  # plugins/guizhou/guiyang_2022.py
TOP = "520000"  # 贵州省: its children are 贵阳市 (520100) and 贵安新区 (520190), i.e. 贵阳贵安
CITY = "520100"
DISTRICT = "520111"  # 花溪区: two 片区 (townships) below it
# 筑医保通〔2021〕34号 三: the centralized window opens at the end of September 2021 and closes 2022-03-31.
OPENS, FIRST_PAYMENT, CLOSES = date(2021, 9, 30), date(2021, 10, 1), date(2022, 3, 31)
SHARE_FEN = 32000  # 一: the individual share, 320 yuan
# Hardship identities: (code, share of all persons, subsidy in fen, asserting department).
# Subsidies per 筑医保通〔2021〕34号 二（一）1 (140), 二（一）2 (320), 二（一）3 (60), 二（二）2 (the whole
# share); the shares of the population are the benchmark's own assumption (8 % in all).
HARDSHIP = (
    ("MINIMUM_LIVING", 0.030, 32000, "CIVIL_AFFAIRS"),
    ("OUT_OF_POVERTY", 0.025, 14000, "RURAL_REVITALIZATION"),
    ("LOW_INCOME_FAMILY_VULNERABLE", 0.015, 6000, "CIVIL_AFFAIRS"),
    ("EXTREME_POVERTY", 0.006, 32000, "CIVIL_AFFAIRS"),
    ("STABLE_OUT_OF_POVERTY", 0.003, 14000, "RURAL_REVITALIZATION"),
    ("ORPHAN", 0.001, 32000, "CIVIL_AFFAIRS"),
)
# The notice's channels (四（二）, 四（三）, 五（一）) with the benchmark's assumed shares.
CHANNELS = (("TAX_MULTI_CHANNEL", 80), ("VILLAGE_CASH", 15), ("SCHOOL", 5))
CHANNEL_OF = [code for code, weight in CHANNELS for _ in range(weight)]
# What became of an enrolment.
PAID, UNPAID, TERMINATED_PAID, TERMINATED_UNPAID, REVERSED, REPAID = range(6)
PAID_SHARE, TERMINATED_SHARE = 0.92, 0.01  # the rest stays ENROLLED, unpaid
BORN_FROM, BIRTH_DAYS = date(1940, 1, 1), 29_200  # 80 years of birth dates


# ---------------------------------------------------------------- the data


@dataclass
class Village:
    code: str
    county: str  # the receipt region (core.regions.county_of)
    weight: float


@dataclass
class Plan:
    """Every person's village, identity and fate, drawn once so that each COPY sees the same data."""

    size: int
    as_of: date
    villages: list[Village]
    village: array = field(default_factory=lambda: array("H"))
    hardship: array = field(default_factory=lambda: array("b"))  # index into HARDSHIP, -1 none
    fate: array = field(default_factory=lambda: array("b"))
    day: array = field(default_factory=lambda: array("H"))  # days after FIRST_PAYMENT: paid or enrolled
    # What the generator expects the whole region's reports to say (filled while writing rows):
    # progress totals, and per hardship code and per channel.
    expected: Counter = field(default_factory=Counter)
    hardship_expected: dict = field(default_factory=dict)  # code → Counter(holders, enrolled, paid)
    channel_expected: dict = field(default_factory=dict)  # channel → Counter(payments, reversals, amount)
    sequences: dict[str, int] = field(default_factory=dict)  # receipt counters per county, once written
    # 1 where the enrolment is on the roster on the as-of date (core/reports/counting.py on_roster)
    on_roster: bytearray = field(default_factory=bytearray)


def draw(size: int, villages: list[Village], as_of: date, seed: int) -> Plan:
    rng = random.Random(seed)
    plan = Plan(size, as_of, villages)
    cumulative, total = [], 0.0
    for village in villages:
        total += village.weight
        cumulative.append(total)
    thresholds, share = [], 0.0
    for _, part, _, _ in HARDSHIP:
        share += part
        thresholds.append(share)
    window = (CLOSES - FIRST_PAYMENT).days
    for _ in range(size):
        plan.village.append(min(_bisect(cumulative, rng.random() * total), len(villages) - 1))
        r = rng.random()
        plan.hardship.append(next((k for k, t in enumerate(thresholds) if r < t), -1))
        r = rng.random()
        if r < PAID_SHARE:
            fate = PAID
        elif r < PAID_SHARE + TERMINATED_SHARE:
            fate = TERMINATED_PAID if rng.random() < 0.5 else TERMINATED_UNPAID
        else:
            fate = UNPAID
        plan.fate.append(fate)
        # Most money comes in early in the window (October–December).
        plan.day.append(int(rng.triangular(0, window + 1, 40)))
    # A few hundred payments reversed (about 3 per 10,000); half of those paid again.
    paid = [i for i in rng.sample(range(size), min(size, max(20, size // 1000))) if plan.fate[i] == PAID]
    for n, i in enumerate(paid[: max(10, size * 3 // 10_000)]):
        plan.fate[i] = REPAID if n % 2 else REVERSED
    return plan


def _bisect(cumulative: list[float], value: float) -> int:
    low, high = 0, len(cumulative)
    while low < high:
        middle = (low + high) // 2
        if cumulative[middle] <= value:
            low = middle + 1
        else:
            high = middle
    return low


def person_rows(plan: Plan, now: datetime):
    for i in range(plan.size):
        village = plan.villages[plan.village[i]]
        born = BORN_FROM + timedelta(days=i % BIRTH_DAYS)
        male = (i // 7) % 2
        order = (i // BIRTH_DAYS) * 2 + male  # unique with the birth date; odd for men (GB 11643)
        number = with_check_digit(f"{village.county[:6]}{born:%Y%m%d}{order:03d}")
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 20) % len(GIVEN)] + GIVEN[(i // 500) % len(GIVEN)]
        yield i + 1, number, name, born, "M" if male else "F", village.code, now


def _amounts(plan: Plan, i: int) -> tuple[int, int, str | None]:
    """(amount due, subsidy, subsidy category) in fen, as the quote gives them."""
    k = plan.hardship[i]
    if k < 0:
        return SHARE_FEN, 0, None
    code, _, subsidy, _ = HARDSHIP[k]
    return SHARE_FEN - subsidy, subsidy, code


def _paid_on(plan: Plan, i: int) -> date:
    return FIRST_PAYMENT + timedelta(days=plan.day[i])


def _since(i: int) -> date:
    return date(2021, 1, 1) + timedelta(days=i % 270)  # recognised before the September roster


def _holds(plan: Plan, i: int) -> str | None:
    """The hardship code person i holds on the as-of date (core/reports/source.py identities)."""
    k = plan.hardship[i]
    return HARDSHIP[k][0] if k >= 0 and _since(i) <= plan.as_of else None


def _terminated_on(i: int) -> date:
    return date(2022, 1, 1) + timedelta(days=(i * 7) % 181)  # some after the as-of date: still live then


def enrolment_rows(plan: Plan, now: datetime):
    plan.on_roster = bytearray(plan.size)
    for i in range(plan.size):
        village = plan.villages[plan.village[i]]
        fate = plan.fate[i]
        due, subsidy, category = _amounts(plan, i)
        status = {
            PAID: "PAID",
            REPAID: "PAID",
            TERMINATED_PAID: "TERMINATED",
            TERMINATED_UNPAID: "TERMINATED",
        }
        status = status.get(fate, "ENROLLED")
        enrolled_on = max(OPENS, _paid_on(plan, i) - timedelta(days=i % 8))
        terminated_on = _terminated_on(i) if status == "TERMINATED" else None
        channel = CHANNEL_OF[(i * 37) % len(CHANNEL_OF)]
        snapshot = {  # about the size the enrolment service keeps (core/services/enrolments.py)
            "policyId": POLICY_ID,
            "policyVersion": "0123456789abcdef",
            "documents": ["筑医保通〔2021〕34号"],
            "tier": "1",
            "regionCode": village.code,
            "facts": {"categories": [category] if category else [], "events": []},
            "quote": {
                "accepted": True,
                "amountDue": f"{due / 100:.2f}",
                "subsidy": f"{subsidy / 100:.2f}",
                "subsidyCategory": category,
                "subsidyMethod": "UPFRONT",
                "on": enrolled_on.isoformat(),
                "citations": ["筑医保通〔2021〕34号 一", "筑医保通〔2021〕34号 三"],
            },
        }
        if enrolled_on <= plan.as_of and (terminated_on is None or terminated_on > plan.as_of):
            plan.expected["enrolled"] += 1
            plan.on_roster[i] = 1
        if held := _holds(plan, i):
            counts = plan.hardship_expected.setdefault(held, Counter())
            counts["holders"] += 1
            counts["enrolled"] += plan.on_roster[i]
        # The ledger's summary the payment triggers would have written (migration 0011; triggers
        # are off during COPY): payment_rows' first payment, and whether it was reversed.
        paid = fate not in (UNPAID, TERMINATED_UNPAID)
        yield (
            i + 1, i + 1, YEAR, village.code, POLICY_ID, "1", status,
            json.dumps(snapshot, ensure_ascii=False), f"bench-enrolment-{i + 1}", channel, enrolled_on,
            due, subsidy, category, "UPFRONT",
            terminated_on, "参加职工医保" if terminated_on else None, now,
            _paid_on(plan, i) if paid else None, due if paid else None, fate in (REVERSED, REPAID),
        )  # fmt: skip


def payment_rows(plan: Plan, now: datetime):
    """One PAYMENT per paid enrolment; a reversed one has its REVERSAL right after it (and maybe a
    second PAYMENT), receipt numbers per county and year as core/receipts.py draws them."""
    seq: Counter = Counter()
    payment_id = 0
    live = 0  # person i's net payments on the as-of date

    def entry(
        i: int, kind: str, amount: int, on: date, reverses: int | None = None, replaces: int | None = None
    ):
        nonlocal payment_id, live
        village = plan.villages[plan.village[i]]
        payment_id += 1
        seq[village.county] += 1
        channel = CHANNEL_OF[(i * 37) % len(CHANNEL_OF)]
        if on <= plan.as_of:
            plan.expected["amount"] += amount
            live += 1 if kind == "PAYMENT" else -1
            counts = plan.channel_expected.setdefault(channel, Counter())
            counts["payments" if kind == "PAYMENT" else "reversals"] += 1
            counts["amount"] += amount
        return (
            payment_id, i + 1, kind, amount, on, channel, "代收员" if channel == "VILLAGE_CASH" else None,
            village.county, YEAR, seq[village.county], f"{village.county}-{YEAR}-{seq[village.county]:08d}",
            f"bench-payment-{payment_id}", reverses, "退费重缴" if reverses else None, now, replaces,
        )  # fmt: skip

    for i in range(plan.size):
        fate = plan.fate[i]
        if fate in (UNPAID, TERMINATED_UNPAID):
            continue
        due = _amounts(plan, i)[0]
        paid_on = _paid_on(plan, i)
        live = 0
        yield entry(i, "PAYMENT", due, paid_on)
        if fate in (REVERSED, REPAID):
            original = payment_id
            reversed_on = min(CLOSES, paid_on + timedelta(days=1 + i % 14))
            yield entry(i, "REVERSAL", -due, reversed_on, reverses=original)
            if fate == REPAID:  # takes the slot the reversal freed (uq_payment_first_slot, issue 12)
                again = min(CLOSES, reversed_on + timedelta(days=1 + i % 5))
                yield entry(i, "PAYMENT", due, again, replaces=payment_id)
        if plan.on_roster[i] and live > 0:  # paid: on the roster with a standing payment
            plan.expected["paid"] += 1
            if held := _holds(plan, i):
                plan.hardship_expected[held]["paid"] += 1
    plan.sequences = dict(seq)


def fact_rows(plan: Plan, now: datetime):
    """With the county of the person's village: a fact lies on its person's shard (migration 0019)."""
    for i in range(plan.size):
        k = plan.hardship[i]
        if k >= 0:
            code, _, _, department = HARDSHIP[k]
            county = plan.villages[plan.village[i]].code[:6]
            yield i + 1, code, _since(i), None, f"{department}:2021-09-30", None, None, now, county


# ---------------------------------------------------------------- loading


COPIES = {
    "person": ("id", "id_number", "name", "birth_date", "gender", "hukou_region_code", "created_at"),
    "enrolment": (
        "id", "person_id", "coverage_year", "region_code", "policy_id", "tier", "status", "snapshot",
        "idempotency_key", "channel", "enrolled_on", "amount_due_fen", "subsidy_fen", "subsidy_category",
        "method", "terminated_on", "termination_reason", "created_at",
        "first_paid_on", "first_paid_fen", "ledger_reversed",
    ),
    "payment": (
        "id", "enrolment_id", "kind", "amount_fen", "paid_on", "channel", "collector", "receipt_region_code",
        "coverage_year", "receipt_seq", "receipt_number", "idempotency_key", "reverses_payment_id", "reason",
        "created_at", "replaces_reversal_id",
    ),
    "category_fact": (
        "person_id", "code", "since", "until", "source", "grade", "import_job_id", "created_at",
        "county_code",
    ),
}  # fmt: skip
# Each row's county code (migration 0018), from the region column it already has: what yibao's
# services state (core/distribution.py), appended to the row as it is copied.
COUNTY_FROM = {"person": "hukou_region_code", "enrolment": "region_code", "payment": "receipt_region_code"}


def add_villages(engine) -> list[Village]:
    """10 villages under every leaf of 贵阳贵安, weighted by the leaf's target (筑医保通〔2021〕34号 附件)."""
    from yibao.plugins.guizhou.guiyang_2022_targets import DISTRICTS

    with transaction(engine) as session:
        regions = session.execute(
            text("SELECT code, parent_code, level, name, path FROM region WHERE path LIKE :p ORDER BY code"),
            {"p": f"/{TOP}/%"},
        ).all()
        parents = {r.parent_code for r in regions}
        leaves = [r for r in regions if r.code not in parents and r.level in ("county", "township")]
        rows, villages = [], []

        def add(parent, code: str, level: str, name: str) -> dict:
            row = {"code": code, "parent_code": parent["code"], "level": level, "name": name}
            row["path"] = f"{parent['path']}{code}/"
            rows.append(row)
            return row

        for leaf in leaves:
            weight = DISTRICTS[leaf.code] / 10
            parent = dict(leaf._mapping)
            if leaf.level == "county":  # a district's 社区 lie in its 街道: two of five each
                for s in (1, 2):
                    street = add(parent, f"{leaf.code}{s:03d}", "township", f"{leaf.name}第{s}街道")
                    for v in range(1, 6):
                        add(street, f"{street['code']}{v:03d}", "village", f"{street['name']}第{v}社区")
                        villages.append(Village(rows[-1]["code"], leaf.code, weight))
            else:
                for v in range(1, 11):
                    add(parent, f"{leaf.code}{v:03d}", "village", f"{leaf.name}第{v}村")
                    villages.append(Village(rows[-1]["code"], leaf.parent_code, weight))
        session.execute(Region.__table__.insert(), rows)
    return villages


def copy(engine, table: str, rows) -> tuple[int, float]:
    """COPY rows into table with foreign-key triggers off (checked afterwards by `check_references`:
    one anti-join per key instead of a lookup per row); (rows, seconds). Unique keys still hold."""
    started, count = time.perf_counter(), 0
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            columns = COPIES[table] + (("county_code",) if table in COUNTY_FROM else ())
            region = COPIES[table].index(COUNTY_FROM[table]) if table in COUNTY_FROM else None
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as stream:
                for row in rows:
                    stream.write_row(row if region is None else (*row, row[region][:6]))
                    count += 1
        raw.driver_connection.commit()
    finally:
        raw.close()
    return count, time.perf_counter() - started


FOREIGN_KEYS = """
SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, r.attname
FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
JOIN pg_attribute r ON r.attrelid = c.confrelid AND r.attnum = c.confkey[1]
WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND c.conrelid::regclass::text IN :tables
"""


def check_references(connection) -> None:
    """Every foreign key of the loaded tables holds, as the skipped triggers would have made sure."""
    from sqlalchemy import bindparam

    keys = connection.execute(
        text(FOREIGN_KEYS).bindparams(bindparam("tables", expanding=True)), {"tables": list(COPIES)}
    ).all()
    for table, column, target, key in keys:
        dangling = connection.execute(
            text(
                f"SELECT count(*) FROM {table} x WHERE x.{column} IS NOT NULL "
                f"AND NOT EXISTS (SELECT 1 FROM {target} y WHERE y.{key} = x.{column})"
            )
        ).scalar_one()
        if dangling:
            raise RuntimeError(f"{dangling} rows of {table}.{column} point at no {target}.{key}")


SUMMARY_DIFFERS = """
SELECT count(*) FROM enrolment e LEFT JOIN (
  SELECT enrolment_id,
         max(paid_on) FILTER (WHERE kind = 'PAYMENT' AND replaces_reversal_id IS NULL) AS first_on,
         max(amount_fen) FILTER (WHERE kind = 'PAYMENT' AND replaces_reversal_id IS NULL) AS first_fen,
         bool_or(kind = 'REVERSAL') AS reversed
  FROM payment GROUP BY enrolment_id) l ON l.enrolment_id = e.id
WHERE e.first_paid_on IS DISTINCT FROM l.first_on OR e.first_paid_fen IS DISTINCT FROM l.first_fen
   OR e.ledger_reversed <> coalesce(l.reversed, false)
"""


def check_summary(connection) -> None:
    """Each enrolment's ledger summary is what its ledger says, as the skipped triggers keep it."""
    differ = connection.execute(text(SUMMARY_DIFFERS)).scalar_one()
    if differ:
        raise RuntimeError(f"{differ} enrolments' ledger summary differs from their payments")


def load(engine, plan: Plan) -> list[tuple[str, int, float]]:
    now = datetime.now(UTC)
    loaded = []
    for table, rows in (
        ("person", person_rows(plan, now)),
        ("enrolment", enrolment_rows(plan, now)),
        ("payment", payment_rows(plan, now)),
        ("category_fact", fact_rows(plan, now)),
    ):
        count, seconds = copy(engine, table, rows)
        loaded.append((table, count, seconds))
        print(f"  COPY {table}: {count} rows in {seconds:.1f} s", flush=True)
    started = time.perf_counter()
    with engine.begin() as connection:
        check_references(connection)
        check_summary(connection)
    loaded.append(("foreign keys check", 0, time.perf_counter() - started))
    print(f"  foreign keys checked in {loaded[-1][2]:.1f} s", flush=True)
    with engine.begin() as connection:
        for table in ("person", "enrolment", "payment", "category_fact"):
            connection.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
        connection.execute(
            text(
                "INSERT INTO receipt_sequence (region_code, coverage_year, last_value, county_code) "
                "VALUES (:r, :y, :v, :c)"
            ),
            [{"r": county, "y": YEAR, "v": last, "c": county[:6]} for county, last in plan.sequences.items()],
        )
    started = time.perf_counter()
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    with autocommit.connect() as connection:  # as autovacuum would have left it: statistics, visibility map
        connection.execute(text("VACUUM (ANALYZE)"))
    loaded.append(("VACUUM (ANALYZE)", 0, time.perf_counter() - started))
    print(f"  VACUUM (ANALYZE) in {loaded[-1][2]:.1f} s", flush=True)
    return loaded


# ---------------------------------------------------------------- the hand-written query

# Per child unit of the asked region: live enrolments, net paid count and net amount on the as-of
# date, then the whole region's total (rows registered on the region itself included). A region's
# unit is the path segment right after the asked region's path. Written from the table
# definitions (core/models/enrolment.py, payment.py, region.py), not from the report's code. The
# asked region's path is looked up first and bound as a constant, as the report source does, so
# the planner can estimate the subtree from region.path's statistics.
PROGRESS_SQL = """
WITH places AS (
    SELECT code AS region_code,
           nullif(split_part(substr(path, length(CAST(:path AS text)) + 1), '/', 1), '') AS unit_code
    FROM region
    WHERE path LIKE :prefix
),
ledger AS (
    SELECT p.enrolment_id,
           sum(CASE p.kind WHEN 'PAYMENT' THEN 1 ELSE -1 END) AS standing,
           sum(p.amount_fen) AS amount
    FROM payment p
    WHERE p.coverage_year = :year AND p.paid_on <= :day
    GROUP BY p.enrolment_id
),
per_unit AS (
    SELECT pl.unit_code,
           count(*) FILTER (WHERE e.on_roster)
           - count(*) FILTER (WHERE e.on_roster AND e.accepted AND l.standing > 0) AS registered_unpaid,
           count(*) FILTER (WHERE e.on_roster AND e.accepted AND l.standing > 0) AS paid,
           coalesce(sum(l.amount), 0) AS amount
    FROM (
        SELECT id, region_code,
               (enrolled_on IS NULL OR enrolled_on <= :day)
               AND (status <> 'TERMINATED' OR terminated_on > :day) AS on_roster,
               amount_due_fen IS NOT NULL AS accepted
        FROM enrolment
        WHERE coverage_year = :year
    ) e
    JOIN places pl ON pl.region_code = e.region_code
    LEFT JOIN ledger l ON l.enrolment_id = e.id
    GROUP BY pl.unit_code
)
SELECT code, paid, registered_unpaid, amount FROM (
    SELECT 0 AS is_total, u.code, coalesce(pu.paid, 0) AS paid,
           coalesce(pu.registered_unpaid, 0) AS registered_unpaid, coalesce(pu.amount, 0) AS amount
    FROM region u
    LEFT JOIN per_unit pu ON pu.unit_code = u.code
    WHERE u.parent_code = :code
    UNION ALL
    SELECT 1, CAST(:code AS varchar),
           coalesce(sum(paid), 0), coalesce(sum(registered_unpaid), 0), coalesce(sum(amount), 0)
    FROM per_unit
) AS progress
ORDER BY is_total, code
"""


def progress_parameters(connection, code: str, as_of: date) -> dict:
    path = connection.execute(text("SELECT path FROM region WHERE code = :code"), {"code": code}).scalar_one()
    # Region codes are digits: the path holds no LIKE wildcard to escape.
    return {"code": code, "path": path, "prefix": f"{path}%", "year": YEAR, "day": as_of}


def progress_by_hand(engine, code: str, as_of: date) -> list[tuple]:
    with engine.connect() as connection:
        rows = connection.execute(text(PROGRESS_SQL), progress_parameters(connection, code, as_of)).all()
    return [(c, int(e), int(p), int(a)) for c, e, p, a in rows]


# ---------------------------------------------------------------- timing


@dataclass
class Timing:
    report: str
    region: str
    yibao_ms: float
    hand_ms: float | None = None
    check: str = ""

    @property
    def ratio(self) -> float | None:
        return self.yibao_ms / self.hand_ms if self.hand_ms else None


def best_of(function, repeat: int = 3):
    """(best milliseconds of `repeat` runs after one warm-up, the last result)."""
    result = function()
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best * 1000, result


def run_report(engine, registry, name: str, code: str, as_of: date):
    from yibao.core.reports import ReportArgs
    from yibao.core.scope import Scope

    with transaction(engine) as session:
        return registry.reports.run(
            session, Scope(path=None), registry, registry.reports.get(name), ReportArgs(code, YEAR, as_of)
        )


def progress_of(result) -> list[tuple]:
    """(code, paid, registered unpaid, amount in fen) of the report's unit rows and its total."""
    rows = result.dicts()
    return [
        (r["unit_code"], r["paid"], r["registered_unpaid"], int(Decimal(r["amount"]) * 100)) for r in rows
    ]


def measure(engine, registry, plan: Plan, regions: list[str]) -> list[Timing]:
    timings = []
    for code in regions:
        yibao_ms, result = best_of(
            lambda c=code: run_report(engine, registry, "collection_progress", c, plan.as_of)
        )
        hand_ms, by_hand = best_of(lambda c=code: progress_by_hand(engine, c, plan.as_of))
        ours = progress_of(result)
        check = "ok" if ours == by_hand else "DIFFERENT"
        if check != "ok":
            print(f"collection_progress {code}: yibao and hand-written differ", file=sys.stderr)
            for a, b in zip(ours, by_hand, strict=False):
                print(f"  {a} {'==' if a == b else '!='} {b}", file=sys.stderr)
            if len(ours) != len(by_hand):
                print(f"  {len(ours)} rows against {len(by_hand)}", file=sys.stderr)
        if code == TOP:
            total = ours[-1][1:]
            paid, on_roster = plan.expected["paid"], plan.expected["enrolled"]
            expected = (paid, on_roster - paid, plan.expected["amount"])
            if total != expected:
                check = f"{check}; total {total} != generated {expected}"
                print(f"collection_progress {code}: total {total}, generated {expected}", file=sys.stderr)
        timings.append(Timing("collection_progress", code, yibao_ms, hand_ms, check))
        print(f"  collection_progress {code}: {yibao_ms:.0f} ms / {hand_ms:.0f} ms  {check}", flush=True)
    for name, generated in (
        ("hardship_coverage", hardship_generated),
        ("payments_by_channel", channels_generated),
    ):
        yibao_ms, result = best_of(lambda n=name: run_report(engine, registry, n, TOP, plan.as_of))
        found, expected = generated(result, plan)
        check = "ok" if found == expected else "DIFFERENT from the generator"
        if check != "ok":
            print(f"{name} {TOP}: report {found}\n  generated {expected}", file=sys.stderr)
        timings.append(Timing(name, TOP, yibao_ms, check=check))
        print(f"  {name} {TOP}: {yibao_ms:.0f} ms  {check}", flush=True)
    return timings


def hardship_generated(result, plan: Plan) -> tuple[dict, dict]:
    """(code → (holders, paid, registered unpaid)) from the report and from the generator."""
    found = {r["category"]: (r["holders"], r["paid"], r["registered_unpaid"]) for r in result.dicts()}
    counts = plan.hardship_expected
    return found, {code: (c["holders"], c["paid"], c["enrolled"] - c["paid"]) for code, c in counts.items()}


def channels_generated(result, plan: Plan) -> tuple[dict, dict]:
    """(channel → (payments, reversals, amount in fen)) from the report and from the generator."""
    found = {
        r["channel"]: (r["payments"], r["reversals"], int(Decimal(r["amount"]) * 100)) for r in result.dicts()
    }
    counts = plan.channel_expected
    return found, {ch: (c["payments"], c["reversals"], c["amount"]) for ch, c in counts.items()}


# ---------------------------------------------------------------- EXPLAIN


def captured_statements(engine, registry, name: str, code: str, as_of: date) -> list[tuple[str, dict]]:
    """The SELECTs one run of the report sends, with their parameters."""
    seen = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        run_report(engine, registry, name, code, as_of)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return [(s, p) for s, p in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def explain(engine, statement: str, parameters, settings: dict[str, str] | None = None) -> dict:
    """The plan of `statement` as run, with `settings` SET LOCAL first (a report's are
    core/reports/catalog.py REPORT_SETTINGS: without them the plan is not the one the report runs)."""
    with engine.connect() as connection:
        for name, value in (settings or {}).items():
            connection.exec_driver_sql(f"SET LOCAL {name} = '{value}'")
        return connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters
        ).scalar_one()[0]


def _nodes(node: dict):
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def _inclusive(node: dict) -> float:
    return node.get("Actual Total Time", 0) * node.get("Actual Loops", 1)


def _self_times(root: dict) -> list[tuple[float, dict]]:
    """(milliseconds spent in the node itself, node), over all its loops.

    A CTE's plan hangs under the node owning it but runs inside the first CTE Scan that reads it,
    so its time is taken off that scan rather than off the owner; other children (InitPlans and
    SubPlans included) run inside their parent.
    """
    ctes = {n["Subplan Name"][4:]: n for n in _nodes(root) if n.get("Subplan Name", "").startswith("CTE ")}
    charged: set[str] = set()
    times = []
    for node in _nodes(root):
        spent = _inclusive(node)
        for child in node.get("Plans", ()):
            if not child.get("Subplan Name", "").startswith("CTE "):
                spent -= _inclusive(child)
        name = node.get("CTE Name")
        if node["Node Type"] == "CTE Scan" and name in ctes and name not in charged:
            charged.add(name)
            spent -= _inclusive(ctes[name])
        times.append((max(0.0, spent), node))
    return times


def _describe(node: dict) -> str:
    what = node["Node Type"]
    if "Relation Name" in node:
        what += f" on {node['Relation Name']}"
    if "Index Name" in node:
        what += f" using {node['Index Name']}"
    extra = []
    for key in ("Filter", "Index Cond", "Hash Cond", "Join Filter"):
        if key in node:
            extra.append(f"{key.lower()}: {node[key][:90]}")
    if node.get("Temp Written Blocks"):
        extra.append(f"temp written {node['Temp Written Blocks']} blocks")
    if node.get("Rows Removed by Filter"):
        extra.append(f"removed by filter {node['Rows Removed by Filter']}")
    return what + (f" ({'; '.join(extra)})" if extra else "")


def print_plan(label: str, plan: dict, top: int = 4) -> None:
    root = plan["Plan"]
    nodes = list(_nodes(root))
    hit = root.get("Shared Hit Blocks", 0)
    read = root.get("Shared Read Blocks", 0)
    temp = sum(n.get("Temp Written Blocks", 0) for n in nodes)
    print(
        f"  {label}: execution {plan['Execution Time']:.1f} ms, planning {plan['Planning Time']:.1f} ms, "
        f"{len(nodes)} nodes, buffers hit {hit} read {read}, temp written {temp}"
    )
    for spent, node in sorted(_self_times(root), key=lambda pair: -pair[0])[:top]:
        rows = node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
        print(f"      {spent:8.1f} ms self  {rows:>9} rows  {_describe(node)}")
    print("      (self time and rows of a parallel node are summed over its workers)")


def explain_all(engine, registry, as_of: date, regions: list[str]) -> None:
    for code in regions:
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) collection_progress {code}, statements over 1 ms:")
        for n, (statement, parameters) in enumerate(
            captured_statements(engine, registry, "collection_progress", code, as_of), start=1
        ):
            plan = explain(engine, statement, parameters, REPORT_SETTINGS)
            if plan["Execution Time"] >= 1:
                print_plan(f"yibao statement {n}", plan)
        with engine.connect() as connection:
            parameters = progress_parameters(connection, code, as_of)
        hand = explain(engine, _driver_sql(engine, PROGRESS_SQL), parameters)
        print_plan("hand-written", hand)


def _driver_sql(engine, sql: str) -> str:
    """The text() query with :name turned into the driver's %(name)s placeholders."""
    return str(text(sql).compile(dialect=engine.dialect))


# ---------------------------------------------------------------- output


def print_table(title: str, timings: list[Timing]) -> None:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{title} (load average now {load} on {os.cpu_count()} CPUs)")
    print(f"{'report':<22} {'region':<7} {'yibao ms':>9} {'hand-written ms':>16} {'ratio':>6}  check")
    for t in timings:
        hand = f"{t.hand_ms:16.0f}" if t.hand_ms is not None else f"{'-':>16}"
        ratio = f"{t.ratio:6.2f}" if t.ratio is not None else f"{'-':>6}"
        print(f"{t.report:<22} {t.region:<7} {t.yibao_ms:9.0f} {hand} {ratio}  {t.check}")


def print_setup(engine, loaded, seed_seconds: float) -> None:
    with engine.connect() as connection:
        version = connection.execute(text("SHOW server_version")).scalar_one()
        settings = {
            name: connection.execute(text(f"SHOW {name}")).scalar_one()
            for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather")
        }
        counts = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM region WHERE level = 'village' AND path LIKE '/520000/%'),"
                " (SELECT count(*) FROM enrolment WHERE status = 'PAID'),"
                " (SELECT count(*) FROM enrolment WHERE status = 'TERMINATED'),"
                " (SELECT count(*) FROM payment WHERE kind = 'REVERSAL')"
            )
        ).one()
        width = connection.execute(
            text("SELECT avg(pg_column_size(e.*)), avg(pg_column_size(e.snapshot)) FROM enrolment e")
        ).one()
        sizes = {
            table: connection.execute(text(f"SELECT pg_total_relation_size('{table}')")).scalar_one()
            for table in ("person", "enrolment", "payment", "category_fact")
        }
    print(
        f"\nPostgreSQL {version}, {', '.join(f'{k} {v}' for k, v in settings.items())}; {os.cpu_count()} CPUs"
    )
    print(f"{'load step':<18} {'rows':>9} {'s':>7}  table+indexes MiB")
    for table, count, seconds in loaded:
        size = f"{sizes[table] / 2**20:.0f}" if table in sizes else ""
        print(f"{table:<18} {count:>9} {seconds:7.1f}  {size}")
    print(f"{'(all, with villages)':<18} {'':>9} {seed_seconds:7.1f}")
    villages, paid, terminated, reversals = counts
    print(f"{villages} villages; enrolments PAID {paid}, TERMINATED {terminated}; {reversals} reversals")
    print(f"an enrolment row is {width[0]:.0f} bytes on average, {width[1]:.0f} of them its JSON snapshot")


# ---------------------------------------------------------------- main


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enrolments", type=int, default=1_000_000, help="persons and enrolments (1000000)")
    parser.add_argument("--as-of", type=date.fromisoformat, default=CLOSES, help="report date (2022-03-31)")
    parser.add_argument(
        "--district", default=DISTRICT, help=f"the district timed (default {DISTRICT} 花溪区)"
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) summaries")
    parser.add_argument(
        "--index",
        action="append",
        default=[],
        metavar="SQL",
        help="CREATE INDEX … in the benchmark database, then time again (repeatable)",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.enrolments < 1000:
        parser.error("--enrolments must be at least 1000")
    if any(not sql.lstrip().upper().startswith("CREATE INDEX") for sql in args.index):
        parser.error("--index takes CREATE INDEX statements only")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)  # `kill` cleans up like Ctrl-C does
    workdir = Path(tempfile.mkdtemp(prefix="yibao-bench-report-"))
    store = engine = None
    try:
        from yibao.core.plugins import load_registry

        store = Store(workdir, postgres=True)
        store.migrate()
        engine = make_engine(store.seed_url)
        started = time.perf_counter()
        villages = add_villages(engine)
        plan = draw(args.enrolments, villages, args.as_of, args.seed)
        print(
            f"PostgreSQL: {len(villages)} villages, plan drawn in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        loaded = load(engine, plan)
        seed_seconds = time.perf_counter() - started
        print_setup(engine, loaded, seed_seconds)
        registry = load_registry()
        regions = [TOP, CITY, args.district]
        print("\ntiming (best of 3 after a warm-up):", flush=True)
        timings = measure(engine, registry, plan, regions)
        print_table(f"{args.enrolments} enrolments, as of {args.as_of}", timings)
        if args.explain:
            explain_all(engine, registry, args.as_of, regions)
        if args.index:
            with engine.begin() as connection:
                for sql in args.index:
                    began = time.perf_counter()
                    connection.execute(text(sql))
                    print(f"\n{sql}  ({time.perf_counter() - began:.1f} s)")
            with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
                connection.execute(text("ANALYZE"))
            print("\ntiming again:", flush=True)
            again = measure(engine, registry, plan, regions)
            print_table(f"with {len(args.index)} index(es) added by hand", again)
            if args.explain:
                explain_all(engine, registry, args.as_of, regions)
            timings += again
        return 0 if all(t.check == "ok" for t in timings) else 1
    except KeyboardInterrupt:
        print("bench: interrupted; cleaning up", file=sys.stderr)
        return 130
    except RuntimeError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    finally:
        if engine is not None:
            engine.dispose()
        if store is not None:
            try:
                store.stop()
            except Exception as error:  # never started: nothing left to stop
                print(f"bench: stopping PostgreSQL: {error}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
