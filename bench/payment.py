"""Payment benchmark: the `record_payment` service beside a hand-written transaction doing the same.

    .venv/bin/python bench/payment.py              # PostgreSQL (a throwaway server, fsync off)
    .venv/bin/python bench/payment.py --sqlite     # the embedded store (a SQLite file)
    .venv/bin/python bench/payment.py --households 300 --warmup 20 --rounds 3

Seeds, through the services, `--households` households of three in 341721 东至县, every member
enrolled for 2022 in `anhui/341721/2022` (dates from the notice's window, never today's). Then it
pays the enrolments one by one, alternating between

- **yibao**: `core.services.payments.record_payment` with a VILLAGE_CLERK of 341721 (its scope,
  the enrolment lock, the idempotency key, the household rule, the quote, the receipt, the ledger
  row, the enrolment's status and quote, the entitlement and the audit trail);
- **by hand**: one transaction of SQL written from the table definitions on a connection of the
  same engine (so the same pool, pragmas and `BEGIN IMMEDIATE` on SQLite): the same checks and the
  same rows — the enrolment locked (`FOR UPDATE` on PostgreSQL) within the clerk's region, the key
  looked up within it, the household's other members and their status, the person's facts and
  the rules engine's quote checked against the amount, the free slot (`uq_payment_first_slot`),
  the receipt counter, the payment, the enrolment's status and kept quote, the entitlement, and
  one audit row per change (the same before/after images) in one INSERT;

and prints, per side, milliseconds per call (p50 and mean of the measured calls) and SQL statements
per call (cursor executions, counted by a `before_cursor_execute` listener), and the ratio of the
two. Both sides' results are checked alike afterwards (every enrolment PAID with one payment, one
entitlement and the same audit actions; receipt numbers 1…N without gap). Not part of the tests.
"""

import argparse
import functools
import shutil
import signal
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `tests` importable
    sys.path.insert(0, str(ROOT))

from sqlalchemy import JSON, Date, DateTime, bindparam, event, text  # noqa: E402
from sqlmodel import Session, func, select  # noqa: E402

from tests.support.factories import with_check_digit  # noqa: E402
from tests.support.postgres_server import PostgresServer  # noqa: E402
from yibao.core.audit import Actor  # noqa: E402
from yibao.core.db import WRITE, make_engine  # noqa: E402
from yibao.core.migrate import installed_years, upgrade  # noqa: E402
from yibao.core.models import AuditEvent, Enrolment, Entitlement, Payment  # noqa: E402
from yibao.core.models.enrolment import ENTITY_COLUMNS  # noqa: E402
from yibao.core.money import yuan_to_fen  # noqa: E402
from yibao.core.plugins import load_registry  # noqa: E402
from yibao.core.rules.dates import next_day  # noqa: E402
from yibao.core.rules.facts import CategoryFact, PersonFacts, QuoteRequest  # noqa: E402
from yibao.core.rules.registry import governs  # noqa: E402
from yibao.core.services.coverage import decided  # noqa: E402
from yibao.core.services.enrolments import EnrolmentInput, channel_errors, enrol  # noqa: E402
from yibao.core.services.facts import continuity_of_snapshot, stated_facts  # noqa: E402
from yibao.core.services.household_rule import whole  # noqa: E402
from yibao.core.services.households import HouseholdInput, MemberInput, register_household  # noqa: E402
from yibao.core.services.payments import PaymentInput, record_payment  # noqa: E402
from yibao.core.services.persons import PersonInput  # noqa: E402

COUNTY = "341721"  # 东至县
POLICY = "anhui/341721/2022"
ON = date(2021, 10, 8)  # inside the collection window of 东政办〔2021〕6号 (一)
AMOUNT = Decimal("320.00")
CHANNEL = "WECHAT_OFFICIAL_ACCOUNT"
ADMIN = Actor("bench-admin", "COUNTY_ADMIN", COUNTY)
CLERK = Actor("bench-clerk", "VILLAGE_CLERK", COUNTY)


# ---------------------------------------------------------------- data


