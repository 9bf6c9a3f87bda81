"""东至县 villages with households, identities and 2021 enrolments, for the collection roster
and change table tests."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from tests.support.factories import id_number
from yibao.core.audit import Actor
from yibao.core.models import CategoryFact, Departure, Enrolment, HouseholdMember, Payment, Region
from yibao.core.regions import region_path
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.persons import PersonInput

ADMIN = Actor(name="admin", role="COUNTY_ADMIN", region_code=None)


TOWNSHIP, VILLAGE_A, VILLAGE_B = "341721100", "341721100001", "341721100002"


ELSEWHERE = "341702001"  # 乌沙镇, 贵池区: another county


def add_region(engine, code: str, parent: str, level: str, name: str) -> None:
    with Session(engine) as session:
        if session.get(Region, code) is None:
            path = region_path(session, parent) + code + "/"
            session.add(Region(code=code, parent_code=parent, level=level, name=name, path=path))
            session.commit()


def person(name: str, born: date, seq: int, region: str = "341721", male: bool = True) -> PersonInput:
    return PersonInput(
        name=name,
        hukou_region_code=region,
        id_number=id_number(region=region[:6], born=born, seq=seq, male=male),
    )


def household(
    engine, region: str, *members: tuple[PersonInput, str], address: str | None = None
) -> list[int]:
    """Registers a household, the first member as head; answers the members' person ids."""
    made = register_household(
        engine,
        ADMIN,
        HouseholdInput(
            address_region_code=region,
            address=address or f"{region} 某组",
            members=[MemberInput(person=p, relation=r, is_head=i == 0) for i, (p, r) in enumerate(members)],
        ),
    )
    with Session(engine) as session:
        rows = session.exec(
            select(HouseholdMember)
            .where(HouseholdMember.household_id == made.id)
            .order_by(HouseholdMember.id)
        ).all()
        return [row.person_id for row in rows]


_keys = iter(range(10_000))


def enrolled_2021(
    engine,
    person_id: int,
    region: str,
    *,
    status: str = "PAID",
    amount: str | None = "320.00",
    category: str | None = None,
    paid: list[int] = (),
    in_columns: bool = False,
) -> int:
    """A 2021 enrolment as the campaign left it: the deciding quote in the snapshot (or only the
    columns), and ledger entries of `paid` fen (negative: a reversal of the one before)."""
    quote = {"amountDue": amount, "subsidyCategory": category} if amount and not in_columns else None
    with Session(engine) as session:
        enrolment = Enrolment(
            person_id=person_id,
            coverage_year=2021,
            region_code=region,
            policy_id="anhui/341721/2021",
            tier="1",
            status=status,
            snapshot={"policyId": "anhui/341721/2021", "quote": quote},
            idempotency_key=f"e2021-{next(_keys)}",
            amount_due_fen=int(Decimal(amount) * 100) if in_columns and amount else None,
            subsidy_category=category if in_columns else None,
        )
        session.add(enrolment)
        session.flush()
        previous = None
        for fen in paid:
            n = next(_keys)
            entry = Payment(
                enrolment_id=enrolment.id,
                kind="PAYMENT" if fen >= 0 else "REVERSAL",
                amount_fen=fen,
                paid_on=date(2020, 10, 1),
                channel="VILLAGE_CASH",
                receipt_region_code="341721",
                coverage_year=2021,
                receipt_seq=n,
                receipt_number=f"R2021-{n}",
                idempotency_key=f"p2021-{n}",
                reverses_payment_id=previous if fen < 0 else None,
            )
            session.add(entry)
            session.flush()
            previous = entry.id
        session.commit()
        return enrolment.id


def identity(engine, person_id: int, code: str, since: date, until: date | None = None) -> None:
    with Session(engine) as session:
        session.add(CategoryFact(person_id=person_id, code=code, since=since, until=until, source="test"))
        session.commit()


def departed(engine, person_id: int, reason: str, on: date) -> None:
    with Session(engine) as session:
        session.add(Departure(person_id=person_id, reason=reason, departed_on=on))
        session.commit()


@dataclass
class Campaign:
    """Two villages of one 东至 township after the 2021 campaign, and a household that moved away."""

    ids: dict[str, int] = field(default_factory=dict)


def dongzhi_2021(engine) -> Campaign:
    add_region(engine, TOWNSHIP, "341721", "township", "尧渡镇")
    add_region(engine, VILLAGE_A, TOWNSHIP, "village", "东山村")
    add_region(engine, VILLAGE_B, TOWNSHIP, "village", "西河村")
    ids = {}
    ids["wang"], ids["li"], ids["xiaoming"] = household(
        engine,
        VILLAGE_A,
        (person("王大山", date(1975, 3, 9), 11), "户主"),
        (person("李秀英", date(1978, 7, 21), 12, male=False), "配偶"),
        (person("王小明", date(2010, 1, 2), 13), "子女"),
        address="东山村3组",
    )
    ids["zhang"], ids["sun"], ids["zhang_old"] = household(
        engine,
        VILLAGE_B,
        (person("张三", date(1960, 2, 2), 21), "户主"),
        (person("孙七", date(1990, 4, 4), 22, male=False), "儿媳"),
        (person("张老四", date(1940, 5, 5), 23), "父亲"),
        address="西河村1组",
    )
    (ids["qian"],) = household(engine, VILLAGE_B, (person("钱六", date(1985, 6, 6), 31), "户主"))
    (ids["zhao"],) = household(
        engine, ELSEWHERE, (person("赵五", date(1970, 7, 7), 41, region="341702"), "户主")
    )
    (ids["zhou"],) = household(engine, VILLAGE_A, (person("周八", date(1995, 8, 8), 51), "户主"))
    # 李秀英 became 低保 in June 2021, after her 2021 contribution was decided.
    identity(engine, ids["li"], "MINIMUM_LIVING", date(2021, 6, 1))
    enrolled_2021(engine, ids["wang"], VILLAGE_A, paid=[32000])
    enrolled_2021(engine, ids["li"], VILLAGE_A, paid=[32000])
    enrolled_2021(engine, ids["xiaoming"], VILLAGE_A, status="ENROLLED", in_columns=True)
    enrolled_2021(engine, ids["zhang"], VILLAGE_B, status="ENROLLED", paid=[32000, -32000])
    enrolled_2021(engine, ids["zhang_old"], VILLAGE_B, paid=[32000])
    enrolled_2021(engine, ids["zhao"], VILLAGE_A, paid=[32000])  # lived here last year
    enrolled_2021(engine, ids["qian"], ELSEWHERE, paid=[38000])  # came from 贵池
    enrolled_2021(engine, ids["zhou"], VILLAGE_A, status="TERMINATED", amount=None)
    departed(engine, ids["zhang_old"], "DEATH", date(2021, 8, 1))
    return Campaign(ids)
