"""Search benchmark: one clerk's search on 1,000,000 persons, GraphQL against hand-written SQL.

    .venv/bin/python bench/search.py [--persons 1000000] [--samples 200] [--seed 1]

Starts a throwaway PostgreSQL (tests/support/postgres_server.py, fsync off), migrates a database,
COPYs the persons in (about a minute for a million), ANALYZEs, then for each kind of search —
a whole name, a family name and the first character of the given name, a whole ID number, a
masked one, a phone number — times `persons(search: …)` through the ASGI app in this process
(HTTP parsing, token, permissions, cost walk, SQL, access log, JSON) and the same search written
by hand in SQL on a psycopg connection, alternating the two, and prints medians, p95 and their
ratio. Everything it makes is removed afterwards. The data is fixed by the seed: birth dates and
registration times are counted from fixed days, not from today. See bench/README.md.
"""

import argparse
import random
import signal
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `tests` importable
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from tests.support.postgres_server import PostgresServer  # noqa: E402
from yibao.api.app import create_app  # noqa: E402
from yibao.core.auth import Principal, Role, issue  # noqa: E402
from yibao.core.db import make_engine  # noqa: E402
from yibao.core.migrate import installed_years, upgrade  # noqa: E402

COUNTY = "341702"  # 贵池区, whose 22 townships the persons live in
KEY = "bench-search-signing-key-of-32-bytes-or-more"
FIRST_BORN = date(1930, 1, 1)
DAYS = 33_000  # birth dates over some 90 years from FIRST_BORN
REGISTERED = datetime(2021, 9, 1, 8, 0, 0)
# Common family names, and characters of given names: about 100 × 60 × 60 distinct names, so a
# whole name is shared by a few people and a family name by thousands, as in a county.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪"
    "廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉建国红梅志文斌鹏飞云海波宇浩辉婷晶燕琴燕萍鑫亮成龙俊峰"  # noqa: E501
WEIGHTS = (7.0, 5.0) + (3.0,) * 8 + (1.0,) * (len(SURNAMES) - 10)  # 王 and 李 the commonest

SEARCH = """
query($search: String!) {
  persons(search: $search, first: 20) { nodes { id name idNumber phone hukouRegion { code } } }
}"""

# The same searches by hand: the columns the page shows, 21 rows by id, no scope, no GraphQL.
BASELINE = {
    "name": "SELECT id, name, id_number, phone, hukou_region_code FROM person "
    'WHERE name COLLATE "C" >= %s AND name COLLATE "C" < %s ORDER BY id LIMIT 21',
    "id": "SELECT id, name, id_number, phone, hukou_region_code FROM person WHERE id_number = %s "
    "ORDER BY id LIMIT 21",
    "masked": "SELECT id, name, id_number, phone, hukou_region_code FROM person "
    "WHERE substr(id_number, 15) = %s AND substr(id_number, 1, 4) = %s ORDER BY id LIMIT 21",
    "phone": "SELECT id, name, id_number, phone, hukou_region_code FROM person WHERE phone = %s "
    "ORDER BY id LIMIT 21",
}
WEIGHTS_17 = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_digit(body: str) -> str:
    """GB 11643's check digit of 17 digits (ISO 7064 MOD 11-2), without stdnum's per-call cost."""
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS_17, strict=True))
    return "10X98765432"[total % 11]


