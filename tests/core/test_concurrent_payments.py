"""Simultaneous submissions of one payment record it once, on both backends."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from tests.support.concurrency import at_once, registered_people
from yibao.core.audit import SYSTEM
from yibao.core.models import Payment, ReceiptSequence
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.payments import PaymentInput, record_payment
from yibao.core.testing.scenarios import registry


def _enrolment_ids(engine, count: int) -> list[int]:
    people = registered_people(engine, count)
    return [
        enrol(engine, SYSTEM, EnrolmentInput(p, 2022, "anhui/341721/2022", f"enrol-{p}"), registry()).id
        for p in people
    ]


def test_fifty_simultaneous_retries_record_one_payment(engine):
    [enrolment_id] = _enrolment_ids(engine, 1)
    payment = PaymentInput(
        enrolment_id, Decimal("320"), date(2021, 10, 1), "WECHAT_OFFICIAL_ACCOUNT", "same-key"
    )
    ids = [p.id for p in at_once(50, lambda: record_payment(engine, SYSTEM, payment, registry()))]

    with Session(engine) as session:
        [stored] = session.exec(select(Payment)).all()
        counter = session.exec(select(ReceiptSequence.last_value)).one()
    assert ids == [stored.id] * 50
    # The losers' rolled-back transactions gave their receipt numbers back: no gap after 1.
    assert (stored.receipt_seq, counter) == (1, 1)


def test_simultaneous_payments_draw_distinct_gapless_receipts(engine):
    enrolments = _enrolment_ids(engine, 6)

    def pay(enrolment_id: int):
        data = PaymentInput(
            enrolment_id, Decimal("320"), date(2021, 10, 1), "VILLAGE_CASH", f"k{enrolment_id}"
        )
        return record_payment(engine, SYSTEM, data, registry()).receipt_seq

    with ThreadPoolExecutor(max_workers=6) as pool:
        sequence = sorted(pool.map(pay, enrolments))
    assert sequence == [1, 2, 3, 4, 5, 6]


def test_a_receipt_past_eight_digits_keeps_every_digit(engine):
    # PostgreSQL numbers a payment in SQL (core/receipts.py insert_numbered), SQLite in Python:
    # both write next_receipt's form, the number zero-padded to at least eight digits, never cut.
    first, second = _enrolment_ids(engine, 2)
    with Session(engine) as session:
        session.add(ReceiptSequence(region_code="341721", coverage_year=2022, last_value=99_999_998))
        session.commit()

    def pay(enrolment_id: int) -> Payment:
        data = PaymentInput(
            enrolment_id, Decimal("320"), date(2021, 10, 1), "VILLAGE_CASH", f"k{enrolment_id}"
        )
        return record_payment(engine, SYSTEM, data, registry())

    answered = [(p.receipt_seq, p.receipt_number) for p in (pay(first), pay(second))]
    with Session(engine) as session:
        stored = session.exec(select(Payment.receipt_seq, Payment.receipt_number).order_by(Payment.id)).all()
    assert answered == [(99_999_999, "341721-2022-99999999"), (100_000_000, "341721-2022-100000000")]
    assert [tuple(row) for row in stored] == answered