def number(index: int) -> str:
    """The index-th synthetic ID number of 东至县: adults, 500 to a birth date, all distinct."""
    born = date(1960, 1, 1).toordinal() + index // 500
    return with_check_digit(f"{COUNTY}{date.fromordinal(born):%Y%m%d}{index % 500 * 2 + 1:03d}")


def seed(engine, rules, households: int) -> list[int]:
    """Households of three, each member enrolled unpaid; their enrolment ids in order."""
    enrolments = []
    for h in range(households):
        members = [
            MemberInput(
                person=PersonInput(
                    name=f"居民{h}-{m}", hukou_region_code=COUNTY, id_number=number(h * 3 + m)
                ),
                relation="户主" if m == 0 else "子女",
                is_head=m == 0,
            )
            for m in range(3)
        ]
        household = register_household(engine, ADMIN, HouseholdInput(COUNTY, members, address="某村"))
        with Session(engine) as session:
            people = session.exec(
                text("SELECT person_id FROM household_member WHERE household_id = :h ORDER BY id").bindparams(
                    h=household.id
                )
            ).all()
        for (person_id,) in people:
            data = EnrolmentInput(person_id, 2022, POLICY, f"enrol-{person_id}", on=ON)
            enrolments.append(enrol(engine, ADMIN, data, rules).id)
    return enrolments


# ---------------------------------------------------------------- by hand

SCOPE = "(SELECT path FROM region WHERE code = :actor_region) || '%'"
# The enrolment's own columns, as yibao reads them (not the household the database keeps beside them).
ENROLMENT_COLUMNS = ", ".join(f"e.{column.name}" for column in ENTITY_COLUMNS)
LOCK_SQL = f"""
SELECT {ENROLMENT_COLUMNS},
       coalesce((SELECT a.code FROM region r JOIN region a ON r.path LIKE a.path || '%'
                 WHERE r.code = e.region_code AND a.level = 'county'), e.region_code) AS county
FROM enrolment e
WHERE e.id = :id AND e.region_code IN (SELECT code FROM region WHERE path LIKE {SCOPE})
"""
KEYED = text(f"""
SELECT p.id, p.enrolment_id, p.kind, p.amount_fen FROM payment p
WHERE p.idempotency_key = :key AND p.enrolment_id IN (
    SELECT e.id FROM enrolment e WHERE e.region_code IN (SELECT code FROM region WHERE path LIKE {SCOPE}))
ORDER BY p.id
""")
MATES = text("""
SELECT pe.id, pe.name, h.address_region_code, en.status
FROM household_member me
JOIN household h ON h.id = me.household_id
JOIN household_member m ON m.household_id = me.household_id AND m.person_id <> me.person_id
JOIN person pe ON pe.id = m.person_id
LEFT JOIN enrolment en ON en.person_id = m.person_id AND en.coverage_year = :year
WHERE me.person_id = :person AND NOT EXISTS (SELECT 1 FROM departure d WHERE d.person_id = m.person_id)
ORDER BY pe.id
""")
FACTS_SQL = """
SELECT pe.birth_date, pe.hukou_region_code, f.code, f.since, f.grade, f.until
FROM person pe LEFT JOIN category_fact f ON f.person_id = pe.id
WHERE pe.id = :person
"""
FREE_SLOT = text("""
SELECT id FROM payment
WHERE enrolment_id = :e AND kind = 'REVERSAL' AND id NOT IN (
    SELECT replaces_reversal_id FROM payment WHERE enrolment_id = :e AND replaces_reversal_id IS NOT NULL)
ORDER BY id LIMIT 1
""")
RECEIPT = text("""
INSERT INTO receipt_sequence (region_code, coverage_year, last_value, county_code)
VALUES (:region, :year, 1, :county_code)
ON CONFLICT (region_code, coverage_year) DO UPDATE SET last_value = receipt_sequence.last_value + 1
RETURNING last_value
""")
PAYMENT_COLUMNS = [
    "enrolment_id",
    "kind",
    "amount_fen",
    "paid_on",
    "channel",
    "collector",
    "receipt_region_code",
    "coverage_year",
    "receipt_seq",
    "receipt_number",
    "idempotency_key",
    "reverses_payment_id",
    "replaces_reversal_id",
    "reason",
    "created_at",
    "county_code",  # where the row is stored on Citus, as yibao states it (migration 0018)
]
INSERT_PAYMENT = text(
    f"INSERT INTO payment ({', '.join(PAYMENT_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in PAYMENT_COLUMNS)}) RETURNING id"
)
UPDATE_ENROLMENT_SQL = """
UPDATE enrolment SET status = :status, snapshot = :snapshot, amount_due_fen = :due, subsidy_fen = :subsidy,
       subsidy_category = :category, method = :method
WHERE id = :id
"""
ENTITLEMENT_COLUMNS = [
    "enrolment_id",
    "coverage_year",
    "person_id",
    "start_date",
    "end_date",
    "waiting_until",
    "reason",
    "county_code",
]
END_ENTITLEMENTS = text("DELETE FROM entitlement WHERE enrolment_id = :e RETURNING *").columns(
    start_date=Date, end_date=Date, waiting_until=Date
)
GRANT = text(
    f"INSERT INTO entitlement ({', '.join(ENTITLEMENT_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in ENTITLEMENT_COLUMNS)}) RETURNING id"
)
FACTS = text(FACTS_SQL).columns(birth_date=Date, since=Date, until=Date)
UPDATE_ENROLMENT = text(UPDATE_ENROLMENT_SQL).bindparams(bindparam("snapshot", type_=JSON))
LOCK_TYPES = {"snapshot": JSON, "enrolled_on": Date, "terminated_on": Date, "created_at": DateTime}
LOCK = {
    "sqlite": text(LOCK_SQL).columns(**LOCK_TYPES),  # BEGIN IMMEDIATE holds the write lock already
    "postgresql": text(LOCK_SQL + " FOR UPDATE OF e").columns(**LOCK_TYPES),
}
AUDIT_COLUMNS = [
    "at",
    "actor",
    "role",
    "region_code",
    "county_code",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
]


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _image(row: dict) -> dict:
    # Without the county code, as yibao's images (core/audit.py): where a row is stored is not what it says.
    return {key: _plain(value) for key, value in row.items() if key != "county_code"}


