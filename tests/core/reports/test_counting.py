"""What every report counts (core/reports/counting.py), seen through collection_progress.

参保 is on the roster, accepted and paid: a registration never paid, a payment reversed and a
quote refused (a clerk registering before the window opens) are 登记未缴, never 参保, and never
count towards 完成率. A paid 贵阳 enrolment ended on 2021-12-31 (筑医保通〔2021〕34号 五（三）)
leaves the roster that day, while the money received stays held until the tax office's refund is
paid out of it.

`registered` and `refused` are shared with the other reports' tests, which show the same
exclusions in each of them.
"""

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from tests.support.counting import REGISTRY, refused, registered
from tests.support.guiyang import ADMIN, GUIYANG, HUAXI, terminate
from tests.support.henan import channel, resident
from yibao.core.db import transaction
from yibao.core.models import Enrolment, Target
from yibao.core.money import fen_to_yuan
from yibao.core.reports import ReportArgs
from yibao.core.scope import Scope
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.payments import PaymentInput, ReversalInput, record_payment, reverse_payment


def huaxi_area(engine, as_of: date) -> tuple:
    """(参保人数, 登记未缴, amount, 完成率) of 花溪片区 in 花溪区's progress report."""
    with Session(engine) as session:
        report = REGISTRY.reports.get("collection_progress")
        result = REGISTRY.reports.run(
            session, Scope(path=None), REGISTRY, report, ReportArgs("520111", 2022, as_of)
        )
    row = next(row for row in result.dicts() if row["unit_code"] == HUAXI)
    return row["paid"], row["registered_unpaid"], row["amount"], row["rate"]


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
    assert huaxi_area(engine, date(2021, 9, 30))[:3] == (0, 0, Decimal("0.00"))  # not yet enrolled
    assert huaxi_area(engine, date(2021, 10, 7))[:3] == (0, 1, Decimal("0.00"))  # registered, not paid
    terminate(engine, enrolment, date(2021, 12, 31), refund=True)

    assert huaxi_area(engine, date(2021, 12, 30))[:3] == (1, 0, Decimal("320.00"))
    assert huaxi_area(engine, date(2021, 12, 31))[:3] == (0, 0, Decimal("320.00"))


def test_unpaid_reversed_and_refused_enrolments_are_registered_unpaid_never_insured(engine):
    enrolled_on_and_paid(engine, date(2021, 10, 1), date(2021, 10, 8))
    registered(engine, ADMIN, resident(engine, ADMIN, HUAXI).id, GUIYANG, date(2021, 10, 8))
    # 集中征缴期 opens at the end of September (筑医保通〔2021〕34号 三): 09-01 is refused.
    refused(engine, ADMIN, resident(engine, ADMIN, HUAXI).id, GUIYANG, date(2021, 9, 1))
    payment = record_payment(
        engine,
        ADMIN,
        PaymentInput(
            registered(engine, ADMIN, resident(engine, ADMIN, HUAXI).id, GUIYANG, date(2021, 10, 8)).id,
            Decimal("320.00"),
            date(2021, 10, 9),
            channel(GUIYANG, REGISTRY),
            "p-reversed",
        ),
        REGISTRY,
    )
    reverse_payment(engine, ADMIN, ReversalInput(payment.id, "收款有误", "r-reversed"))

    with transaction(engine) as session:  # an office's own task of 4 for 花溪片区, over the notice's
        session.add(Target(region_code=HUAXI, coverage_year=2022, headcount=4, source="测试", actor="t"))

    # Four registered, one insured: 参保人数 1, 登记未缴 3, 完成率 1/4 — not 4/4.
    assert huaxi_area(engine, date.today()) == (1, 3, Decimal("320.00"), Decimal("0.25"))


def test_a_refused_quote_is_never_insured_even_with_a_payment_standing(engine):
    """Were a quote refused after the money came (a re-quote the rules refuse), the person would
    hold a receipt without being insured: the definition asks for the accepted quote itself."""
    enrolment = enrolled_on_and_paid(engine, date(2021, 10, 1), date(2021, 10, 8))
    assert huaxi_area(engine, date.today())[:2] == (1, 0)
    with transaction(engine) as session:
        row = session.get(Enrolment, enrolment.id)
        row.snapshot = {**row.snapshot, "quote": {"accepted": False, "reason": "测试", "on": "2021-10-08"}}
        row.amount_due_fen = row.subsidy_fen = None
    assert huaxi_area(engine, date.today())[:3] == (0, 1, Decimal("320.00"))


def test_hardship_coverage_counts_only_the_insured_holders_as_enrolled(engine):
    """方政办明电〔2021〕35号 一 "参保率达到100%": three 低保 holders — one paid, one registered and
    never paid, one registered before the window (refused) — are one 已参保 of three, not three."""
    holders = [resident(engine, ADMIN, HUAXI, "MINIMUM_LIVING", since=date(2021, 1, 1)) for _ in range(3)]
    enrolment = registered(engine, ADMIN, holders[0].id, GUIYANG, date(2021, 10, 8))
    record_payment(
        engine,
        ADMIN,
        PaymentInput(
            enrolment.id, fen_to_yuan(enrolment.amount_due_fen), date(2021, 10, 8), "TAX_MULTI_CHANNEL", "p-0"
        ),
        REGISTRY,
    )
    registered(engine, ADMIN, holders[1].id, GUIYANG, date(2021, 10, 8))
    refused(engine, ADMIN, holders[2].id, GUIYANG, date(2021, 9, 1))
    with Session(engine) as session:
        report = REGISTRY.reports.get("hardship_coverage")
        result = REGISTRY.reports.run(session, Scope(path=None), REGISTRY, report, ReportArgs("520111", 2022))
    (row,) = result.dicts()
    assert (row["holders"], row["paid"], row["unpaid"], row["registered_unpaid"]) == (3, 1, 2, 2)
    assert row["rate"] == Decimal("0.3333")
    assert result.headings[2:7] == ["应参保人数", "已参保人数", "未参保人数", "其中：登记未缴人数", "参保率"]
