"""Collect-then-refund (方政办明电〔2021〕35号 二（一）, 五（二）): refunds paid in batches, and the ledger.

民政局 (CIVIL_AFFAIRS) refunds 低保 persons, the 财政所 (FINANCE) 建档立卡 persons. The fixture below
spreads both kinds over two townships of 方城县, one person living in a village below a township,
and the expected ledger is summed from the fixture list itself, not read back from the service.
"""

from datetime import date

import pytest
from sqlmodel import Session, func, select

from tests.support.concurrency import at_once
from tests.support.db_state import stored
from tests.support.henan import (
    COUNTY,
    FENGRUI,
    FIXTURE,
    HENAN,
    ONE_CARD,
    SHIZHI,
    VILLAGE,
    enrolled_and_paid,
    expected_ledger,
    henan_campaign,
    resident,
)
from yibao.core.audit import Actor
from yibao.core.errors import InputError
from yibao.core.models import AuditEvent, Enrolment, Payment, Refund, RefundBatch
from yibao.core.scope import Scope
from yibao.core.services.payments import ReversalInput, reverse_payment
from yibao.core.services.refund_ledger import refund_ledger
from yibao.core.services.refund_payouts import RefundPayout, pay_refunds, record_recovery, set_refund_payee
from yibao.core.services.refunds import PayeeAccount

PAID_ON = date(2022, 1, 20)


def payout(
    department: str, region: str, key: str, on: date = PAID_ON, reference: str = "代发-2022-01"
) -> RefundPayout:
    return RefundPayout(department, region, on, key, reference)


@pytest.fixture
def henan(engine) -> list[Enrolment]:
    return henan_campaign(engine)


def refunds_of(engine) -> list[Refund]:
    with Session(engine) as session:
        return list(session.exec(select(Refund).order_by(Refund.id)))


EVERYTHING = Scope(path=None)


def ledger(engine, scope=EVERYTHING, region="411322", year=2022) -> dict:
    with Session(engine) as session:
        return {
            (row.department, row.township_code): (
                row.owed_fen,
                row.paid_fen,
                row.outstanding_fen,
                row.owed_count,
                row.paid_count,
                row.outstanding_count,
            )
            for row in refund_ledger(session, scope, region, year)
        }


def test_payments_of_subsidised_persons_owe_refunds_through_the_named_departments(henan, engine):
    owed = [(r.department, r.amount_fen, r.status) for r in refunds_of(engine)]
    assert sorted(owed) == sorted((d, a, "OWED") for _, _, _, d, a in FIXTURE if d)
    assert ledger(engine) == expected_ledger(paid=set())


def test_a_batch_pays_everything_the_department_owes_in_the_region_and_nothing_else(henan, engine):
    batch = pay_refunds(engine, COUNTY, payout("CIVIL_AFFAIRS", SHIZHI, "civil-shizhi-1"))

    civil_in_shizhi = [a for t, _, _, d, a in FIXTURE if (t, d) == (SHIZHI, "CIVIL_AFFAIRS")]
    assert (batch.department, batch.region_code, batch.paid_on) == ("CIVIL_AFFAIRS", SHIZHI, PAID_ON)
    assert (batch.count, batch.amount_fen) == (len(civil_in_shizhi), sum(civil_in_shizhi)) == (2, 40000)
    assert batch.actor == "admin-411322"
    by_region = {e.id: e.region_code for e in henan}
    for refund in refunds_of(engine):
        in_batch = refund.department == "CIVIL_AFFAIRS" and by_region[refund.enrolment_id] in (
            SHIZHI,
            VILLAGE,
        )
        expected = ("PAID", PAID_ON, batch.id) if in_batch else ("OWED", None, None)
        assert (refund.status, refund.paid_on, refund.batch_id) == expected
    assert ledger(engine) == expected_ledger(paid={("CIVIL_AFFAIRS", SHIZHI)})
    with Session(engine) as session:
        actions = session.exec(
            select(AuditEvent.action, AuditEvent.entity).where(
                AuditEvent.action.in_(["pay_refunds", "pay_refund"])
            )
        ).all()
    assert sorted(actions) == [
        ("pay_refund", "refund"),
        ("pay_refund", "refund"),
        ("pay_refunds", "refund_batch"),
    ]


def test_the_same_key_answers_the_same_batch_and_pays_nothing_more(henan, engine):
    finance = payout("FINANCE", "411322", "finance-1")
    first = pay_refunds(engine, COUNTY, finance)
    assert (first.count, first.amount_fen, first.reference) == (3, 45000, "代发-2022-01")
    before = stored(engine)
    again = pay_refunds(engine, COUNTY, finance)
    assert (again.id, again.count, again.amount_fen) == (first.id, 3, 45000)
    assert stored(engine) == before