@functools.cache
def _audit_insert(count: int):
    """One INSERT of `count` audit rows, their JSON columns typed so both drivers encode them."""
    rows = ", ".join(f"({', '.join(f':{c}_{i}' for c in AUDIT_COLUMNS)})" for i in range(count))
    statement = text(f"INSERT INTO audit_event ({', '.join(AUDIT_COLUMNS)}) VALUES {rows}")
    return statement.bindparams(
        *(bindparam(f"{c}_{i}", type_=JSON) for i in range(count) for c in ("before", "after"))
    )


class Refused(Exception):
    pass


def pay_by_hand(engine, rules, actor: Actor, enrolment_id: int, amount: Decimal, key: str) -> int:
    """What record_payment does for a first payment, as hand-written SQL in one transaction."""
    amount_fen = yuan_to_fen(amount)
    lock = LOCK[engine.dialect.name]
    scope = {"actor_region": actor.region_code}
    with engine.connect().execution_options(**{WRITE: True}) as connection, connection.begin():
        row = connection.execute(lock, {"id": enrolment_id, **scope}).mappings().first()
        if row is None:
            raise Refused("enrolmentId NOT_FOUND")
        enrolment = dict(row)
        county = enrolment.pop("county")
        first = connection.execute(KEYED, {"key": key, **scope}).all()
        if first:
            if [(p.enrolment_id, p.kind, p.amount_fen) for p in first] != [
                (enrolment_id, "PAYMENT", amount_fen)
            ]:
                raise Refused("idempotencyKey CONFLICT")
            return first[0].id
        if enrolment["status"] != "ENROLLED":
            raise Refused("enrolmentId CONFLICT")
        policy = rules.get(enrolment["policy_id"])
        year = enrolment["coverage_year"]
        if policy.household is not None:
            mates = connection.execute(MATES, {"person": enrolment["person_id"], "year": year}).all()
            owing = [
                m
                for m in mates
                if governs(policy, m.address_region_code) and m.status not in ("PAID", "TERMINATED")
            ]
            if whole(policy) and owing:
                raise Refused("enrolmentId INVALID (household)")
        if channel_errors(policy, CHANNEL):
            raise Refused("channel INVALID")
        facts = connection.execute(FACTS, {"person": enrolment["person_id"]}).all()
        snapshot = enrolment["snapshot"] or {}
        stated = snapshot.get("facts") or stated_facts()
        person = PersonFacts(
            birth_date=facts[0].birth_date,
            categories=tuple(
                CategoryFact(f.code, f.since, f.grade)
                for f in facts
                if f.code is not None and (f.until is None or f.until >= ON)
            ),
            events=(),
            college_student=stated["collegeStudent"],
            migrant_worker=stated["migrantWorker"],
            guardian_enrolled=stated["guardianEnrolled"],
            area_code=enrolment["region_code"],
            hukou_region_code=facts[0].hukou_region_code,
            continuity=continuity_of_snapshot(snapshot),
        )
        assert not stated["events"], "the bench's enrolments state no life events"
        quote = rules.quote(QuoteRequest(enrolment["policy_id"], ON, person, enrolment["tier"]))
        if not quote.accepted:
            raise Refused("paidOn INVALID")
        if amount_fen != yuan_to_fen(quote.amount_due):
            raise Refused("amount MISMATCH")
        assert not quote.refund_due and not quote.pending, "the bench's persons owe no refund"
        slot = connection.execute(FREE_SLOT, {"e": enrolment_id}).scalar()
        # The counter last: its row stays locked until the commit, so the later it is taken, the
        # shorter other payments of the county wait.
        county_code = enrolment["county_code"]
        seq = connection.execute(
            RECEIPT, {"region": county, "year": year, "county_code": county_code}
        ).scalar_one()
        payment = {
            "enrolment_id": enrolment_id,
            "kind": "PAYMENT",
            "amount_fen": amount_fen,
            "paid_on": ON,
            "channel": CHANNEL,
            "collector": None,
            "receipt_region_code": county,
            "coverage_year": year,
            "receipt_seq": seq,
            "receipt_number": f"{county}-{year}-{seq:08d}",
            "idempotency_key": key,
            "reverses_payment_id": None,
            "replaces_reversal_id": slot,
            "reason": None,
            "created_at": datetime.now(UTC).replace(tzinfo=None),
            "county_code": county_code,
        }
        payment_id = connection.execute(INSERT_PAYMENT, payment).scalar_one()
        paid = {**enrolment, "status": "PAID"}
        after = {
            **paid,
            "snapshot": {**snapshot, "quote": decided(quote, ON)},
            "amount_due_fen": yuan_to_fen(quote.amount_due),
            "subsidy_fen": yuan_to_fen(quote.subsidy),
            "subsidy_category": quote.subsidy_category,
            "method": str(quote.subsidy_method),
        }
        connection.execute(
            UPDATE_ENROLMENT,
            {
                "id": enrolment_id,
                "status": "PAID",
                "snapshot": after["snapshot"],
                "due": after["amount_due_fen"],
                "subsidy": after["subsidy_fen"],
                "category": after["subsidy_category"],
                "method": after["method"],
            },
        )
        ended = (
            connection.execute(
                END_ENTITLEMENTS,
                {"e": enrolment_id},
            )
            .mappings()
            .all()
        )
        waiting = quote.waiting_until
        entitlement = {
            "enrolment_id": enrolment_id,
            "coverage_year": enrolment["coverage_year"],
            "person_id": enrolment["person_id"],
            "start_date": (quote.waiting_from or next_day(ON)) if waiting else quote.coverage_start,
            "end_date": quote.coverage_end,
            "waiting_until": waiting,
            "reason": f"{quote.route} {quote.route_cite}"[:200],
            "county_code": county_code,
        }
        entitlement_id = connection.execute(GRANT, entitlement).scalar_one()
        at = datetime.now(UTC).replace(tzinfo=None)
        who = {"at": at, "actor": actor.name, "role": actor.role, "region_code": actor.region_code}
        who["county_code"] = actor.region_code[:6]
        changes = [
            ("record_payment", "payment", payment_id, None, {"id": payment_id, **payment}),
            ("settle_status", "enrolment", enrolment_id, enrolment, paid),
            *[("end_entitlement", "entitlement", e["id"], dict(e), None) for e in ended],
            ("decide_quote", "enrolment", enrolment_id, paid, after),
            ("grant_entitlement", "entitlement", entitlement_id, None, {"id": entitlement_id, **entitlement}),
        ]
        values = {}
        for i, (action, entity, entity_id, before, image) in enumerate(changes):
            event_row = {
                **who,
                "action": action,
                "entity": entity,
                "entity_id": str(entity_id),
                "before": _image(before) if before else None,
                "after": _image(image) if image else None,
            }
            values.update({f"{c}_{i}": event_row[c] for c in AUDIT_COLUMNS})
        connection.execute(_audit_insert(len(changes)), values)
        return payment_id


