"""The payment import's batch (core/services/payment_batch.py) against the clerk's services.

The same roster imported set-based and row by row through `enrol` and `record_payment`, each on
its own fresh database from the same start, must refuse the same rows with the same codes and
reasons and store the same rows: enrolments, payments (receipts), entitlements, refunds, the
receipt counter, the per-row report and the audit trail, event for event.
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.support.concurrency import at_once, registered_people
from tests.support.factories import id_number
from tests.support.payment_rosters import (
    ADMIN,
    HEADER,
    LOW_INCOME,
    POLICY,
    ROWS,
    VILLAGE,
    ledger,
    register,
    rules,
    write,
)
from tests.support.twins import twin_of
from yibao.core.audit import SYSTEM as SYSTEM_ACTOR
from yibao.core.errors import InputError
from yibao.core.imports.jobs import resume_import, start_import
from yibao.core.models import AuditEvent, Enrolment, Entitlement, ImportRow, Payment, ReceiptSequence, Refund
from yibao.core.services import payment_batch
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.payment_import import PaymentImport
from yibao.core.services.payments import PaymentInput, ReversalInput, record_payment, reverse_payment
from yibao.core.services.persons import PersonInput

PAID_BEFORE = id_number("411322", date(1981, 5, 6), 21)  # paid at the counter before the roster came
REVERSED = id_number("411322", date(1982, 5, 6), 22)  # paid, then reversed: the slot is free again
TIER = id_number("411322", date(1983, 5, 6), 23)  # a tier the policy does not have
LATER = id_number("411322", date(1984, 5, 6), 24)  # a plain row in the last batch
OTHERS = {PAID_BEFORE: "陈已缴", REVERSED: "冯冲正", TIER: "韩档次", LATER: "杨后来"}

# The support roster (rows 2–11) with a tier column, and rows 12–15 for the persons above.
ROSTER = [[*row, ""] for row in ROWS] + [
    ["11", "陈已缴", PAID_BEFORE, "320", "2021-10-12", "", ""],
    ["12", "冯冲正", REVERSED, "320", "2021-10-12", "", ""],
    ["13", "韩档次", TIER, "320", "2021-10-12", "", "9"],
    ["14", "杨后来", LATER, "320", "2021-10-13", "", ""],
]


def prepare(engine) -> dict[str, int]:
    """The support village, a second household, one of it paid and one paid then reversed."""
    ids = register(engine)
    register_household(
        engine,
        ADMIN,
        HouseholdInput(
            address_region_code=VILLAGE,
            members=[
                MemberInput(
                    PersonInput(name=name, id_number=number, hukou_region_code=VILLAGE), None, "其他", i == 0
                )
                for i, (number, name) in enumerate(OTHERS.items())
            ],
        ),
    )
    with Session(engine) as session:
        from yibao.core.models import Person

        ids |= {p.id_number: p.id for p in session.exec(select(Person)).scalars()}
    for n, number in enumerate((PAID_BEFORE, REVERSED)):
        enrolment = enrol(
            engine,
            ADMIN,
            EnrolmentInput(ids[number], 2022, POLICY, f"counter-{n}", on=date(2021, 9, 25)),
            rules(),
        )
        payment = record_payment(
            engine,
            ADMIN,
            PaymentInput(enrolment.id, Decimal("320.00"), date(2021, 10, 2), "VILLAGE_CASH", f"pay-{n}"),
            rules(),
        )
    reverse_payment(engine, ADMIN, ReversalInput(payment.id, "收款有误", "reverse-1"))
    return ids


def run(engine, path, set_based: bool, batch_size: int = 4):
    handler = PaymentImport(engine, ADMIN, rules(), POLICY, set_based=set_based)
    job = start_import(
        engine, ADMIN, path, handler, filename=path.name, region_code=VILLAGE, options=handler.options
    )
    return resume_import(engine, ADMIN, job, path, handler, batch_size=batch_size)


_MOMENTS = {"created_at", "at", "finished_at", "started_at", "updated_at"}


def _plain(value):
    """A stored value without the moments it was written at, which two runs cannot share."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in _MOMENTS}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def tables(engine) -> dict[str, list[dict]]:
    found = {}
    with engine.connect() as connection:
        for model in (Enrolment, Payment, Entitlement, Refund, ReceiptSequence, ImportRow, AuditEvent):
            table = model.__table__
            order = [c for c in table.primary_key.columns]
            rows = connection.execute(select(table).order_by(*order)).mappings().all()
            found[table.name] = [_plain(dict(row)) for row in rows]
    for event in found["audit_event"]:
        event.pop("id")  # events are compared in the order written
    return found


@pytest.fixture
def twin(engine, request, tmp_path):
    with twin_of(engine, request, tmp_path) as other:
        yield other


