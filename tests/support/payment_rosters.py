"""A village's collected roster (缴费清册) as a file, its people, and the ledger it leaves."""

import csv
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from tests.support.factories import id_number, wrong_check_digit
from yibao.core.audit import Actor
from yibao.core.models import Enrolment, Payment
from yibao.core.services.categories import CategoryInput, record_category
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.persons import PersonInput
from yibao.core.testing.scenarios import registry

POLICY = "henan/411322/2022"


VILLAGE = "411322001"  # 释之街道


ADMIN = Actor(name="clerk-fc", role="COUNTY_ADMIN", region_code="411322")


HEADER = ["序号", "姓名", "身份证号码", "缴费金额", "缴费日期", "缴费方式"]


FATHER = id_number("411322", date(1975, 3, 9), 11)


MOTHER = id_number("411322", date(1978, 7, 21), 12, male=False)


CHILD = id_number("411322", date(2010, 1, 2), 13)


LOW_INCOME = id_number("411322", date(1950, 2, 3), 14)  # 低保: collect 320, refund 200


LATE = id_number("411322", date(1960, 4, 5), 15)


NAMED = id_number("411322", date(1961, 4, 5), 16)


WECHAT = id_number("411322", date(1962, 4, 5), 17)


STRANGER = id_number("411322", date(1990, 1, 1), 99)  # never registered


PEOPLE = {
    FATHER: "王大山",
    MOTHER: "李秀英",
    CHILD: "王小明",
    LOW_INCOME: "赵低保",
    LATE: "钱晚缴",
    NAMED: "孙正名",
    WECHAT: "周微信",
}


def rules():
    return registry().with_parameters(POLICY, {"refund.MINIMUM_LIVING": "200.00"})


def register(engine) -> dict[str, int]:
    """The village's residents, one household; the 低保 person enrolled beforehand by a clerk."""
    household = register_household(
        engine,
        ADMIN,
        HouseholdInput(
            address_region_code=VILLAGE,
            address="方城县释之街道某村",
            members=[
                MemberInput(
                    person=PersonInput(name=name, id_number=number, hukou_region_code=VILLAGE),
                    relation="户主" if i == 0 else "其他",
                    is_head=i == 0,
                )
                for i, (number, name) in enumerate(PEOPLE.items())
            ],
        ),
    )
    with Session(engine) as session:
        from yibao.core.models import HouseholdMember, Person

        rows = session.exec(
            select(Person).join(HouseholdMember).where(HouseholdMember.household_id == household.id)
        ).all()
        ids = {p.id_number: p.id for p in rows}
    record_category(
        engine,
        ADMIN,
        CategoryInput(ids[LOW_INCOME], "MINIMUM_LIVING", since=date(2021, 7, 1)),
        {"MINIMUM_LIVING"},
        None,
    )
    enrol(
        engine,
        ADMIN,
        EnrolmentInput(ids[LOW_INCOME], 2022, POLICY, "clerk-enrol-1", on=date(2021, 9, 20)),
        rules(),
    )
    return ids


ROWS = [
    # row 2..
    ["1", "王大山", FATHER, "320", "2021-10-08", ""],  # default channel: the village's collection
    ["2", "李秀英", MOTHER, "320.00", "2021/10/9", "现金"],
    ["3", "王小明", CHILD, "300", "2021-10-09", ""],  # wrong amount
    ["4", "赵低保", LOW_INCOME, "320元", "2021年10月10日", "信用社网点"],
    ["5", "钱晚缴", LATE, "320", "2022-02-01", ""],  # after the last window
    ["6", "某某", STRANGER, "320", "2021-10-11", ""],  # not registered
    ["7", "王大山", FATHER, "320", "2021-10-08", ""],  # row 2 again
    ["8", "坏号码", wrong_check_digit(CHILD), "320", "2021-10-11", ""],
    ["9", "孙错名", NAMED, "320", "2021-10-11", ""],  # name differs from the registered one
    ["10", "周微信", WECHAT, "320", "2021-10-11", "微信"],  # a channel 35号 does not name
]


def write(path: Path, rows=ROWS, header=HEADER) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def ledger(engine) -> list[tuple]:
    with Session(engine) as session:
        from yibao.core.models import Person

        rows = session.exec(
            select(
                Person.id_number, Payment.amount_fen, Payment.paid_on, Payment.channel, Payment.receipt_number
            )
            .join(Enrolment, Enrolment.id == Payment.enrolment_id)
            .join(Person, Person.id == Enrolment.person_id)
            .order_by(Payment.receipt_seq)
        ).all()
    return [tuple(r) for r in rows]
