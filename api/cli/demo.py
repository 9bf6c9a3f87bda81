"""`yibao demo`: a realistic 贵池区 2024 campaign in the embedded database, so that `yibao serve`
shows a newcomer a populated dashboard at once.

Everything goes through the services a clerk's requests go through (registration, whole-household
enrolment and payment as 贵医保组〔2023〕1号 三8 requires, hardship identities), so the data obeys
every rule the API enforces. It is deterministic (`--seed`), and every date comes from the policy —
its collection windows and its 三9 roster cut-off — never from today, so the same command gives the
same dashboard on any day.
"""

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import click

from .common import Refusal

POLICY_ID = "anhui/341702/2024"
COUNTY = "341702"
# Two villages in each township of 贵医保组〔2023〕1号 附件2 (the names are the demo's own).
VILLAGE_NAMES = ("东山村", "西湖村", "南塘村", "北岭村", "中心社区", "新河村")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂兰华玉珍建国志红文辉"
# Hardship identities held in 贵池 (三1–三6), with the share of residents holding each (assumed).
HARDSHIP = (
    ("MINIMUM_LIVING", 0.035),
    ("EXTREME_POVERTY", 0.008),
    ("UNSTABLE_OUT_OF_POVERTY", 0.015),
    ("SEVERE_DISABILITY", 0.01),
    ("LOW_INCOME_MONITORED", 0.01),
)
ENROL_SHARE, PAY_SHARE = 0.93, 0.9  # households that register; of those, that pay


@dataclass
class Seeded:
    villages: int = 0
    households: int = 0
    persons: int = 0
    identities: int = 0
    enrolled: int = 0
    paid: int = 0


def id_number(born: date, order: int) -> str:
    """A 贵池 ID number with its GB 11643 check digit; `order` odd for men, even for women."""
    from stdnum.cn import ric

    body = f"{COUNTY}{born:%Y%m%d}{order % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def seed(engine, households: int = 300, seed_no: int = 2024, progress=None) -> Seeded:
    """Seeds the campaign; refuses (ValueError) a database that already has 贵池 2024 enrolments."""
    from sqlmodel import Session, func, select

    from yibao.core.audit import Actor
    from yibao.core.models import Enrolment, HouseholdMember, Region
    from yibao.core.plugins import load_registry
    from yibao.core.services.categories import CategoryInput, record_category
    from yibao.core.services.enrolments import HouseholdEnrolmentInput, enrol_household
    from yibao.core.services.household_payments import HouseholdPaymentInput, pay_household
    from yibao.core.services.households import HouseholdInput, MemberInput, register_household
    from yibao.core.services.persons import PersonInput
    from yibao.core.services.regions import RegionInput, add_region

    rules = load_registry()
    policy = rules.get(POLICY_ID)
    window = next(route for route in policy.routes if route.key == "centralized")  # 三; 五（二）
    opens, closes = window.opens, window.closes
    recognised = min(grant.recognised_by for grant in policy.grants if grant.recognised_by)  # 三9
    channels = [code for code, _ in policy.channels]
    actor = Actor("demo", "COUNTY_ADMIN", COUNTY)
    rng = random.Random(seed_no)
    done = Seeded()
    with Session(engine) as session:
        if session.exec(
            select(func.count())
            .select_from(Enrolment)
            .where(Enrolment.coverage_year == policy.coverage_year, Enrolment.policy_id == POLICY_ID)
        ).one():
            raise ValueError("数据库中已有贵池区2024年度的参保数据")
        existing = {code for code in session.exec(select(Region.code))}
    with Session(engine) as session:
        townships = session.exec(
            select(Region.code).where(Region.parent_code == COUNTY).order_by(Region.code)
        ).all()
    villages, parent = [], {}
    for t, township in enumerate(townships):
        for n in (1, 2):
            code = f"{township}{n:03d}"
            name = VILLAGE_NAMES[(t * 2 + n) % len(VILLAGE_NAMES)]
            if code not in existing:
                add_region(engine, actor, RegionInput(code, township, name))
                done.villages += 1
            villages.append(code)
            parent[code] = township
    residents: Counter = Counter()
    orders: dict[date, int] = {}
    for h in range(households):
        village = villages[h % len(villages)] if h < len(villages) else rng.choice(villages)
        size = rng.choices((1, 2, 3, 4, 5), weights=(15, 30, 25, 20, 10))[0]
        surname = SURNAMES[rng.randrange(len(SURNAMES))]
        members = []
        head_born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 40))
        for m in range(size):
            if m == 0:
                born, relation = head_born, "户主"
            elif m == 1:
                born, relation = head_born + timedelta(days=rng.randrange(-1500, 1500)), "配偶"
            else:
                born, relation = head_born + timedelta(days=365 * rng.randint(20, 32)), "子女"
            born = min(born, date(2023, 6, 30))
            male = (m == 0) == (rng.random() < 0.8)
            order = orders.get(born, 0) + 1
            orders[born] = order
            name = (
                surname
                + GIVEN[rng.randrange(len(GIVEN))]
                + (GIVEN[rng.randrange(len(GIVEN))] if rng.random() < 0.7 else "")
            )
            number = id_number(born, order * 2 + (1 if male else 0))
            person = PersonInput(name=name, hukou_region_code=village, id_number=number)
            members.append(MemberInput(person=person, is_head=m == 0, relation=relation))
        household = register_household(
            engine, actor, HouseholdInput(village, members, address=f"{village}第{h + 1}号")
        )
        done.households += 1
        with Session(engine) as session:
            person_ids = list(
                session.exec(
                    select(HouseholdMember.person_id)
                    .where(HouseholdMember.household_id == household.id)
                    .order_by(HouseholdMember.person_id)
                )
            )
        done.persons += len(person_ids)
        residents[village] += len(person_ids)
        for person_id in person_ids:
            roll = rng.random()
            for code, share in HARDSHIP:
                if roll < share:
                    grade = 1 if code == "SEVERE_DISABILITY" else None
                    since = recognised - timedelta(days=rng.randrange(30, 700))
                    record_category(
                        engine,
                        actor,
                        CategoryInput(person_id, code, since, grade=grade),
                        rules.categories,
                        None,
                    )
                    done.identities += 1
                    break
                roll -= share
        if rng.random() > ENROL_SHARE:
            continue
        # Most register early in the window; a rush comes before it closes (五（二）).
        span = (closes - opens).days
        registered = opens + timedelta(days=int(rng.triangular(0, span, span * 0.2)))
        enrolments = enrol_household(
            engine,
            actor,
            HouseholdEnrolmentInput(
                household.id, policy.coverage_year, POLICY_ID, f"demo-e-{h}", on=registered
            ),
            rules,
        )
        done.enrolled += len(enrolments)
        if rng.random() > PAY_SHARE:
            continue
        paid_on = min(closes, registered + timedelta(days=rng.choice((0, 0, 0, 1, 3, 7, 14))))
        amount = sum(Decimal(e.amount_due_fen or 0) for e in enrolments) / 100
        pay_household(
            engine,
            actor,
            HouseholdPaymentInput(
                household.id, policy.coverage_year, amount, paid_on, rng.choice(channels), f"demo-p-{h}"
            ),
            rules,
        )
        done.paid += len(enrolments)
        if progress and (h + 1) % 50 == 0:
            progress(h + 1)
    load_demo_targets(engine, actor, policy.coverage_year, residents, parent)
    return done


