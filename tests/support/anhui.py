"""东至县 and 贵池区 campaigns (enrolments, payments, reversals) for the Anhui plugin's reports."""

from collections import defaultdict
from datetime import date
from itertools import count

from sqlmodel import Session, select

from tests.support.factories import id_number
from yibao.core.audit import Actor
from yibao.core.db import transaction
from yibao.core.models import Enrolment, Person
from yibao.core.money import fen_to_yuan
from yibao.core.reports import ReportArgs
from yibao.core.scope import Scope
from yibao.core.services.categories import CategoryInput, record_category
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.payments import PaymentInput, ReversalInput, record_payment, reverse_payment
from yibao.core.services.persons import PersonInput
from yibao.core.services.regions import RegionInput, add_region
from yibao.core.testing.scenarios import registry

RULES = registry()


_seq = count(1)


DONGZHI = Actor("admin-341721", "COUNTY_ADMIN", "341721")


DONGZHI_POLICY = "anhui/341721/2022"


YAODU, DONGLIU, DADUKOU = "341721001", "341721002", "341721003"


YAODU_VILLAGE, DONGLIU_VILLAGE = "341721001001", "341721002001"


# 二: 320 a person; 四（三）1: 低保 pay 30, 特困 are fully subsidised (0.00).
DUE_FEN = {None: 32000, "MINIMUM_LIVING": 3000, "EXTREME_POVERTY": 0}


# (township, registered in, category, ledger events in order)
DONGZHI_FIXTURE = [
    (YAODU, YAODU_VILLAGE, None, ("pay",)),
    (YAODU, YAODU, "EXTREME_POVERTY", ("pay",)),  # a 0.00 payment is a receipt too
    (YAODU, YAODU_VILLAGE, None, ("pay", "reverse", "pay")),  # corrected: one receipt stands
    (DONGLIU, DONGLIU_VILLAGE, None, ("pay",)),
    (DONGLIU, DONGLIU_VILLAGE, "MINIMUM_LIVING", ("pay",)),
    (DONGLIU, DONGLIU, None, ()),  # on the roster, never paid
    (DONGLIU, DONGLIU_VILLAGE, None, ("pay", "reverse")),  # paid, reversed: on the roster, unpaid
]


TOWNSHIPS = {YAODU: "尧渡镇", DONGLIU: "东流镇", DADUKOU: "大渡口镇"}  # 大渡口镇: nobody enrolled


def resident(engine, actor: Actor, region: str, born: date = date(1980, 5, 17)) -> Person:
    n = next(_seq)
    person = PersonInput(f"居民{n}", region, id_number=id_number(region[:6], born=born, seq=n))
    register_household(
        engine, actor, HouseholdInput(region, [MemberInput(person=person, is_head=True, relation="户主")])
    )
    with Session(engine) as session:
        return session.exec(select(Person).where(Person.id_number == person.id_number)).one()


def campaign(engine, actor, policy, fixture, paid_on: date, repaid_on: date, channel: str, born=None):
    """Registers, enrols and pays `fixture`'s persons; returns their enrolments in order."""
    year = int(policy.rsplit("/", 1)[1])
    enrolments = []
    for i, (_, region, category, events) in enumerate(fixture):
        person = resident(engine, actor, region, **({"born": born[i]} if born and i in born else {}))
        if category:
            record_category(
                engine,
                actor,
                CategoryInput(person.id, category, since=date(2021, 7, 1)),
                RULES.categories,
                None,
            )
        enrolment = enrol(
            engine, actor, EnrolmentInput(person.id, year, policy, f"e-{person.id}", on=paid_on), RULES
        )
        payment = None
        for n, event in enumerate(events):
            if event == "pay":
                due = fen_to_yuan(enrolment_due(engine, enrolment.id))
                day = paid_on if payment is None else repaid_on
                data = PaymentInput(enrolment.id, due, day, channel, f"p-{person.id}-{n}")
                payment = record_payment(engine, actor, data, RULES)
            else:
                reverse_payment(engine, actor, ReversalInput(payment.id, "收款有误", f"r-{person.id}-{n}"))
        enrolments.append(enrolment)
    return enrolments