def test_the_batch_stores_what_the_services_store_row_for_row(engine, twin, tmp_path):
    path = write(tmp_path / "清册.csv", ROSTER, [*HEADER, "档次"])
    prepare(engine)
    prepare(twin)

    by_set = run(engine, path, set_based=True)
    by_rows = run(twin, path, set_based=False)

    assert (by_set.imported, by_set.refused, by_set.unchanged) == (
        by_rows.imported,
        by_rows.refused,
        by_rows.unchanged,
    )
    assert (by_set.imported, by_set.refused) == (5, 9)
    got, expected = tables(engine), tables(twin)
    for name in expected:
        assert got[name] == expected[name], name
    with Session(engine) as session:
        report = {
            r.row_number: (r.outcome, r.field, r.code) for r in session.exec(select(ImportRow)).scalars()
        }
    # What the services refuse, refused alike (all of it compared above; here the rows of note).
    assert report[12] == ("REFUSED", "idNumber", "CONFLICT")  # paid at the counter already
    assert report[13] == ("IMPORTED", None, None)  # into the slot the reversal freed
    assert report[14] == ("REFUSED", "tier", "INVALID")
    assert report[4] == ("REFUSED", "amount", "MISMATCH")


def test_on_postgresql_the_batch_writes_each_new_enrolment_once_with_its_ledger_summary(engine, tmp_path):
    """Written with the summary its payment gives it (migration 0022), a new enrolment is not
    updated again by the payment's trigger; an enrolment made before the roster and paid by it is
    (made PAID, its summary set by the trigger)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's triggers fill the summary from each payment row")
    path = write(tmp_path / "清册.csv", ROSTER, [*HEADER, "档次"])
    ids = prepare(engine)
    with engine.begin() as connection:  # every UPDATE of an enrolment from now on, noted
        connection.exec_driver_sql("CREATE TABLE updated (id integer)")
        connection.exec_driver_sql(
            "CREATE FUNCTION note_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "INSERT INTO updated VALUES (NEW.id); RETURN NULL; END $$"
        )
        connection.exec_driver_sql(
            "CREATE TRIGGER note_update AFTER UPDATE ON enrolment FOR EACH ROW EXECUTE FUNCTION note_update()"
        )
        before = set(connection.exec_driver_sql("SELECT id FROM enrolment").scalars())

    job = run(engine, path, set_based=True)

    assert job.imported == 5
    with engine.connect() as connection:
        updated = set(connection.exec_driver_sql("SELECT id FROM updated").scalars())
        summaries = connection.exec_driver_sql(
            "SELECT e.id, e.person_id, e.first_paid_on, e.first_paid_fen, p.paid_on, p.amount_fen "
            "FROM enrolment e JOIN payment p ON p.enrolment_id = e.id AND p.kind = 'PAYMENT' "
            "AND p.replaces_reversal_id IS NULL"
        ).all()
    new = {row.id for row in summaries} - before
    assert len(new) == 3  # the other two paid were enrolled before: one unpaid, one reversed
    assert not new & updated
    counter = {e for e, person, *_ in summaries if person == ids[PAID_BEFORE]}
    assert updated == before - counter  # those two, made PAID
    assert all((on, fen) == (paid_on, amount) for _, _, on, fen, paid_on, amount in summaries)


def test_a_batch_the_database_refuses_is_taken_row_by_row_leaving_one_payment(engine, tmp_path, monkeypatch):
    """Were the batch's reads to miss an enrolment made at the same moment (as a clerk's can be),
    its insert meets the (person, year) unique index: nothing of the batch stays, and the rows are
    answered by the services, the paid person refused and paid once."""
    path = write(tmp_path / "清册.csv", ROSTER, [*HEADER, "档次"])
    ids = prepare(engine)
    read = payment_batch._Batch.read
    missed = []

    def blind(self, payers):
        read(self, payers)
        if ids[PAID_BEFORE] in self.enrolled:
            self.enrolled.discard(ids[PAID_BEFORE])
            self.existing.pop(ids[PAID_BEFORE], None)
            self.home[ids[PAID_BEFORE]], self.years[ids[PAID_BEFORE]] = VILLAGE, set()
            missed.append(True)

    monkeypatch.setattr(payment_batch._Batch, "read", blind)
    job = run(engine, path, set_based=True, batch_size=100)

    assert missed  # the batch did miss it, and its write was refused
    assert (job.imported, job.refused) == (5, 9)
    with Session(engine) as session:
        report = {r.row_number: (r.outcome, r.code) for r in session.exec(select(ImportRow)).scalars()}
        enrolments = session.exec(select(Enrolment.person_id)).scalars().all()
    assert report[12] == ("REFUSED", "CONFLICT")
    assert sorted(enrolments) == sorted(set(enrolments))  # one per person and year
    paid = [row[0] for row in ledger(engine)]
    # The counter's payment alone; the reversed one, its reversal and the import's payment into the slot.
    assert paid.count(PAID_BEFORE) == 1 and paid.count(REVERSED) == 3


def test_a_clerk_paying_while_the_batch_runs_leaves_one_payment(engine, tmp_path):
    """A clerk records the payment of a person on the roster (enrolled beforehand) and of one the
    roster enrols, at the moment the import runs: whichever comes first, each stands paid once and
    the other is refused."""
    path = write(tmp_path / "清册.csv", ROSTER, [*HEADER, "档次"])
    ids = prepare(engine)
    with Session(engine) as session:
        enrolled = (
            session.exec(select(Enrolment.id).where(Enrolment.person_id == ids[LOW_INCOME])).scalars().one()
        )
    turns = iter(["import", "clerk"])

    def act():
        if next(turns) == "import":
            return run(engine, path, set_based=True, batch_size=100)
        outcomes = []
        for data in (
            PaymentInput(enrolled, Decimal("320.00"), date(2021, 10, 10), "CREDIT_UNION_COUNTER", "clerk-1"),
        ):
            try:
                outcomes.append(record_payment(engine, ADMIN, data, rules()).receipt_number)
            except InputError as error:
                outcomes.append(error.errors[0].code)
        try:
            mine = enrol(
                engine,
                ADMIN,
                EnrolmentInput(ids[LATER], 2022, POLICY, "clerk-2", on=date(2021, 10, 13)),
                rules(),
            )
            data = PaymentInput(mine.id, Decimal("320.00"), date(2021, 10, 13), "VILLAGE_CASH", "clerk-3")
            outcomes.append(record_payment(engine, ADMIN, data, rules()).receipt_number)
        except InputError as error:
            outcomes.append(error.errors[0].code)
        return outcomes

    results = at_once(2, act)
    clerk = next(r for r in results if isinstance(r, list))

    paid = [row[0] for row in ledger(engine)]
    assert paid.count(LOW_INCOME) == 1 and paid.count(LATER) == 1
    with Session(engine) as session:
        report = {r.row_number: r.outcome for r in session.exec(select(ImportRow)).scalars()}
        people = session.exec(select(Enrolment.person_id)).scalars().all()
    assert sorted(people) == sorted(set(people))  # one enrolment per person and year
    # Each payment was the import's or the clerk's, never both.
    for row, answer in ((5, clerk[0]), (15, clerk[-1])):
        assert (report[row] == "IMPORTED") != (isinstance(answer, str) and answer.startswith("411322-"))


DONGZHI = "anhui/341721/2022"  # 东政办〔2021〕6号: households enrol together where they can (五（二）)


def test_a_household_enrolled_in_part_notes_its_missing_members_as_the_services_do(engine, twin, tmp_path):
    """Under 东至县's PREFERRED household rule each enrolment notes the members not yet enrolled at
    that moment (so the first of a household notes more than the last); the batch, which enrols a
    household's rows in one go, must note the same, across a batch boundary too."""
    from yibao.core.testing.scenarios import registry

    rows = [["姓名", "身份证号码", "缴费金额", "缴费日期"]]
    for db in (engine, twin):
        registered_people(db, 4)
        registered_people(db, 3, start=4)
    with Session(engine) as session:
        from yibao.core.models import Person

        numbers = dict(session.exec(select(Person.id, Person.id_number)).all())
    # Three of the first household (the fourth not on the roster), then all of the second.
    for pid in sorted(numbers)[:3] + sorted(numbers)[4:]:
        rows.append([f"居民{pid - 1}", numbers[pid], "320.00", "2021-10-08"])
    path = tmp_path / "东至清册.csv"
    write(path, rows[1:], rows[0])

    def run_here(db, set_based):
        handler = PaymentImport(db, SYSTEM_ACTOR, registry(), DONGZHI, set_based=set_based)
        job = start_import(
            db, SYSTEM_ACTOR, path, handler, filename=path.name, region_code="341721", options=handler.options
        )
        return resume_import(db, SYSTEM_ACTOR, job, path, handler, batch_size=2)

    by_set, by_rows = run_here(engine, True), run_here(twin, False)

    assert (by_set.imported, by_set.refused) == (by_rows.imported, by_rows.refused) == (6, 0)
    got, expected = tables(engine), tables(twin)
    for name in expected:
        assert got[name] == expected[name], name
    with Session(engine) as session:
        noted = [
            e.snapshot.get("partialHousehold")
            for e in session.exec(select(Enrolment).order_by(Enrolment.id)).scalars()
        ]
    assert noted[0] == ["居民1", "居民2", "居民3"] and noted[2] == ["居民3"] and noted[5] is None