def load_demo_targets(engine, actor, year: int, residents: Counter, parent: dict[str, str]) -> None:
    """The demo's task numbers (任务数): its own residents, per village, township and the district, as
    an office loads a task table (`yibao targets load`); they take the place of 附件2's 510,000,
    which a few hundred demo households would never approach."""
    from yibao.core.services.targets import TargetRow, load_targets

    totals = Counter()
    for village, count in residents.items():
        totals[village] += count
        totals[parent[village]] += count
        totals[COUNTY] += count
    for township in set(parent.values()):
        totals.setdefault(township, 0)
    rows = [TargetRow(code, count, f"demo.{code}") for code, count in sorted(totals.items())]
    load_targets(engine, actor, rows, year, "TARGET", "yibao demo: the demo's residents")


@click.command(help="seed a 贵池区 2024 campaign into the database, for a first look at /dashboard")
@click.option("--households", type=int, default=300, help="households to register (300)")
@click.option("--seed", "seed_no", type=int, default=2024, help="random seed (the same seed, the same data)")
@click.option("--base-url", default="http://127.0.0.1:8000", help="where `yibao serve` will listen")
def demo(households: int, seed_no: int, base_url: str) -> None:
    from yibao.core.auth import Principal, Role, issue, signing_key
    from yibao.core.db import make_engine
    from yibao.core.login_links import create
    from yibao.core.migrate import upgrade

    engine = make_engine()
    upgrade(engine)
    key = signing_key(engine.url)
    started = time.perf_counter()
    try:
        done = seed(
            engine, households, seed_no, lambda n: click.echo(f"yibao demo: {n} households …", err=True)
        )
    except ValueError as error:
        raise Refusal(str(error)) from None
    seconds = time.perf_counter() - started
    click.echo(
        f"yibao demo: 贵池区 2024 — {done.villages} villages, {done.households} households, "
        f"{done.persons} persons ({done.identities} hardship identities), {done.enrolled} enrolled, "
        f"{done.paid} paid, in {seconds:.0f} s",
        err=True,
    )
    admin = Principal("demo-county-admin", Role.COUNTY_ADMIN, COUNTY)
    link = f"{base_url.rstrip('/')}/dashboard#login={create(engine, admin)}"
    click.echo("\nNext: `yibao serve`, then open within 15 minutes (one sign-in):")
    click.echo(f"  {link}")
    click.echo("or paste this token (贵池区 COUNTY_ADMIN, 30 days) into the sign-in form:")
    click.echo(f"  {issue(key, admin)}")
    click.echo("A fresh link: yibao token issue --role COUNTY_ADMIN --region 341702 --login-url")
