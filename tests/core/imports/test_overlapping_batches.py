"""Two batches in hand on PostgreSQL (core/imports/jobs.py `_Overlapping`): the next
batch is read and decided while this one writes, and what both write follows the file's rows."""

import time
from datetime import date

import pytest
from sqlmodel import Session, select

from tests.support.concurrency import registered_people
from tests.support.payment_rosters import write
from yibao.core.audit import SYSTEM
from yibao.core.imports.jobs import resume_import, start_import
from yibao.core.models import AuditEvent, CategoryFact, Enrolment, Entitlement, ImportRow, Payment, Person
from yibao.core.services import payment_batch, rosters
from yibao.core.services.payment_import import PaymentImport
from yibao.core.testing.scenarios import registry

DONGZHI = "anhui/341721/2022"  # 东政办〔2021〕6号: a household rule that notes who is missing


def test_the_next_batch_is_decided_while_this_one_writes_and_the_writes_follow_the_file(
    engine, tmp_path, monkeypatch
):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes one writer at a time: its batches go in turn")
    households = [registered_people(engine, 2, start=2 * n) for n in range(3)]  # 6 persons, 3 households
    with Session(engine) as session:
        numbers = dict(session.exec(select(Person.id, Person.id_number)).all())
    rows = [[f"居民{i}", numbers[pid], "320.00", "2021-10-08"] for i, pid in enumerate(sum(households, []))]
    path = write(tmp_path / "东至清册.csv", rows, ["姓名", "身份证号码", "缴费金额", "缴费日期"])

    # The first batch decides slowly: the second reads and decides meanwhile, then waits its turn.
    seen: list[tuple[str, int, float]] = []
    read, pay, write_batch = payment_batch._Batch.read, payment_batch._Batch.pay, payment_batch._Batch.write

    def reading(batch, payers):
        seen.append(("read", payers[0].number, time.monotonic()))
        return read(batch, payers)

    def paying(batch, payer):
        if payer.number == 2:
            time.sleep(0.5)
        return pay(batch, payer)

    def writing(batch):
        write_batch(batch)
        seen.append(("written", len(batch.payments), time.monotonic()))

    monkeypatch.setattr(payment_batch._Batch, "read", reading)
    monkeypatch.setattr(payment_batch._Batch, "pay", paying)
    monkeypatch.setattr(payment_batch._Batch, "write", writing)
    handler = PaymentImport(engine, SYSTEM, registry(), DONGZHI)
    assert handler.overlaps
    job = start_import(engine, SYSTEM, path, handler, filename=path.name, region_code="341721")
    job = resume_import(engine, SYSTEM, job, path, handler, batch_size=2)

    assert (job.status, job.imported, job.refused) == ("DONE", 6, 0)
    events = [kind for kind, _, _ in seen]
    # The second batch (rows 4-5) was read while the first (rows 2-3) was still deciding; the
    # third only once the first was done (two in hand at most).
    assert events[:2] == ["read", "read"] and events.index("written") > 1
    reads = [n for kind, n, _ in seen if kind == "read"]
    assert set(reads[:2]) == {2, 4} and reads[2] == 6
    assert events.index("written") < len(events) - events[::-1].index("read") - 1
    with Session(engine) as session:
        by_row = {r.row_number: r.reason for r in session.exec(select(ImportRow)).all()}
        payments = session.exec(select(Payment).order_by(Payment.id)).all()
        enrolments = session.exec(select(Enrolment).order_by(Enrolment.id)).all()
        audited = session.exec(select(AuditEvent.entity, AuditEvent.entity_id).order_by(AuditEvent.id)).all()
    order = sum(households, [])
    # Each batch wrote once the one before had: ids, receipts and audit events in the file's
    # order, as one batch at a time writes them.
    assert [e.person_id for e in enrolments] == order
    assert [p.receipt_seq for p in payments] == [1, 2, 3, 4, 5, 6]
    assert [by_row[n] for n in range(2, 8)] == [f"receipt {p.receipt_number}" for p in payments]
    enrolled = [int(i) for entity, i in audited if entity == "enrolment"]
    assert enrolled == sorted(enrolled)


