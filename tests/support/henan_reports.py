"""A 方城县 collection campaign seeded for the Henan plugin's reports (ranking, bulletin, notice)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from tests.support.factories import id_number
from yibao.core.audit import Actor
from yibao.core.models import Person
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.payments import PaymentInput, ReversalInput, record_payment, reverse_payment
from yibao.core.services.persons import PersonInput
from yibao.core.services.regions import RegionInput, add_region
from yibao.core.testing.scenarios import registry

HENAN = "henan/411322/2022"


COUNTY = Actor("admin-411322", "COUNTY_ADMIN", "411322")


SHIZHI, FENGRUI, ZHEYANG, GUANGAN = "411322001", "411322002", "411322003", "411322004"


EAST, WEST, FENG = "411322001001", "411322001002", "411322002001"


VILLAGES = {EAST: (SHIZHI, "东村"), WEST: (SHIZHI, "西村"), FENG: (FENGRUI, "凤村")}


AS_OF = date(2021, 11, 15)


RULES = registry()


CASH, COUNTER, WECHAT, ALIPAY = "VILLAGE_CASH", "CREDIT_UNION_COUNTER", "HENAN_TAX", "ALIPAY"


@dataclass(frozen=True)
class Paid:
    name: str
    region: str  # where the person is enrolled: a village or a township itself
    paid_on: date
    channel: str
    reversed: bool = False  # reversed today, long after every as-of date below but the last


SEED = [
    Paid("张三", EAST, date(2021, 10, 8), CASH),
    Paid("李小四", EAST, AS_OF - timedelta(days=14), CASH),  # 11-01: in the earlier figure
    Paid("欧阳小华", EAST, date(2021, 11, 10), CASH),
    Paid("王五", WEST, AS_OF - timedelta(days=15), CASH),  # 10-31
    Paid("赵六", WEST, AS_OF - timedelta(days=13), COUNTER),  # 11-02: in the fortnight; not the village's
    Paid("钱七", FENG, AS_OF - timedelta(days=6), CASH),  # 11-09: this week
    Paid("孙八", FENG, AS_OF - timedelta(days=7), CASH),  # 11-08: last week
    Paid("周九九", FENG, date(2021, 11, 20), CASH, reversed=True),  # after AS_OF
    Paid("吴十", FENGRUI, date(2021, 10, 10), WECHAT),
    Paid("郑十一", ZHEYANG, date(2021, 10, 5), ALIPAY),
    Paid("冯十二", ZHEYANG, date(2021, 10, 6), ALIPAY),
    Paid("陈十三", ZHEYANG, AS_OF, ALIPAY),  # the as-of day itself counts
]


def seed_campaign(engine) -> dict[str, str]:
    """Villages, SEED's persons enrolled and paid; their ID numbers by name."""
    for code, (parent, name) in VILLAGES.items():
        add_region(engine, COUNTY, RegionInput(code, parent, name))
    numbers = {}
    for n, row in enumerate(SEED, 1):
        number = id_number("411322", seq=n)
        person = PersonInput(name=row.name, hukou_region_code=row.region, id_number=number)
        register_household(
            engine,
            COUNTY,
            HouseholdInput(row.region, [MemberInput(person=person, is_head=True, relation="户主")]),
        )
        with Session(engine) as session:
            person_id = session.exec(select(Person.id).where(Person.id_number == number)).one()
        # Registered the day the money is collected (四（三） "收到缴款后在缴费清册上…做好缴费人信息登记").
        intent = EnrolmentInput(person_id, 2022, HENAN, f"e-{n}", region_code=row.region, on=row.paid_on)
        enrolment = enrol(engine, COUNTY, intent, RULES)
        payment = record_payment(
            engine,
            COUNTY,
            PaymentInput(enrolment.id, Decimal("320"), row.paid_on, row.channel, f"p-{n}"),
            RULES,
        )
        if row.reversed:
            reverse_payment(engine, COUNTY, ReversalInput(payment.id, "重复缴费", f"r-{n}"))
        numbers[row.name] = number
    return numbers