def enrolment_due(engine, enrolment_id: int) -> int:
    with Session(engine) as session:
        return session.get(Enrolment, enrolment_id).amount_due_fen


def seed_dongzhi(engine):
    """东至's townships and two villages, and DONGZHI_FIXTURE's campaign of enrolments and payments."""
    for code, name in TOWNSHIPS.items():
        add_region(engine, DONGZHI, RegionInput(code, "341721", name))
    add_region(engine, DONGZHI, RegionInput(YAODU_VILLAGE, YAODU, "新建村"))
    add_region(engine, DONGZHI, RegionInput(DONGLIU_VILLAGE, DONGLIU, "永丰村"))
    return campaign(
        engine, DONGZHI, DONGZHI_POLICY, DONGZHI_FIXTURE, date(2021, 10, 8), date(2021, 11, 2), "VILLAGE_CASH"
    )


def expected_four(terminated=(), due_fen=None) -> list[tuple]:
    """Per township from DONGZHI_FIXTURE: (code, name, funds, headcount, roster, receipts, due,
    disagreeing, consistent).

    Each person agrees when on the roster with one receipt and their amount due collected, or off
    it (terminated) with neither. A terminated entry leaves the roster but its standing payment is
    still a receipt and money held.
    """
    sums = {code: [0, 0, 0, 0, 0, 0] for code in TOWNSHIPS}
    for i, (township, _, category, events) in enumerate(DONGZHI_FIXTURE):
        standing = events.count("pay") - events.count("reverse")
        funds, due = standing * DUE_FEN[category], (due_fen or {}).get(i, DUE_FEN[category])
        row = sums[township]
        row[0] += funds
        row[3] += standing  # receipts
        if i in terminated:
            row[5] += standing != 0 or funds != 0
            continue
        row[2] += 1  # roster
        if standing:
            row[1] += 1  # headcount
            row[4] += due
        row[5] += not (standing == 1 and funds == due)
    return [
        (
            code,
            TOWNSHIPS[code],
            fen_to_yuan(funds),
            headcount,
            roster,
            receipts,
            fen_to_yuan(due),
            disagreeing,
            disagreeing == 0,
        )
        for code, (funds, headcount, roster, receipts, due, disagreeing) in sums.items()
    ]


def run(engine, name: str, region: str, year: int, as_of: date | None = None):
    with transaction(engine) as session:
        return RULES.reports.run(
            session, Scope(path=None), RULES, RULES.reports.get(name), ReportArgs(region, year, as_of)
        )


def paid_now() -> dict[str, int]:
    paid = defaultdict(int)
    for township, _, _, events in DONGZHI_FIXTURE:
        paid[township] += events.count("pay") > events.count("reverse")
    return paid


GUICHI = Actor("admin-341702", "COUNTY_ADMIN", "341702")


GUICHI_POLICY = "anhui/341702/2024"


WUSHA = "341702001"


VILLAGES = {
    "341702001001": ("乌沙镇", "乌沙村"),
    "341702001002": ("乌沙镇", "兴义村"),
    "341702002001": ("池阳街道", "池阳社区"),
}


WUSHA_A, WUSHA_B, CHIYANG_A = VILLAGES


GUICHI_FIXTURE = [
    (WUSHA, WUSHA_A, None, ("pay",)),
    (WUSHA, WUSHA_A, None, ("pay",)),  # 三1 “百岁”老人 (born 1920): pays 0.00, still 筹资
    (WUSHA, WUSHA_A, None, ()),  # registered, never paid: raised nothing
    (WUSHA, WUSHA_B, None, ("pay",)),
    (WUSHA, WUSHA_B, None, ("pay", "reverse")),
    (WUSHA, WUSHA, None, ("pay",)),  # registered on the town: no village earns a fee
]


def seed_guichi(engine):
    """贵池's villages, and GUICHI_FIXTURE's campaign of enrolments and payments."""
    for code, (_, name) in VILLAGES.items():
        add_region(engine, GUICHI, RegionInput(code, code[:9], name))
    return campaign(
        engine,
        GUICHI,
        GUICHI_POLICY,
        GUICHI_FIXTURE,
        date(2023, 10, 10),
        date(2023, 11, 2),
        "COLLECTION_POINT",
        born={1: date(1920, 5, 1)},
    )
