"""What every report counts (core/reports/counting.py), seen through collection_progress.

A paid 贵阳 enrolment ended on 2021-12-31 (筑医保通〔2021〕34号 五（三）) leaves the roster that
day: before it, enrolled and paid; after it, neither, while the money received stays held until
the tax office's refund is paid out of it.
"""

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from core.money import fen_to_yuan
from core.plugins import load_registry
from core.reports import ReportArgs
from core.scope import Scope
from core.services.enrolments import EnrolmentInput, enrol
from core.services.payments import PaymentInput, record_payment
from tests.core.test_refund_batches import channel, resident
from tests.core.test_termination import ADMIN, GUIYANG, HUAXI, terminate

REGISTRY = load_registry()


def huaxi_area(engine, as_of: date) -> tuple:
    """(enrolled, paid, amount) of 花溪片区 in 花溪区's progress report."""
    with Session(engine) as session:
        report = REGISTRY.reports.get("collection_progress")
        result = REGISTRY.reports.run(
            session, Scope(path=None), REGISTRY, report, ReportArgs("520111", 2022, as_of)
        )
    row = next(row for row in result.rows if row[0] == HUAXI)
    return row[3:6]


def enrolled_on_and_paid(engine, enrolled_on: date, paid_on: date):
    person = resident(engine, ADMIN, HUAXI)
    intent = EnrolmentInput(
        person.id, 2022, GUIYANG, f"e-{person.id}", channel=channel(GUIYANG, REGISTRY), on=enrolled_on
    )
    enrolment = enrol(engine, ADMIN, intent, REGISTRY)
    amount = fen_to_yuan(enrolment.amount_due_fen)
    payment = PaymentInput(enrolment.id, amount, paid_on, channel(GUIYANG, REGISTRY), f"p-{person.id}")
    record_payment(engine, ADMIN, payment, REGISTRY)
    return enrolment


def test_a_terminated_enrolment_leaves_the_roster_but_its_money_stays_held(engine):
    enrolment = enrolled_on_and_paid(engine, date(2021, 10, 1), date(2021, 10, 8))
    assert huaxi_area(engine, date(2021, 9, 30)) == (0, 0, Decimal("0.00"))  # not yet enrolled
    assert huaxi_area(engine, date(2021, 10, 7)) == (1, 0, Decimal("0.00"))  # enrolled, not yet paid
    terminate(engine, enrolment, date(2021, 12, 31), refund=True)

    assert huaxi_area(engine, date(2021, 12, 30)) == (1, 1, Decimal("320.00"))
    assert huaxi_area(engine, date(2021, 12, 31)) == (0, 0, Decimal("320.00"))
