"""方城县 (henan/411322/2022) residents, paid enrolments and the refund campaign the refund tests share."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from itertools import count

from sqlmodel import Session, select

from tests.support.factories import id_number
from yibao.core.audit import Actor
from yibao.core.models import Enrolment, Person, Region
from yibao.core.services.categories import CategoryInput, record_category
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.payments import PaymentInput, record_payment
from yibao.core.services.persons import PersonInput
from yibao.core.services.refunds import PayeeAccount
from yibao.core.testing.scenarios import registry

HENAN = "henan/411322/2022"


SHIZHI, FENGRUI = "411322001", "411322002"  # 释之街道, 凤瑞街道


VILLAGE = "411322001001"  # a village of 释之街道, added by the county


RULES = registry().with_parameters(
    HENAN, {"refund.MINIMUM_LIVING": "200.00", "refund.OUT_OF_POVERTY": "150.00"}
)


COUNTY = Actor("admin-411322", "COUNTY_ADMIN", "411322")


ONE_CARD = PayeeAccount("ONE_CARD", "6217 0000 1234 5678")  # the person's 一卡通


_seq = count(100)


def resident(
    engine, actor: Actor, region: str, category: str | None = None, since=date(2021, 7, 1)
) -> Person:
    """A one-person household in `region`, with a hardship identity if given."""
    n = next(_seq)
    person = PersonInput(name=f"居民{n}", hukou_region_code=region, id_number=id_number(region[:6], seq=n))
    register_household(
        engine, actor, HouseholdInput(region, [MemberInput(person=person, is_head=True, relation="户主")])
    )
    with Session(engine) as session:
        row = session.exec(select(Person).where(Person.id_number == person.id_number)).one()
    if category:
        record_category(engine, actor, CategoryInput(row.id, category, since=since), RULES.categories, None)
    return row


def channel(policy: str, rules=RULES) -> str:
    """A channel the policy's notice names (the first), or the plain counter where it names none."""
    channels = getattr(rules.get(policy), "channels", ())
    return channels[0][0] if channels else "CASH"


def enrolled_and_paid(
    engine,
    actor: Actor,
    person: Person,
    policy: str,
    amount: str,
    paid_on: date,
    rules=RULES,
    account=ONE_CARD,
) -> Enrolment:
    year = int(policy.rsplit("/", 1)[1])
    key = f"e-{person.id}"
    enrolment = enrol(
        engine,
        actor,
        EnrolmentInput(person.id, year, policy, key, region_code=person.hukou_region_code),
        rules,
    )
    record_payment(
        engine,
        actor,
        PaymentInput(
            enrolment.id,
            Decimal(amount),
            paid_on,
            channel(policy, rules),
            f"p-{person.id}",
            refund_account=account,
        ),
        rules,
    )
    return enrolment


# (township, region of the enrolment, category) → the department and the amount owed back.
FIXTURE = [
    (SHIZHI, VILLAGE, "MINIMUM_LIVING", "CIVIL_AFFAIRS", 20000),
    (SHIZHI, SHIZHI, "MINIMUM_LIVING", "CIVIL_AFFAIRS", 20000),
    (SHIZHI, SHIZHI, "OUT_OF_POVERTY", "FINANCE", 15000),
    (FENGRUI, FENGRUI, "MINIMUM_LIVING", "CIVIL_AFFAIRS", 20000),
    (FENGRUI, FENGRUI, "OUT_OF_POVERTY", "FINANCE", 15000),
    (FENGRUI, FENGRUI, "OUT_OF_POVERTY", "FINANCE", 15000),
    (FENGRUI, FENGRUI, None, None, 0),  # an ordinary payer: nothing owed back
]


def henan_campaign(engine) -> list[Enrolment]:
    """FIXTURE's persons registered, enrolled and paid in 方城县; their enrolments in FIXTURE's order."""
    with Session(engine) as session, session.begin():
        parent = session.get(Region, SHIZHI)
        session.add(
            Region(
                code=VILLAGE,
                parent_code=SHIZHI,
                level="village",
                name="某村",
                path=f"{parent.path}{VILLAGE}/",
            )
        )
    enrolments = []
    for _, region, category, _, _ in FIXTURE:
        person = resident(engine, COUNTY, region, category, since=date(2021, 1, 1))
        # 二（一）: everyone pays the full 320 in the window; the subsidy comes back afterwards.
        enrolments.append(enrolled_and_paid(engine, COUNTY, person, HENAN, "320.00", date(2021, 10, 8)))
    return enrolments


def expected_ledger(paid: set[tuple[str, str]]) -> dict:
    """Summed from FIXTURE: (department, township) → owed, paid, outstanding, and their counts."""
    sums = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for township, _, _, department, amount in FIXTURE:
        if department is None:
            continue
        row = sums[(department, township)]
        done = (department, township) in paid
        row[0] += amount
        row[1] += amount if done else 0
        row[2] += 0 if done else amount
        row[3] += 1
        row[4] += 1 if done else 0
        row[5] += 0 if done else 1
    return {key: tuple(value) for key, value in sums.items()}