def test_refused_payouts_name_the_field_and_change_nothing(henan, engine):
    pay_refunds(engine, COUNTY, payout("FINANCE", "411322", "finance-1"))
    before = stored(engine)
    fengrui = Actor("officer-fengrui", "TOWNSHIP_OFFICER", FENGRUI)
    cases = [
        (
            COUNTY,
            payout("FINANCE", "411322", "finance-2"),
            "department",
            "NOT_FOUND",
            "没有待退费用",
        ),
        (
            COUNTY,
            payout("CIVIL_AFFAIRS", "411322", "finance-1"),
            "idempotencyKey",
            "CONFLICT",
            "幂等键",
        ),
        (COUNTY, payout("POLICE", "411322", "k-3"), "department", "INVALID", "POLICE"),
        (
            COUNTY,
            payout("CIVIL_AFFAIRS", "411322", "k-3", reference=" "),
            "reference",
            "REQUIRED",
            "代发批次号",
        ),
        (
            COUNTY,
            payout("CIVIL_AFFAIRS", "999999", "k-4"),
            "regionCode",
            "NOT_FOUND",
            "999999",
        ),
        (
            fengrui,
            payout("CIVIL_AFFAIRS", SHIZHI, "k-5"),
            "regionCode",
            "FORBIDDEN",
            "管辖范围",
        ),
        (
            COUNTY,
            payout("CIVIL_AFFAIRS", "411322", "k-6", on=date(2999, 1, 1)),
            "paidOn",
            "INVALID",
            "晚于今天",
        ),
        (COUNTY, payout("CIVIL_AFFAIRS", "411322", " "), "idempotencyKey", "REQUIRED", "必填"),
    ]
    for actor, request, field, code, words in cases:
        with pytest.raises(InputError) as refused:
            pay_refunds(engine, actor, request)
        error = refused.value.errors[0]
        assert (error.field, error.code, words in error.message) == (field, code, True), request
    assert stored(engine) == before


def test_a_township_officer_pays_only_its_own_township(henan, engine):
    fengrui = Actor("officer-fengrui", "TOWNSHIP_OFFICER", FENGRUI)
    batch = pay_refunds(engine, fengrui, payout("CIVIL_AFFAIRS", FENGRUI, "civil-fengrui"))
    assert (batch.count, batch.amount_fen) == (1, 20000)
    assert ledger(engine) == expected_ledger(paid={("CIVIL_AFFAIRS", FENGRUI)})
    # The officer's own ledger shows its township only, whatever region it asks for.
    mine = ledger(engine, Scope(path=f"/410000/411300/411322/{FENGRUI}/"), region="411322")
    assert mine == {
        k: v for k, v in expected_ledger(paid={("CIVIL_AFFAIRS", FENGRUI)}).items() if k[1] == FENGRUI
    }


def test_the_ledger_selects_by_region_and_year(henan, engine):
    assert ledger(engine, region=FENGRUI) == {
        k: v for k, v in expected_ledger(paid=set()).items() if k[1] == FENGRUI
    }
    assert ledger(engine, year=2023) == {}
    assert ledger(engine, region="520100") == {}
    assert ledger(engine, region="000000") == {}


def test_a_reversal_cancels_what_is_owed_and_makes_a_paid_refund_to_be_recovered(henan, engine):
    """方政办明电〔2021〕35号 二（一）: the subsidy is returned because the person paid. A reversed payment
    cancels a refund not yet paid; one already paid is recovered (应追回) for the department."""
    pay_refunds(engine, COUNTY, payout("CIVIL_AFFAIRS", SHIZHI, "civil-shizhi"))
    with Session(engine) as session:
        payments = {p.enrolment_id: p.id for p in session.exec(select(Payment))}
    for enrolment in henan[:4]:  # two paid (释之), one owed by FINANCE (释之), one owed by CIVIL (凤瑞)
        reverse_payment(engine, COUNTY, ReversalInput(payments[enrolment.id], "误收", f"rev-{enrolment.id}"))
    rows = {(r.enrolment_id, r.kind, r.status, r.amount_fen) for r in refunds_of(engine)}
    for paid in henan[:2]:
        assert {(paid.id, "COLLECT_THEN_REFUND", "PAID", 20000), (paid.id, "RECOVERY", "OWED", 20000)} <= rows
    for owed in henan[2:4]:
        assert {(kind, status) for e, kind, status, _ in rows if e == owed.id} == {
            ("COLLECT_THEN_REFUND", "CANCELLED")
        }
    expected = expected_ledger(paid={("CIVIL_AFFAIRS", SHIZHI)})
    expected[("CIVIL_AFFAIRS", SHIZHI)] = (0, 40000, 0, 0, 2, 0)  # nothing owed now; 400 to come back
    del expected[("FINANCE", SHIZHI)]
    del expected[("CIVIL_AFFAIRS", FENGRUI)]
    assert ledger(engine) == expected
    with Session(engine) as session:
        [shizhi] = [
            r for r in refund_ledger(session, EVERYTHING, SHIZHI, 2022) if r.department == "CIVIL_AFFAIRS"
        ]
    assert (shizhi.to_recover_fen, shizhi.recovered_fen, shizhi.to_recover_count) == (40000, 0, 2)
    # owed − paid − outstanding + to recover: every yuan paid out is owed or on its way back.
    assert shizhi.owed_fen == shizhi.paid_fen + shizhi.outstanding_fen - shizhi.to_recover_fen


