"""Sizing: how many bytes a resident's year takes in PostgreSQL, and what a province would need.

    .venv/bin/python bench/sizing.py [--persons 3000] [--residents 50000000]

Starts a throwaway PostgreSQL, migrates it, and runs the real services a campaign runs, so that
every row (audit included) is what production writes: `--persons` residents registered in
households of three in 东至县, each enrolled for 2022 and paying 320.00. It then prints, per table,
the rows written, the bytes they added on disk (heap, TOAST and every index, after VACUUM; an
empty table's pages do not count) and the bytes per resident; and scales that to `--residents`
residents for one coverage year, the basis of the partition and shard sizes in docs/scaling.md.
Nothing depends on today's date.
"""

import argparse
import signal
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from tests.support.factories import id_number  # noqa: E402
from tests.support.postgres_server import PostgresServer  # noqa: E402
from yibao.core.audit import SYSTEM  # noqa: E402
from yibao.core.db import make_engine  # noqa: E402
from yibao.core.migrate import installed_years, upgrade  # noqa: E402
from yibao.core.models import HouseholdMember  # noqa: E402
from yibao.core.services.enrolments import EnrolmentInput, enrol  # noqa: E402
from yibao.core.services.households import HouseholdInput, MemberInput, register_household  # noqa: E402
from yibao.core.services.payments import PaymentInput, record_payment  # noqa: E402
from yibao.core.services.persons import PersonInput  # noqa: E402
from yibao.core.testing.scenarios import registry  # noqa: E402

POLICY, YEAR, PAID_ON = "anhui/341721/2022", 2022, date(2021, 10, 8)  # 东至县's 2022 window
SIZES = """
SELECT r.relname, sum(c.reltuples)::bigint, sum(pg_total_relation_size(c.oid))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class r ON r.oid = coalesce(pg_partition_root(c.oid), c.oid)  -- a partition counts as its table
WHERE n.nspname = 'public' AND c.relkind = 'r' AND r.relname <> 'alembic_version'
GROUP BY r.relname
ORDER BY 3 DESC
"""


def populate(engine, persons: int) -> float:
    """Registers, enrols and pays `persons` residents; the seconds it took."""
    rules, started = registry(), time.perf_counter()
    for first in range(0, persons, 3):
        members = [
            MemberInput(
                PersonInput(
                    name=f"居民{i}",
                    hukou_region_code="341721",
                    phone=f"139{i:08d}",
                    id_number=id_number(born=date(1950, 1, 1) + timedelta(days=i // 400), seq=i % 400),
                ),
                is_head=i == first,
            )
            for i in range(first, min(first + 3, persons))
        ]
        household = register_household(engine, SYSTEM, HouseholdInput("341721", members, "某镇某村某组"))
        with Session(engine) as session:
            people = session.exec(
                select(HouseholdMember.person_id).where(HouseholdMember.household_id == household.id)
            )
            people = list(people)
        for person in people:
            enrolment = enrol(engine, SYSTEM, EnrolmentInput(person, YEAR, POLICY, f"e{person}"), rules)
            paid = PaymentInput(enrolment.id, Decimal("320.00"), PAID_ON, "VILLAGE_CASH", f"p{enrolment.id}")
            record_payment(engine, SYSTEM, paid, rules)
    return time.perf_counter() - started


def measure(engine) -> dict[str, tuple[int, int]]:
    """Table → (rows, bytes on disk with TOAST and indexes), after VACUUM ANALYZE."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
        return {table: (rows, size) for table, rows, size in connection.execute(text(SIZES)).all()}


def report(before: dict, after: dict, persons: int, residents: int) -> None:
    """What the residents added: the empty tables' pages and the seeded regions do not count."""
    grown = {
        table: (rows - before[table][0], size - before[table][1]) for table, (rows, size) in after.items()
    }
    sizes = sorted(
        ((table, rows, size) for table, (rows, size) in grown.items() if rows > 0),
        key=lambda row: -row[2],
    )
    total = sum(size for _, _, size in sizes)
    print(f"\n{'table':<22}{'rows':>9}{'MiB':>9}{'B/row':>8}{'B/resident':>12}{f'GiB at {residents:,}':>20}")
    for table, rows, size in sizes:
        per_resident = size / persons
        print(
            f"{table:<22}{rows:>9}{size / 2**20:>9.1f}{size / rows:>8.0f}{per_resident:>12.0f}"
            f"{per_resident * residents / 2**30:>20.1f}"
        )
    print(f"{'all tables':<22}{'':>9}{total / 2**20:>9.1f}{'':>8}{total / persons:>12.0f}", end="")
    print(f"{total / persons * residents / 2**30:>20.1f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=3000, help="residents written through the services")
    parser.add_argument("--residents", type=int, default=50_000_000, help="the province to scale to")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # `kill` cleans up like Ctrl-C does
    server = PostgresServer()
    try:
        admin = make_engine(server.start(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE yibao_sizing"))
        admin.dispose()
        engine = make_engine(make_url(admin.url).set(database="yibao_sizing").render_as_string(False))
        upgrade(engine, years=installed_years())
        before = measure(engine)
        seconds = populate(engine, args.persons)
        print(
            f"{args.persons} residents registered, enrolled and paid through the services in {seconds:.1f} s"
        )
        report(before, measure(engine), args.persons, args.residents)
        engine.dispose()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
