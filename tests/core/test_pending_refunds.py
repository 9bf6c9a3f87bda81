"""Collection never waits for a figure it does not need (方政办明电〔2021〕35号 二（一）).

A 方城 低保 person pays the full 320 before a deployment has configured the refund amount the
notice leaves to "规定标准". The payment is taken, the refund waits as PENDING on the parameter,
the ledger lists it as pending, and the start after the parameter is set turns it into an owed
refund that the civil-affairs bureau then pays.
"""

from datetime import date

from sqlmodel import Session, select

from tests.support.concurrency import at_once
from tests.support.henan import enrolled_and_paid, resident
from yibao.core.audit import Actor
from yibao.core.models import Enrolment, Refund
from yibao.core.scope import Scope
from yibao.core.services.pending import resolve_pending
from yibao.core.services.refund_ledger import refund_ledger
from yibao.core.services.refund_payouts import RefundPayout, pay_refunds
from yibao.core.testing.scenarios import registry

HENAN = "henan/411322/2022"
SHIZHI = "411322001"
COUNTY = Actor("admin-411322", "COUNTY_ADMIN", "411322")
UNSET = registry()  # the deployment has not configured refund.MINIMUM_LIVING
SET = UNSET.with_parameters(HENAN, {"refund.MINIMUM_LIVING": "200.00"})


def refunds(engine) -> list[Refund]:
    with Session(engine) as session:
        return list(session.exec(select(Refund).order_by(Refund.id)))


def ledger(engine):
    with Session(engine) as session:
        [row] = refund_ledger(session, Scope(path=None), "411322", 2022)
    return row


def low_income_payment(engine) -> Enrolment:
    person = resident(engine, COUNTY, SHIZHI, "MINIMUM_LIVING", since=date(2021, 1, 1))
    return enrolled_and_paid(engine, COUNTY, person, HENAN, "320.00", date(2021, 10, 8), rules=UNSET)


def test_a_payment_is_taken_before_the_refund_is_configured_and_the_refund_waits(engine):
    enrolment = low_income_payment(engine)

    [refund] = refunds(engine)
    assert (refund.status, refund.amount_fen, refund.pending_on) == ("PENDING", None, "refund.MINIMUM_LIVING")
    assert refund.department == "CIVIL_AFFAIRS"  # 五（二）: 民政局 returns the 低保 subsidy
    row = ledger(engine)
    assert (row.pending_count, row.owed_fen, row.outstanding_fen) == (1, 0, 0)
    with Session(engine) as session:
        stored = session.get(Enrolment, enrolment.id)
    assert (stored.status, stored.amount_due_fen) == ("PAID", 32000)
    assert stored.snapshot["quote"]["pendingParameters"] == ["refund.MINIMUM_LIVING"]
    # Nothing decided, nothing paid: the bureau cannot pay a refund of unknown size.
    assert resolve_pending(engine, UNSET) == 0


def test_setting_the_parameter_turns_the_pending_refund_into_an_owed_one_that_is_then_paid(engine):
    enrolment = low_income_payment(engine)

    assert resolve_pending(engine, SET) == 1

    [refund] = refunds(engine)
    assert (refund.status, refund.amount_fen, refund.pending_on) == ("OWED", 20000, None)
    with Session(engine) as session:
        stored = session.get(Enrolment, enrolment.id)
    assert (stored.subsidy_fen, stored.subsidy_category, stored.amount_due_fen) == (
        20000,
        "MINIMUM_LIVING",
        32000,
    )
    row = ledger(engine)
    assert (row.pending_count, row.owed_fen, row.outstanding_fen) == (0, 20000, 20000)
    batch = pay_refunds(
        engine, COUNTY, RefundPayout("CIVIL_AFFAIRS", "411322", date(2022, 1, 20), "c-1", "代发-1"), SET
    )
    assert (batch.count, batch.amount_fen) == (1, 20000)
    assert resolve_pending(engine, SET) == 0  # decided once


def test_two_workers_starting_together_decide_a_pending_refund_once(engine):
    low_income_payment(engine)
    decided = at_once(4, lambda: resolve_pending(engine, SET))
    assert sorted(decided) == [0, 0, 0, 1]
    [refund] = refunds(engine)
    assert (refund.status, refund.amount_fen) == ("OWED", 20000)


def test_paying_refunds_decides_what_waited_first(engine):
    low_income_payment(engine)
    batch = pay_refunds(
        engine, COUNTY, RefundPayout("CIVIL_AFFAIRS", "411322", date(2022, 1, 20), "c-1", "代发-1"), SET
    )
    assert (batch.count, batch.amount_fen) == (1, 20000)
