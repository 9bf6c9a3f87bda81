"""Ending an enrolment: 筑医保通〔2021〕34号 五（三） refunds on request, together with the termination.

The notice sets no cut at the start of coverage (docs/policies/guizhou-520100-2022.md R18): a
request before or after 2022-01-01 is refunded what was paid, and coverage ends on the request date.
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from tests.support.concurrency import at_once
from tests.support.db_state import stored
from tests.support.guiyang import ADMIN, PAID_ON, paid_guiyang, terminate
from tests.support.henan import RULES, enrolled_and_paid, resident
from yibao.core.audit import Actor
from yibao.core.errors import InputError
from yibao.core.models import AuditEvent, Enrolment, Entitlement, Payment, Person, Refund
from yibao.core.scope import Scope
from yibao.core.services.coverage import coverage_on
from yibao.core.services.payments import PaymentInput, ReversalInput, record_payment, reverse_payment
from yibao.core.services.refund_payouts import RefundPayout, pay_refunds
from yibao.core.services.termination import TerminationInput, terminate_enrolment

EVERYTHING = Scope(path=None)


def rows(engine, model, enrolment: Enrolment) -> list:
    with Session(engine) as session:
        return list(session.exec(select(model).where(model.enrolment_id == enrolment.id).order_by(model.id)))


def covered(engine, enrolment: Enrolment, on: date) -> bool:
    with Session(engine) as session:
        number = session.get(Person, enrolment.person_id).id_number
        return coverage_on(session, EVERYTHING, number, on).covered


def test_the_day_before_coverage_starts_refunds_what_was_paid_through_the_tax_office(engine):
    enrolment = paid_guiyang(engine)
    assert covered(engine, enrolment, date(2022, 1, 1))

    ended = terminate(engine, enrolment, date(2021, 12, 31), refund=True)

    assert (ended.status, ended.terminated_on, ended.termination_reason) == (
        "TERMINATED",
        date(2021, 12, 31),
        "迁出本市，申请退费",
    )
    [refund] = rows(engine, Refund, enrolment)
    assert (refund.kind, refund.amount_fen, refund.department, refund.status, refund.payment_id) == (
        "TERMINATION",
        32000,
        "TAX",
        "OWED",
        None,
    )
    assert "筑医保通〔2021〕34号 五（三）" in refund.reason and "黔税发〔2020〕6号" in refund.reason
    assert "320.00" in refund.reason
    assert rows(engine, Entitlement, enrolment) == []
    assert not covered(engine, enrolment, date(2022, 3, 1))
    with Session(engine) as session:
        trail = select(AuditEvent.action).where(AuditEvent.actor == ADMIN.name).order_by(AuditEvent.id)
        actions = list(session.exec(trail))
    assert actions[-3:] == ["end_entitlement", "terminate_enrolment", "owe_refund"]
    # The tax office then pays it in a batch like any refund, to the account given.
    batch = pay_refunds(engine, ADMIN, RefundPayout("TAX", "520111", date(2022, 1, 5), "tax-1", "税务退库-1"))
    assert (batch.count, batch.amount_fen) == (1, 32000)
    [paid] = rows(engine, Refund, enrolment)
    assert (paid.payee_account, paid.payment_reference) == ("6222021001012345", "税务退库-1")


def test_after_coverage_started_the_refund_is_made_and_coverage_ends_on_the_request_date(engine):
    """五（三） sets no cut at the start of coverage: "可在终止相关居民医保参保关系的同时，依申请为个人
    办理退费". The day a benefit was available stays covered; what was paid is refunded."""
    enrolment = paid_guiyang(engine)
    terminate(engine, enrolment, date(2022, 1, 1), refund=True)
    [refund] = rows(engine, Refund, enrolment)
    assert (refund.kind, refund.amount_fen, refund.status) == ("TERMINATION", 32000, "OWED")
    [entitlement] = rows(engine, Entitlement, enrolment)
    assert (entitlement.start_date, entitlement.end_date) == (date(2022, 1, 1), date(2022, 1, 1))
    assert covered(engine, enrolment, date(2022, 1, 1)) and not covered(engine, enrolment, date(2022, 1, 2))


def test_without_a_refund_an_enrolment_ends_after_coverage_started_on_the_day_of_the_request(engine):
    enrolment = paid_guiyang(engine)
    ended = terminate(engine, enrolment, date(2022, 5, 10), refund=False)  # e.g. death
    assert ended.status == "TERMINATED"
    [entitlement] = rows(engine, Entitlement, enrolment)
    assert (entitlement.start_date, entitlement.end_date) == (date(2022, 1, 1), date(2022, 5, 10))
    assert covered(engine, enrolment, date(2022, 5, 10)) and not covered(engine, enrolment, date(2022, 5, 11))
    assert rows(engine, Refund, enrolment) == []
    # A terminated enrolment takes no payment.
    with pytest.raises(InputError) as refused:
        record_payment(
            engine,
            ADMIN,
            PaymentInput(enrolment.id, Decimal("320.00"), PAID_ON, "VILLAGE_CASH", "late"),
            RULES,
        )
    assert refused.value.errors[0].field == "enrolmentId"