# ---------------------------------------------------------------- timing


class StatementCounter:
    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


def measure(counter: StatementCounter, call) -> tuple[float, float, int]:
    """Wall and this process's CPU milliseconds of one call, and the statements it executed."""
    before, cpu = counter.count, time.process_time()
    start = time.perf_counter()
    call()
    wall = time.perf_counter() - start
    return wall * 1000, (time.process_time() - cpu) * 1000, counter.count - before


def summary(samples: list[tuple[float, float, int]]) -> tuple[float, float, float, float]:
    """p50 and mean wall ms, p50 CPU ms, p50 statements."""
    walls = [wall for wall, _, _ in samples]
    return (
        statistics.median(walls),
        statistics.fmean(walls),
        statistics.median(cpu for _, cpu, _ in samples),
        statistics.median(n for _, _, n in samples),
    )


def check(engine, service_ids: list[int], hand_ids: list[int]) -> list[str]:
    """Both sides left the same rows: one payment, PAID, one entitlement, the same audit actions."""
    problems = []
    with Session(engine) as session:
        for side, ids in (("yibao", service_ids), ("by hand", hand_ids)):
            paid = session.exec(
                select(func.count()).where(Enrolment.id.in_(ids), Enrolment.status == "PAID")
            ).one()
            payments = session.exec(select(func.count()).where(Payment.enrolment_id.in_(ids))).one()
            rights = session.exec(select(func.count()).where(Entitlement.enrolment_id.in_(ids))).one()
            if not paid == payments == rights == len(ids):
                problems.append(
                    f"{side}: {len(ids)} paid calls, {paid} PAID, {payments} payments, {rights} entitlements"
                )
        trails = {}
        for side, enrolment_id in (("yibao", service_ids[0]), ("by hand", hand_ids[0])):
            payment_id = session.exec(select(Payment.id).where(Payment.enrolment_id == enrolment_id)).one()
            events = session.exec(
                select(AuditEvent.action, AuditEvent.entity, AuditEvent.before, AuditEvent.after)
                .where(
                    ((AuditEvent.entity == "payment") & (AuditEvent.entity_id == str(payment_id)))
                    | ((AuditEvent.entity == "enrolment") & (AuditEvent.entity_id == str(enrolment_id)))
                    | (AuditEvent.action == "grant_entitlement")
                    & AuditEvent.after["enrolment_id"].as_integer().__eq__(enrolment_id)
                )
                .where(AuditEvent.action != "enrol")
                .order_by(AuditEvent.id)
            ).all()
            # The same changes with the same before/after images (their keys; the values differ by id).
            trails[side] = [(a, e, sorted(b or ()), sorted(f or ())) for a, e, b, f in events]
            rows = session.exec(
                select(Enrolment.amount_due_fen, Enrolment.subsidy_fen, Enrolment.method).where(
                    Enrolment.id == enrolment_id
                )
            ).one()
            trails[side + " columns"] = tuple(rows)
        if trails["yibao"] != trails["by hand"] or trails["yibao columns"] != trails["by hand columns"]:
            problems.append(f"audit trail or columns differ: {trails}")
        seqs = sorted(session.exec(select(Payment.receipt_seq)).all())
        if seqs != list(range(1, len(seqs) + 1)):
            problems.append("receipt numbers are not 1…N")
    return problems


