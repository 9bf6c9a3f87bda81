"""东至县's households paid in part: five families whose members meet every fate a report must tell
apart — paid, unpaid (registered), reversed, refused, none (not registered), departed, ended.

The partially-paid-households report (tests/core/reports/test_households.py) and the dashboard's
campaign views (tests/core/reports/test_campaign_views.py) write their expected rows out from them.
"""

from datetime import date
from decimal import Decimal
from itertools import count

from sqlmodel import Session, select

from tests.support.factories import id_number
from yibao.core.audit import Actor
from yibao.core.models import Person
from yibao.core.plugins import load_registry
from yibao.core.services.departures import DepartureInput, record_departure
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.payments import PaymentInput, ReversalInput, record_payment, reverse_payment
from yibao.core.services.persons import PersonInput
from yibao.core.services.regions import RegionInput, add_region
from yibao.core.services.termination import TerminationInput, terminate_enrolment

RULES = load_registry()
POLICY = "anhui/341721/2022"
COUNTY = Actor("admin-341721", "COUNTY_ADMIN", "341721")
TOWN, VILLAGE, OTHER = "341721001", "341721001001", "341721001002"
ON = date(2021, 10, 8)  # in the window (一)
BEFORE = date(2021, 9, 1)  # before it: the quote is refused
_seq = count(1)

# What happens to each member: paid, unpaid (registered), reversed, refused, none (not
# registered), departed, ended (enrolled, then terminated).
HOUSEHOLDS = {
    "王": (VILLAGE, ["paid", "unpaid", "none", "departed"]),
    "李": (VILLAGE, ["paid", "paid"]),  # whole: not listed
    "张": (VILLAGE, ["unpaid", "none"]),  # nobody insured: not listed
    "赵": (OTHER, ["paid", "refused", "reversed"]),
    "钱": (OTHER, ["paid", "ended", "departed"]),  # the rest need not pay: not listed
}


def person(region: str, name: str) -> PersonInput:
    return PersonInput(name=name, hukou_region_code=region, id_number=id_number("341721", seq=next(_seq)))


def household(engine, surname: str) -> list[int]:
    region, fates = HOUSEHOLDS[surname]
    members = [
        MemberInput(
            person=person(region, f"{surname}{i}"), is_head=i == 0, relation="户主" if i == 0 else "家庭成员"
        )
        for i in range(len(fates))
    ]
    register_household(engine, COUNTY, HouseholdInput(region, members))
    with Session(engine) as session:
        numbers = [m.person.id_number for m in members]
        return [session.exec(select(Person.id).where(Person.id_number == n)).one() for n in numbers]


def enrolled(engine, person_id: int, on: date = ON):
    return enrol(engine, COUNTY, EnrolmentInput(person_id, 2022, POLICY, f"e-{person_id}", on=on), RULES)


def paid(engine, person_id: int):
    enrolment = enrolled(engine, person_id)
    data = PaymentInput(enrolment.id, Decimal("320.00"), ON, "VILLAGE_CASH", f"p-{person_id}")
    return enrolment, record_payment(engine, COUNTY, data, RULES)


def seed_regions(engine) -> None:
    """尧渡镇 and its two villages."""
    add_region(engine, COUNTY, RegionInput(TOWN, "341721", "尧渡镇"))
    add_region(engine, COUNTY, RegionInput(VILLAGE, TOWN, "新建村"))
    add_region(engine, COUNTY, RegionInput(OTHER, TOWN, "永丰村"))


def seed_households(engine) -> None:
    """The 尧渡镇 villages and the households of HOUSEHOLDS, each member meeting their fate."""
    seed_regions(engine)
    for surname, (_, fates) in HOUSEHOLDS.items():
        for person_id, fate in zip(household(engine, surname), fates, strict=True):
            if fate == "paid":
                paid(engine, person_id)
            elif fate == "unpaid":
                enrolled(engine, person_id)
            elif fate == "refused":
                assert enrolled(engine, person_id, BEFORE).amount_due_fen is None
            elif fate == "reversed":
                _, payment = paid(engine, person_id)
                reverse_payment(engine, COUNTY, ReversalInput(payment.id, "收款有误", f"r-{person_id}"))
            elif fate == "ended":
                enrolment, _ = paid(engine, person_id)
                terminate_enrolment(engine, COUNTY, RULES, TerminationInput(enrolment.id, "参加职工医保", ON))
            elif fate == "departed":
                record_departure(engine, COUNTY, DepartureInput(person_id, "DEATH", date(2021, 9, 1)))


def head_number(engine, surname: str) -> str:
    with Session(engine) as session:
        return session.exec(select(Person.id_number).where(Person.name == f"{surname}0")).one()
