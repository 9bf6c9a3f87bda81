"""Registering, enrolling and paying for the issue-16 tests through the services, as a county would."""

from datetime import date
from decimal import Decimal
from itertools import count

from tests.support.factories import id_number
from yibao.core.audit import Actor
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.payments import PaymentInput, record_payment
from yibao.core.services.persons import PersonInput
from yibao.core.services.regions import RegionInput, add_region

COUNTY = Actor("admin-341721", "COUNTY_ADMIN", "341721")
TOWN, VILLAGE, OTHER = "341721001", "341721001001", "341721001002"
_seq = count(300)


def villages(engine, actor: Actor = COUNTY) -> None:
    """东至县 → 尧渡镇 → two villages (the seed stops at the county)."""
    add_region(engine, actor, RegionInput(TOWN, "341721", "尧渡镇"))
    add_region(engine, actor, RegionInput(VILLAGE, TOWN, "新建村"))
    add_region(engine, actor, RegionInput(OTHER, TOWN, "东风村"))


def number(born: date = date(1980, 5, 17), region: str = "341721", male: bool = True) -> str:
    return id_number(region, born=born, seq=next(_seq), male=male)


def household(engine, region: str, *people: tuple[str, str], actor: Actor = COUNTY, phone: str | None = None):
    """A household of (name, ID number) members, the first its head; person ids by name."""
    members = [
        MemberInput(
            PersonInput(name=name, hukou_region_code=region, id_number=n, phone=phone), is_head=i == 0
        )
        for i, (name, n) in enumerate(people)
    ]
    register_household(engine, actor, HouseholdInput(region, members))
    from sqlmodel import Session, col, select

    from yibao.core.models import Person

    with Session(engine) as session:
        found = session.exec(select(Person).where(col(Person.id_number).in_([n for _, n in people]))).all()
        return {p.name: p.id for p in found}


def enrolled(engine, rules, person_id: int, policy: str, on: date, actor: Actor = COUNTY, **more):
    year = int(policy.rsplit("/", 1)[1])
    return enrol(
        engine, actor, EnrolmentInput(person_id, year, policy, f"e-{person_id}-{year}", on=on, **more), rules
    )


def paid(
    engine, rules, enrolment, amount: str, on: date, channel: str = "VILLAGE_CASH", actor: Actor = COUNTY
):
    data = PaymentInput(enrolment.id, Decimal(amount), on, channel, f"p-{enrolment.id}")
    return record_payment(engine, actor, data, rules)