def run(engine, args) -> int:
    rules = load_registry()
    started = time.perf_counter()
    enrolments = seed(engine, rules, args.households)
    # Statistics, as a database in use has them (bench/page.py likewise): without them PostgreSQL
    # guesses an equality on the county code keeps 0.5 % of the rows, where it keeps them all, and
    # starts the household rule's statement from the person table (docs/scaling.md §3). SQLite
    # names no county (core/regions.py `county_within`) and is left as it was.
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    print(
        f"{engine.dialect.name}: seeded {len(enrolments)} enrolments in {time.perf_counter() - started:.1f} s"
    )
    counter = StatementCounter(engine)
    pairs = list(zip(enrolments[0::2], enrolments[1::2], strict=False))
    per_round = len(pairs) // args.rounds
    if per_round <= args.warmup:
        raise SystemExit(
            f"bench: {args.households} households give {per_round} calls a round: raise --households"
        )
    done = {"yibao": [], "by hand": []}
    print(
        f"\nrecord_payment, {per_round - args.warmup} measured calls per side a round "
        f"({args.warmup} warm-up), alternating; ms per call\n"
    )
    head = f"{'p50':>7} {'mean':>7} {'cpu p50':>7} {'stmts':>5}"
    print(f"{'':<6} {'yibao':^29}   {'by hand':^29}   {'ratio':^22}")
    print(f"{'round':<6} {head}   {head}   {'p50':>6} {'mean':>6} {'cpu p50':>7}")
    for round_ in range(args.rounds):
        yibao, by_hand = [], []
        for i, (mine, theirs) in enumerate(pairs[round_ * per_round : (round_ + 1) * per_round]):
            data = PaymentInput(mine, AMOUNT, ON, CHANNEL, f"pay-{mine}")
            a = measure(counter, lambda data=data: record_payment(engine, CLERK, data, rules))
            b = measure(counter, lambda t=theirs: pay_by_hand(engine, rules, CLERK, t, AMOUNT, f"pay-{t}"))
            done["yibao"].append(mine)
            done["by hand"].append(theirs)
            if i >= args.warmup:
                yibao.append(a)
                by_hand.append(b)
        mine_, theirs_ = summary(yibao), summary(by_hand)
        cells = "   ".join(
            f"{p50:7.2f} {mean:7.2f} {cpu:7.2f} {n:5.0f}" for p50, mean, cpu, n in (mine_, theirs_)
        )
        ratios = [a / b for a, b in zip(mine_[:3], theirs_[:3], strict=True)]
        print(f"{round_ + 1:<6} {cells}   {ratios[0]:6.2f} {ratios[1]:6.2f} {ratios[2]:7.2f}")
    problems = check(engine, done["yibao"], done["by hand"])
    print("\ncheck:", "ok" if not problems else "; ".join(problems))
    return 1 if problems else 0


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    parser.add_argument("--households", type=int, default=200, help="households of three to seed")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each printed on its own line")
    parser.add_argument(
        "--warmup", type=int, default=10, help="unmeasured calls per side at each round's start"
    )
    parser.add_argument(
        "--dir",
        default="/dev/shm" if Path("/dev/shm").is_dir() else None,
        help="the SQLite file's folder (default /dev/shm: memory, no fsync; a disk adds one per commit)",
    )
    return parser.parse_args(argv)


def _terminate(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)  # `kill` cleans up like Ctrl-C does
    postgres, engine, folders = None, None, []
    try:
        if args.sqlite:
            folder = Path(tempfile.mkdtemp(prefix="yibao-bench-payment-", dir=args.dir))
            folders.append(folder)
            url = f"sqlite:///{folder / 'bench.db'}"
        else:
            sys.path.insert(0, str(ROOT / "bench"))
            from load import create_database

            postgres = PostgresServer()
            url = create_database(postgres.start(), "yibao_bench")
        engine = make_engine(url)
        upgrade(engine, years=installed_years())
        return run(engine, args)
    except KeyboardInterrupt:
        print("bench: interrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        if engine is not None:
            engine.dispose()
        if postgres is not None:
            postgres.stop()
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
