"""The invariants hold in the database itself, even for writes that bypass the services."""

from datetime import date
from uuid import uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from tests.support.factories import id_number
from yibao.core.db_errors import field_error
from yibao.core.models import Enrolment, Household, HouseholdMember, Payment, Person, Refund, Settlement


def _person(session: Session, seq: int) -> Person:
    person = Person(
        id_number=id_number(seq=seq),
        name=f"居民{seq}",
        birth_date=date(1980, 5, 17),
        gender="M",
        hukou_region_code="341721",
    )
    session.add(person)
    session.flush()
    return person


def _household_with(session: Session, *people: Person, heads: int = 1) -> Household:
    household = Household(address_region_code="341721")
    session.add(household)
    session.flush()
    for i, person in enumerate(people):
        session.add(HouseholdMember(household_id=household.id, person_id=person.id, is_head=i < heads))
    session.flush()
    return household


def _refused(engine, write) -> IntegrityError | DBAPIError:
    with Session(engine) as session:
        with pytest.raises((IntegrityError, DBAPIError)) as caught:
            write(session)
            session.flush()
        session.rollback()
    return caught.value


def test_a_second_head_violates_the_one_head_index(engine):
    def write(session):
        _household_with(session, _person(session, 1), _person(session, 2), heads=2)

    error = _refused(engine, write)
    assert field_error(error).field == "isHead"


def test_the_same_id_number_cannot_be_stored_twice(engine):
    def write(session):
        _person(session, 1)
        _person(session, 1)

    assert field_error(_refused(engine, write)).field == "idNumber"


def test_a_person_without_id_must_have_a_reason(engine):
    def write(session):
        session.add(Person(name="无证", birth_date=date(2020, 1, 1), gender="F", hukou_region_code="341721"))

    assert "id_or_reason" in str(_refused(engine, write))


def _enrolment(session, person) -> Enrolment:
    enrolment = Enrolment(
        person_id=person.id,
        coverage_year=2022,
        region_code="341721",
        policy_id="p",
        tier="1",
        idempotency_key=uuid4().hex,
    )
    session.add(enrolment)
    session.flush()
    return enrolment


def test_one_enrolment_per_person_and_year(engine):
    def write(session):
        person = _person(session, 1)
        _enrolment(session, person)
        _enrolment(session, person)

    assert field_error(_refused(engine, write)).field == "coverageYear"


def _payment(enrolment, amount_fen=32000, key="k", seq=1) -> Payment:
    return Payment(
        enrolment_id=enrolment.id,
        amount_fen=amount_fen,
        paid_on=date(2021, 10, 1),
        channel="VILLAGE_CASH",
        receipt_region_code="341721",
        coverage_year=2022,
        receipt_seq=seq,
        receipt_number=f"r{seq}",
        idempotency_key=key,
    )


def test_a_negative_payment_violates_the_sign_check(engine):
    def write(session):
        session.add(_payment(_enrolment(session, _person(session, 1)), amount_fen=-1))

    assert field_error(_refused(engine, write)).field == "amount"


def test_a_receipt_number_is_never_drawn_twice(engine):
    def write(session):
        session.add(_payment(_enrolment(session, _person(session, 1)), key="a", seq=7))
        session.flush()
        clash = _payment(_enrolment(session, _person(session, 2)), key="b", seq=7)
        clash.receipt_number = "other"
        session.add(clash)

    assert "receipt" in str(_refused(engine, write))


@pytest.mark.parametrize("statement", ["UPDATE payment SET amount_fen = 1", "DELETE FROM payment"])
def test_the_ledger_refuses_edits_and_deletes(engine, statement):
    with Session(engine) as session, session.begin():
        session.add(_payment(_enrolment(session, _person(session, 1))))

    with engine.connect() as connection:
        with pytest.raises(DBAPIError) as caught:
            connection.execute(text(statement))
        connection.rollback()
    assert "append-only" in str(caught.value)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT amount_fen FROM payment")).scalar_one() == 32000


# --- One standing payment per enrolment (core/models/payment.py), whatever writes the rows ---


def _reversal(payment: Payment, seq: int) -> Payment:
    reversal = _payment_of(payment.enrolment_id, -payment.amount_fen, f"rev-{seq}", seq)
    reversal.kind, reversal.reverses_payment_id = "REVERSAL", payment.id
    return reversal


def _payment_of(
    enrolment_id: int, amount_fen: int, key: str, seq: int, replaces: int | None = None
) -> Payment:
    payment = _payment(Enrolment(id=enrolment_id), amount_fen, key, seq)
    payment.replaces_reversal_id = replaces
    return payment


def _added(session: Session, row: Payment) -> Payment:
    session.add(row)
    session.flush()
    return row


def test_a_second_first_payment_for_one_enrolment_is_refused_by_the_database(engine):
    def write(session):
        enrolment = _enrolment(session, _person(session, 1))
        _added(session, _payment(enrolment, key="a", seq=1))
        _added(session, _payment(enrolment, key="b", seq=2))  # two workers, two keys, no reversal

    error = _refused(engine, write)
    assert (field_error(error).field, field_error(error).code) == ("enrolmentId", "CONFLICT")