def test_a_recovery_is_recorded_once_even_by_two_clerks_at_once(henan, engine):
    pay_refunds(engine, COUNTY, payout("CIVIL_AFFAIRS", SHIZHI, "civil-shizhi"))
    with Session(engine) as session:
        payment = session.exec(select(Payment).where(Payment.enrolment_id == henan[0].id)).one()
    reverse_payment(engine, COUNTY, ReversalInput(payment.id, "误收", "rev-1"))
    [recovery] = [r for r in refunds_of(engine) if r.kind == "RECOVERY"]

    def recover():
        try:
            return record_recovery(engine, COUNTY, recovery.id, PAID_ON, "收据-0001").status
        except InputError as refused:
            return ",".join(f"{e.field} {e.code}" for e in refused.errors)

    assert sorted(at_once(6, recover)) == ["PAID"] + ["recoveryId CONFLICT"] * 5
    with Session(engine) as session:
        [row] = session.exec(select(Refund).where(Refund.kind == "RECOVERY")).all()
    assert (row.status, row.paid_on, row.payment_reference) == ("PAID", PAID_ON, "收据-0001")
    [shizhi] = [v for k, v in ledger(engine).items() if k == ("CIVIL_AFFAIRS", SHIZHI)]
    with Session(engine) as session:
        [full] = [
            r for r in refund_ledger(session, EVERYTHING, SHIZHI, 2022) if r.department == "CIVIL_AFFAIRS"
        ]
    assert (full.to_recover_fen, full.recovered_fen) == (20000, 20000) and shizhi[0] == 20000


def test_a_refund_without_an_account_waits_and_is_paid_once_the_account_is_recorded(engine):
    person = resident(engine, COUNTY, SHIZHI, "MINIMUM_LIVING", since=date(2021, 1, 1))
    enrolled_and_paid(engine, COUNTY, person, HENAN, "320.00", date(2021, 10, 8), account=None)
    [refund] = refunds_of(engine)
    assert (refund.status, refund.payee_account) == ("OWED", None)
    with pytest.raises(InputError) as refused:
        pay_refunds(engine, COUNTY, payout("CIVIL_AFFAIRS", "411322", "civil-1"))
    assert "1 笔缺少收款账户" in refused.value.errors[0].message

    set_refund_payee(engine, COUNTY, refund.id, PayeeAccount("BANK_CARD", "6222-0210-0101-2345"))
    batch = pay_refunds(engine, COUNTY, payout("CIVIL_AFFAIRS", "411322", "civil-1"))
    [paid] = refunds_of(engine)
    assert (batch.count, paid.status, paid.payee_account_kind, paid.payee_account) == (
        1,
        "PAID",
        "BANK_CARD",
        "6222021001012345",
    )
    assert paid.payment_reference == "代发-2022-01"
    with pytest.raises(InputError) as late:  # a paid refund keeps the account it was paid to
        set_refund_payee(engine, COUNTY, refund.id, ONE_CARD)
    assert (late.value.errors[0].field, late.value.errors[0].code) == ("refundId", "CONFLICT")


@pytest.mark.parametrize("number", ["12345", "6217abc000123456", "1" * 31])
def test_an_account_number_that_is_not_one_is_refused_naming_the_field(engine, number):
    person = resident(engine, COUNTY, SHIZHI, "MINIMUM_LIVING", since=date(2021, 1, 1))
    before = stored(engine)
    with pytest.raises(InputError) as refused:
        enrolled_and_paid(
            engine,
            COUNTY,
            person,
            HENAN,
            "320.00",
            date(2021, 10, 8),
            account=PayeeAccount("ONE_CARD", number),
        )
    assert [(e.field, e.code) for e in refused.value.errors] == [("refundAccount.number", "INVALID")]
    assert {k: v for k, v in stored(engine).items() if k not in ("enrolment", "audit_event")} == {
        k: v for k, v in before.items() if k not in ("enrolment", "audit_event")
    }


def test_simultaneous_payouts_pay_each_refund_once(henan, engine):
    """Ten payouts at once, each with its own key: one batch pays, the rest find nothing owed."""
    keys = iter(range(10))

    def pay_at_once():
        try:
            return pay_refunds(engine, COUNTY, payout("CIVIL_AFFAIRS", "411322", f"race-{next(keys)}"))
        except InputError as refused:
            return [(e.field, e.code) for e in refused.errors]

    results = at_once(10, pay_at_once)
    batches = [r for r in results if not isinstance(r, list)]
    assert len(batches) == 1 and (batches[0].count, batches[0].amount_fen) == (3, 60000)
    assert [r for r in results if isinstance(r, list)] == [[("department", "NOT_FOUND")]] * 9
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(RefundBatch)).one() == 1
    assert ledger(engine) == expected_ledger(paid={("CIVIL_AFFAIRS", SHIZHI), ("CIVIL_AFFAIRS", FENGRUI)})