def test_without_a_refund_before_coverage_starts_no_coverage_remains(engine):
    enrolment = paid_guiyang(engine)
    terminate(engine, enrolment, date(2021, 11, 1), refund=False)
    assert rows(engine, Entitlement, enrolment) == [] and rows(engine, Refund, enrolment) == []


def test_a_policy_without_a_refund_clause_refuses_the_refund(engine):
    dongzhi = Actor("admin-341721", "COUNTY_ADMIN", "341721")
    person = resident(engine, dongzhi, "341721")
    enrolment = enrolled_and_paid(engine, dongzhi, person, "anhui/341721/2022", "320.00", PAID_ON)
    before = stored(engine)
    with pytest.raises(InputError) as refused:
        terminate(engine, enrolment, date(2021, 11, 1), refund=True, actor=dongzhi)
    [error] = refused.value.errors
    assert (error.field, error.message.split("（")[0]) == ("refund", "该政策未规定退费")
    assert stored(engine) == before


def test_nothing_paid_net_of_reversals_leaves_nothing_to_refund(engine):
    enrolment = paid_guiyang(engine)
    [payment] = rows(engine, Payment, enrolment)
    reverse_payment(engine, ADMIN, ReversalInput(payment.id, "误收", "rev-1"))
    fully_subsidised = paid_guiyang(engine, "EXTREME_POVERTY", amount="0.00")
    before = stored(engine)
    for target in (enrolment, fully_subsidised):
        with pytest.raises(InputError) as refused:
            terminate(engine, target, date(2021, 11, 1), refund=True)
        assert refused.value.errors[0].message.startswith("未缴纳费用")
    assert stored(engine) == before


def test_a_retried_key_answers_the_same_enrolment_and_a_second_termination_is_refused(engine):
    enrolment = paid_guiyang(engine)
    first = terminate(engine, enrolment, date(2021, 12, 1), refund=True, key="t-1")
    before = stored(engine)
    again = terminate(engine, enrolment, date(2021, 12, 1), refund=True, key="t-1")
    assert (again.id, again.status) == (first.id, "TERMINATED")
    with pytest.raises(InputError) as refused:
        terminate(engine, enrolment, date(2021, 12, 2), refund=True, key="t-2")
    assert (refused.value.errors[0].field, refused.value.errors[0].code) == ("enrolmentId", "CONFLICT")
    assert stored(engine) == before
    assert len(rows(engine, Refund, enrolment)) == 1


def test_refused_requests_name_the_field(engine):
    enrolment = paid_guiyang(engine)
    other_county = Actor("admin-341721", "COUNTY_ADMIN", "341721")
    before = stored(engine)
    cases = [
        (ADMIN, TerminationInput(enrolment.id, " ", date(2021, 12, 1)), "reason", "REQUIRED"),
        (ADMIN, TerminationInput(enrolment.id, "x" * 201, date(2021, 12, 1)), "reason", "INVALID"),
        (ADMIN, TerminationInput(enrolment.id, "死亡", None), "requestedOn", "REQUIRED"),
        (other_county, TerminationInput(enrolment.id, "死亡", date(2021, 12, 1)), "enrolmentId", "NOT_FOUND"),
        (ADMIN, TerminationInput(10**6, "死亡", date(2021, 12, 1)), "enrolmentId", "NOT_FOUND"),
    ]
    for actor, request, field, code in cases:
        with pytest.raises(InputError) as refused:
            terminate_enrolment(engine, actor, RULES, request)
        assert (refused.value.errors[0].field, refused.value.errors[0].code) == (field, code), request
    assert stored(engine) == before


def test_simultaneous_requests_end_and_refund_an_enrolment_once(engine):
    enrolment = paid_guiyang(engine)
    keys = iter(range(8))

    def request():
        try:
            return terminate(engine, enrolment, date(2021, 12, 1), refund=True, key=f"race-{next(keys)}").id
        except InputError as refused:
            return [(e.field, e.code) for e in refused.errors]

    results = at_once(8, request)
    assert sorted(results, key=str) == sorted([enrolment.id] + [[("enrolmentId", "CONFLICT")]] * 7, key=str)
    [refund] = rows(engine, Refund, enrolment)
    assert refund.amount_fen == 32000


def test_a_terminated_enrolment_s_payment_cannot_be_reversed_so_nothing_is_refunded_twice(engine):
    enrolment = paid_guiyang(engine)
    terminate(engine, enrolment, date(2021, 12, 31), refund=True)
    [payment] = rows(engine, Payment, enrolment)
    before = stored(engine)
    with pytest.raises(InputError) as refused:
        reverse_payment(engine, ADMIN, ReversalInput(payment.id, "重复缴费", "rv-after-termination"))
    assert [(e.field, e.code) for e in refused.value.errors] == [("paymentId", "CONFLICT")]
    assert stored(engine) == before