def test_a_reversal_frees_one_slot_and_only_one_payment_can_take_it(engine):
    with Session(engine) as session, session.begin():
        enrolment = _enrolment(session, _person(session, 1))
        first = _added(session, _payment(enrolment, key="a", seq=1))
        freed = _added(session, _reversal(first, 2))
        _added(session, _payment_of(enrolment.id, 32000, "c", 3, replaces=freed.id))
        enrolment_id, freed_id = enrolment.id, freed.id

    def write(session):
        _added(session, _payment_of(enrolment_id, 32000, "d", 4, replaces=freed_id))

    error = _refused(engine, write)
    assert (field_error(error).field, field_error(error).code) == ("enrolmentId", "CONFLICT")


def test_a_payment_cannot_take_the_slot_of_another_enrolment_or_of_a_payment(engine):
    with Session(engine) as session, session.begin():
        mine = _enrolment(session, _person(session, 1))
        theirs = _enrolment(session, _person(session, 2))
        paid = _added(session, _payment(theirs, key="a", seq=1))
        freed = _added(session, _reversal(paid, 2))
        _added(session, _payment(mine, key="b", seq=3))
        ids = mine.id, paid.id, freed.id

    mine_id, paid_id, freed_id = ids
    for replaces in (freed_id, paid_id):  # their reversal; a payment, which frees nothing

        def write(session, replaces=replaces):
            _added(session, _payment_of(mine_id, 32000, f"x{replaces}", 9, replaces=replaces))

        assert "payment slot" in str(_refused(engine, write))


def test_a_reversal_must_reverse_a_payment_of_its_own_enrolment(engine):
    with Session(engine) as session, session.begin():
        mine = _enrolment(session, _person(session, 1))
        theirs = _enrolment(session, _person(session, 2))
        paid = _added(session, _payment(theirs, key="a", seq=1))
        ids = mine.id, paid.id

    def write(session):
        reversal = _reversal(Payment(id=ids[1], enrolment_id=ids[0], amount_fen=32000), 5)
        _added(session, reversal)

    assert "payment slot" in str(_refused(engine, write))


# --- Refunds paid once, recovered once; one termination refund; one settlement per re-adjustment ---


def _refund(enrolment_id: int, payment_id: int | None, kind: str, **values) -> Refund:
    return Refund(
        enrolment_id=enrolment_id,
        coverage_year=2022,
        payment_id=payment_id,
        kind=kind,
        amount_fen=20000,
        **values,
    )


def test_a_payment_owes_one_collect_then_refund_refund(engine):
    def write(session):
        enrolment = _enrolment(session, _person(session, 1))
        paid = _added(session, _payment(enrolment))
        session.add(_refund(enrolment.id, paid.id, "COLLECT_THEN_REFUND"))
        session.flush()
        session.add(_refund(enrolment.id, paid.id, "COLLECT_THEN_REFUND"))

    assert field_error(_refused(engine, write)).field == "paymentId"


def test_an_enrolment_owes_one_termination_refund(engine):
    def write(session):
        enrolment = _enrolment(session, _person(session, 1))
        session.add(_refund(enrolment.id, None, "TERMINATION"))
        session.flush()
        session.add(_refund(enrolment.id, None, "TERMINATION"))

    assert field_error(_refused(engine, write)).field == "enrolmentId"


def test_a_paid_refund_is_recovered_once(engine):
    def write(session):
        enrolment = _enrolment(session, _person(session, 1))
        paid = _added(session, _payment(enrolment))
        refund = _refund(
            enrolment.id, paid.id, "COLLECT_THEN_REFUND", status="PAID", paid_on=date(2022, 1, 20)
        )
        session.add(refund)
        session.flush()
        for _ in range(2):
            session.add(_refund(enrolment.id, paid.id, "RECOVERY", recovers_refund_id=refund.id))
            session.flush()

    assert field_error(_refused(engine, write)).code == "CONFLICT"


@pytest.mark.parametrize(
    "values",
    [
        {"status": "PENDING"},  # pending without the parameters it waits for
        {"status": "OWED", "amount_fen": None},  # owed without an amount
        {"status": "PAID"},  # paid without a day
        {"kind": "RECOVERY"},  # a recovery of nothing
    ],
)
def test_a_refund_row_that_contradicts_itself_is_refused(engine, values):
    def write(session):
        enrolment = _enrolment(session, _person(session, 1))
        refund = _refund(enrolment.id, None, "TERMINATION")
        for name, value in values.items():
            setattr(refund, name, value)
        session.add(refund)

    assert "ck_refund" in str(_refused(engine, write))


def test_one_settlement_item_per_enrolment_and_roster(engine):
    def write(session):
        enrolment = _enrolment(session, _person(session, 1))
        for _ in range(2):
            session.add(
                Settlement(
                    enrolment_id=enrolment.id,
                    coverage_year=enrolment.coverage_year,
                    as_of=date(2021, 12, 31),
                    paid_fen=3000,
                    due_before_fen=3000,
                    due_after_fen=32000,
                    difference_fen=29000,
                    citation="东政办〔2021〕6号 四（四）",
                )
            )
            session.flush()

    assert field_error(_refused(engine, write)).field == "asOf"
