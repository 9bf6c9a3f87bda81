"""A payment leaves one audit event per change, with the rows' before and after, written together.

recordPayment writes its rows without model objects (core/services/payment_rows.py) and a unit of
work writes its events in one INSERT before it commits (core/audit.py); the trail must still say
what the model objects said: the payment, the status, each entitlement ended, the kept quote and
the entitlement granted, in that order, with images equal to the stored rows.
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlmodel import Session, col, select

from tests.support.concurrency import registered_people
from yibao.core.audit import Actor
from yibao.core.errors import InputError
from yibao.core.models import AuditEvent, Enrolment, Entitlement, Payment
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.payments import PaymentInput, ReversalInput, record_payment, reverse_payment
from yibao.core.testing.scenarios import registry

CLERK = Actor("clerk-7", "VILLAGE_CLERK", "341721")
ON = date(2021, 10, 8)


def _enrolment(engine) -> int:
    [person] = registered_people(engine, 1)
    return enrol(
        engine, CLERK, EnrolmentInput(person, 2022, "anhui/341721/2022", "e-1", on=ON), registry()
    ).id


def _pay(engine, enrolment_id: int, key: str) -> Payment:
    data = PaymentInput(enrolment_id, Decimal("320.00"), ON, "VILLAGE_CASH", key)
    return record_payment(engine, CLERK, data, registry())


def _events_after(engine, last_id: int) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.exec(select(AuditEvent).where(col(AuditEvent.id) > last_id).order_by(AuditEvent.id))
        )


def _last_event_id(engine) -> int:
    with Session(engine) as session:
        return max(session.exec(select(AuditEvent.id)).all(), default=0)


def _columns(row) -> dict:
    """The row's columns as its image holds them: all but where it is stored (its county code,
    migration 0018), which the images leave out so that they read as they did."""
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in row.model_dump().items()
        if key != "county_code"
    }


def test_a_payment_audits_each_change_with_the_stored_rows(engine):
    enrolment_id = _enrolment(engine)
    last = _last_event_id(engine)

    payment = _pay(engine, enrolment_id, "p-1")

    trail = _events_after(engine, last)
    assert [(e.action, e.entity) for e in trail] == [
        ("record_payment", "payment"),
        ("settle_status", "enrolment"),
        ("decide_quote", "enrolment"),
        ("grant_entitlement", "entitlement"),
    ]
    assert {(e.actor, e.role, e.region_code) for e in trail} == {("clerk-7", "VILLAGE_CLERK", "341721")}
    with Session(engine) as session:
        stored = session.get(Payment, payment.id)
        enrolment = session.get(Enrolment, enrolment_id)
        [entitlement] = session.exec(
            select(Entitlement).where(Entitlement.enrolment_id == enrolment_id)
        ).all()
    recorded, status, quote, granted = trail
    assert (recorded.entity_id, recorded.before) == (str(payment.id), None)
    # The image is the row as stored (the clock's time zone aside, which the database drops).
    assert {k: v for k, v in recorded.after.items() if k != "created_at"} == {
        k: v for k, v in _columns(stored).items() if k != "created_at"
    }
    assert (status.before["status"], status.after["status"]) == ("ENROLLED", "PAID")
    assert {k for k in status.before if status.before[k] != status.after[k]} == {"status"}
    assert quote.before == status.after
    assert quote.after["snapshot"] == enrolment.snapshot
    assert quote.after["amount_due_fen"] == enrolment.amount_due_fen == 32000
    assert (granted.entity_id, granted.before, granted.after) == (
        str(entitlement.id),
        None,
        _columns(entitlement),
    )


def test_paying_again_after_a_reversal_audits_the_slot_it_takes(engine):
    enrolment_id = _enrolment(engine)
    first = _pay(engine, enrolment_id, "p-1")
    reverse_payment(engine, CLERK, ReversalInput(first.id, "收款错误", "r-1"))
    last = _last_event_id(engine)

    again = _pay(engine, enrolment_id, "p-2")

    trail = _events_after(engine, last)
    assert [e.action for e in trail] == [
        "record_payment",
        "settle_status",
        "decide_quote",
        "grant_entitlement",
    ]
    with Session(engine) as session:
        reversal = session.exec(select(Payment.id).where(Payment.reverses_payment_id == first.id)).one()
    assert trail[0].after["replaces_reversal_id"] == again.replaces_reversal_id == reversal
    assert (trail[1].before["status"], trail[1].after["status"]) == ("ENROLLED", "PAID")


def test_a_refused_payment_leaves_no_event_and_a_paid_one_writes_its_events_at_once(engine):
    enrolment_id = _enrolment(engine)
    last = _last_event_id(engine)
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        refused = PaymentInput(enrolment_id, Decimal("300.00"), ON, "VILLAGE_CASH", "p-0")
        with pytest.raises(InputError, match="应缴 320.00 元"):
            record_payment(engine, CLERK, refused, registry())
        assert _events_after(engine, last) == []
        statements.clear()
        _pay(engine, enrolment_id, "p-1")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    audit_inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT")]
    assert len(audit_inserts) == 1
    assert len(_events_after(engine, last)) == 4
