"""Paid residents and tax confirmation rows for the tax reconciliation tests."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from sqlmodel import Session, select

from tests.support.factories import id_number
from yibao.core.audit import Actor
from yibao.core.models import Payment, Person
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.payments import PaymentInput, record_payment
from yibao.core.services.persons import PersonInput
from yibao.core.services.tax_confirmations import ConfirmationInput
from yibao.core.testing.scenarios import registry

POLICY = "henan/411322/2022"  # 方城县, 320 yuan (方政办明电〔2021〕35号 二)


COUNTY, SHIZHI, FENGRUI = "411322", "411322001", "411322002"  # 方城县, 释之街道, 凤瑞街道


ADMIN = Actor("admin-411322", "COUNTY_ADMIN", COUNTY)


RULES = registry()


ENROLLED_ON, PAID_ON = date(2021, 9, 20), date(2021, 10, 8)


_seq = count(200)


def paid_resident(engine, region: str) -> Payment:
    """A one-person household of `region`, enrolled for 2022 and paid in full; its payment."""
    n = next(_seq)
    number = id_number(COUNTY, date(1970, 1, 1) + timedelta(days=n // 400), seq=n % 400)
    person = PersonInput(name=f"居民{n}", hukou_region_code=region, id_number=number)
    register_household(engine, ADMIN, HouseholdInput(region, [MemberInput(person=person, is_head=True)]))
    with Session(engine) as session:
        person_id = session.exec(select(Person.id).where(Person.id_number == number)).one()
    enrolment = enrol(engine, ADMIN, EnrolmentInput(person_id, 2022, POLICY, f"e-{n}", on=ENROLLED_ON), RULES)
    return record_payment(
        engine, ADMIN, PaymentInput(enrolment.id, Decimal("320"), PAID_ON, "VILLAGE_CASH", f"p-{n}"), RULES
    )


def row(ticket: str, receipt: str, amount="320.00", treasury=date(2021, 10, 15)) -> ConfirmationInput:
    return ConfirmationInput(ticket, receipt, Decimal(amount) if amount is not None else None, treasury)