def person_row(i: int, rng: random.Random, townships: list[str]) -> tuple:
    """Person i: a unique ID number, a name, a phone. The birth day is i mod DAYS; the sequence of
    those born that day (i div DAYS) is spread over 0–499 by a step prime to 500, so numbers end in
    every sequence, as a county's do, and still never repeat."""
    day = i % DAYS
    born = FIRST_BORN + timedelta(days=day)
    male = rng.random() < 0.5
    order = ((i // DAYS) * 37 + day * 7919) % 500 * 2 + (1 if male else 0)
    body = f"{COUNTY}{born:%Y%m%d}{order:03d}"
    surname = rng.choices(SURNAMES, WEIGHTS)[0]
    name = surname + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.8 else "")
    phone = f"1{rng.choice('3578')}{i:09d}"
    return (
        body + check_digit(body),
        name,
        born,
        "M" if male else "F",
        rng.choice(townships),
        phone,
        REGISTERED,
    )


def seed(url: str, count: int, rng: random.Random) -> None:
    started = time.perf_counter()
    with psycopg.connect(url) as connection:
        townships = [
            row[0]
            for row in connection.execute(
                "SELECT code FROM region WHERE parent_code = %s ORDER BY code", (COUNTY,)
            )
        ]
        with connection.cursor() as cursor:
            # With the county of the person's hukou, which migration 0018 made NOT NULL.
            columns = "id_number, name, birth_date, gender, hukou_region_code, phone, created_at, county_code"
            with cursor.copy(f"COPY person ({columns}) FROM STDIN") as copy:
                for i in range(count):
                    row = person_row(i, rng, townships)
                    copy.write_row((*row, COUNTY))
        connection.execute("ANALYZE person")
    print(f"seeded {count:,} persons in {time.perf_counter() - started:.0f} s", flush=True)


def targets(url: str, rng: random.Random, samples: int) -> dict[str, list[tuple]]:
    """What each kind of search looks for: persons drawn at random, by the seed, from the table."""
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT name, id_number, phone FROM person TABLESAMPLE SYSTEM (1) REPEATABLE (%s) LIMIT %s",
            (rng.randrange(1 << 30), samples),
        ).fetchall()
    rng.shuffle(rows)
    return {
        # a name is searched by its beginning: the whole name is the range of names starting with it
        "whole name": [(name, ("name", _prefix(name))) for name, _, _ in rows],
        "family name + 1 character": [(name[:2], ("name", _prefix(name[:2]))) for name, _, _ in rows],
        "whole ID number": [(number, ("id", (number,))) for _, number, _ in rows],
        "masked ID number": [
            (number[:4] + "*" * 10 + number[-4:], ("masked", (number[-4:], number[:4])))
            for _, number, _ in rows
        ],
        "phone": [(phone, ("phone", (phone,))) for _, _, phone in rows],
    }


def _prefix(text_: str) -> tuple[str, str]:
    return text_, text_[:-1] + chr(ord(text_[-1]) + 1)


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def measure(client: TestClient, url: str, cases: dict[str, list[tuple]]) -> list[tuple]:
    results = []
    # Never prepared: a prepared statement's generic plan cannot see which name range is asked and
    # reads the whole table in id order (200 ms); the API's statements are planned per value too.
    with psycopg.connect(url, autocommit=True, prepare_threshold=None) as connection:
        for kind, items in cases.items():
            graphql, baseline, found = [], [], []
            for typed, (form, params) in items:

                def api(typed=typed, found=found):
                    response = client.post("/graphql", json={"query": SEARCH, "variables": {"search": typed}})
                    body = response.json()
                    if response.status_code != 200 or body.get("errors"):
                        raise SystemExit(f"search {typed!r} failed: {response.status_code} {body}")
                    found.append(len(body["data"]["persons"]["nodes"]))

                def sql(form=form, params=params):
                    connection.execute(BASELINE[form], params).fetchall()

                for _ in range(2):  # warm both paths for this value, then measure them alternately
                    api(), sql()
                del found[-2:]  # rows are counted for the measured search only
                graphql.append(timed(api))
                baseline.append(timed(sql))
            results.append((kind, graphql, baseline, statistics.mean(found)))
    return results


def report(results: list[tuple], count: int) -> None:
    print(f"\n{count:,} persons; GraphQL persons(search:, first: 20) vs the same SQL by hand (ms)\n")
    heading = ("search", "rows", "GraphQL p50", "p95", "SQL p50", "p95", "ratio p50")
    print("{:28} {:>5} {:>12} {:>7} {:>8} {:>7} {:>10}".format(*heading))
    for kind, graphql, baseline, rows in results:
        g50, b50 = statistics.median(graphql), statistics.median(baseline)
        print(
            f"{kind:28} {rows:5.1f} {g50:12.2f} {percentile(graphql, 95):7.2f} {b50:8.2f} "
            f"{percentile(baseline, 95):7.2f} {g50 / b50:10.1f}"
        )


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200, help="searches of each kind")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    # `kill` stops the run as Ctrl-C does: through the finally below, which stops PostgreSQL.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    rng = random.Random(args.seed)
    server = PostgresServer()
    engine = None
    try:
        admin_url = server.start()
        admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('CREATE DATABASE "yibao_search"'))
        admin.dispose()
        url = make_url(admin_url).set(database="yibao_search")
        engine = make_engine(url.render_as_string(hide_password=False))
        upgrade(engine, years=installed_years())
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        seed(plain, args.persons, rng)
        cases = targets(plain, rng, args.samples)
        token = issue(KEY, Principal("bench@341702", Role.COUNTY_ADMIN, COUNTY, None))
        app = create_app(engine, key=KEY)
        with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
            report(measure(client, plain, cases), args.persons)
    finally:
        if engine is not None:
            engine.dispose()
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