def test_the_next_batch_writes_its_enrolments_while_this_one_writes_its_payments(
    engine, tmp_path, monkeypatch
):
    """Ids are drawn in the file's order, then the enrolments and entitlements written without
    waiting for the batch before; receipts, payments and the audit trail wait for it."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes one writer at a time: its batches go in turn")
    people = registered_people(engine, 2, start=40) + registered_people(engine, 2, start=42)  # 2 households
    with Session(engine) as session:
        numbers = dict(session.exec(select(Person.id, Person.id_number)).all())
    rows = [[f"居民{40 + i}", numbers[pid], "320.00", "2021-10-08"] for i, pid in enumerate(people)]
    path = write(tmp_path / "东至清册.csv", rows, ["姓名", "身份证号码", "缴费金额", "缴费日期"])
    written: list[str] = []
    insert, reserve = payment_batch.insert_rows, payment_batch.reserve_receipts

    def inserting(session, table, columns, rows):
        written.append(table.name)
        return insert(session, table, columns, rows)

    def reserving(session, county, year, count):
        if "receipts" not in written:
            time.sleep(0.5)  # the first batch holds its turn: the second may not take receipts
        written.append("receipts")
        return reserve(session, county, year, count)

    monkeypatch.setattr(payment_batch, "insert_rows", inserting)
    monkeypatch.setattr(payment_batch, "reserve_receipts", reserving)
    handler = PaymentImport(engine, SYSTEM, registry(), DONGZHI)
    job = start_import(engine, SYSTEM, path, handler, filename=path.name, region_code="341721")
    job = resume_import(engine, SYSTEM, job, path, handler, batch_size=2)

    assert (job.status, job.imported) == ("DONE", 4)
    first_payments = written.index("payment")
    assert written[:first_payments].count("enrolment") == 2  # the second batch's too
    assert written[:first_payments].count("receipts") == 1
    with Session(engine) as session:
        enrolments = session.exec(select(Enrolment.person_id).order_by(Enrolment.id)).all()
        payments = session.exec(select(Payment.enrolment_id, Payment.receipt_seq).order_by(Payment.id)).all()
        entitled = session.exec(select(Entitlement.enrolment_id).order_by(Entitlement.id)).all()
        audited = session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert enrolments == people  # ids in the file's order all the same
    by_person = dict(zip(enrolments, sorted(e for e, _ in payments), strict=True))
    assert payments == [(by_person[p], seq) for seq, p in enumerate(people, start=1)]
    assert entitled == [by_person[p] for p in people]
    assert [a for a in audited if a == "record_payment"] == ["record_payment"] * 4


def test_roster_batches_overlap_too_claiming_the_job_after_their_writes(engine, tmp_path, monkeypatch):
    """A handler writing in the report's transaction (the roster): the next batch looks its rows
    up while this one decides, and its facts, report and checkpoint follow this one's."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes one writer at a time: its batches go in turn")
    ids = registered_people(engine, 6, start=500)  # in 341721, one household
    with Session(engine) as session:
        numbers = dict(session.exec(select(Person.id, Person.id_number)).all())
    people = [(f"居民{500 + n}", numbers[pid]) for n, pid in enumerate(ids)]
    path = tmp_path / "roster.csv"
    lines = [
        "姓名,身份证号码,类别,认定日期,退出日期",
        *(f"{name},{number},低保,2021-03-01," for name, number in people),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    seen: list[str] = []
    probe, check, insert = rosters.probe, rosters.RosterHandler._check, rosters.insert_rows

    def looking(*args, **kwargs):
        seen.append("lookup")
        return probe(*args, **kwargs)

    def checking(keyed, met, first, then):
        if keyed[0] == people[0][1]:
            time.sleep(0.5)  # the first batch decides slowly
        return check(keyed, met, first, then)

    def inserting(session, table, columns, rows):
        seen.append(f"insert {table.name}")
        return insert(session, table, columns, rows)

    monkeypatch.setattr(rosters, "probe", looking)
    monkeypatch.setattr(rosters.RosterHandler, "_check", staticmethod(checking))
    monkeypatch.setattr(rosters, "insert_rows", inserting)
    job, handler = rosters.start_roster_import(
        engine, SYSTEM, path, source="CIVIL_AFFAIRS", as_of=date(2021, 9, 30), region_code="341721"
    )
    assert handler.overlaps
    job = resume_import(engine, SYSTEM, job, path, handler, batch_size=2)

    assert (job.status, job.imported, job.rows_done) == ("DONE", 6, 6)
    # Each batch looks up twice (its rows' keys, its persons' facts): the second batch's came
    # before the first wrote its facts.
    assert seen[:5] == ["lookup"] * 4 + ["insert category_fact"]
    with Session(engine) as session:
        facts = session.exec(select(CategoryFact.person_id).order_by(CategoryFact.id)).all()
    assert facts == ids  # in the file's order
