"""2022年特殊群体参保人员预征清册 (筑医保通〔2021〕34号 四（二）): one row per person of a special group.

四（二）: the districts import the recognising departments' lists and "通过信息系统自动生成2022年特殊群体
参保人员预征清册", from which the tax office flags each person and sets the fixed (or zero) fee, and
offices "定期梳理未参保特殊困难群体名单". A person is on it who, on the as-of date, holds an identity
this policy subsidises (二), whatever their enrolment; the whole list is one SQL query.

Amounts: from the person's enrolment for the year in the region when its deciding quote set them
(amount columns of core/models/enrolment.py). For a person not enrolled yet (or whose quote was
refused), the policy's subsidy for their highest identity (就高不就低, capped at the 320 share,
二 首段) on the policy's tier, as the 预征清册 pre-sets the fee; the recognition cut-off and any
grade limit are then not checked (they depend on the payment day). 资助方式 is 全额资助 for the
grants of 二（二） (the whole share) and 定额资助 for those of 二（一）.

参保状态 follows core/reports/counting.py: 已参保 (on the roster, accepted, payment standing), 登记未缴
(on the roster otherwise — never paid, reversed, or refused), 未参保 (no enrolment on the roster in
the region). Both of the last are what 四（二） has offices "定期梳理" as 未参保特殊困难群体.
"""

from decimal import Decimal

from sqlalchemy import case, func, literal
from sqlmodel import select

from yibao.plugins import (
    Cite,
    Column,
    FullShare,
    Grant,
    Kind,
    Policy,
    Report,
    ReportSource,
    counting,
    stated_amount,
)

from .guiyang_2022 import DOC, GUIAN

FULL, FIXED = "全额资助", "定额资助"  # 二（二）, 二（一）
NOT_ENROLLED, REGISTERED, PAID = "未参保", "登记未缴", "已参保"

COLUMNS = (
    Column("region_code", "地区代码"),
    Column("region_name", "户籍地"),
    Column("name", "姓名"),
    Column("id_number", "身份证号码", Kind.ID_NUMBER),
    Column("category", "资助类别代码"),
    Column("category_name", "资助类别"),
    Column("method", "资助方式"),
    Column("subsidy", "资助金额（元）", Kind.MONEY),
    Column("personal_due", "个人应缴（元）", Kind.MONEY),
    Column("status", "参保状态"),
)


def method_of(grant: Grant, tier: str) -> str:
    return FULL if isinstance(grant.amount_for(tier), FullShare) else FIXED


def ranked(policy: Policy) -> list[tuple[Grant, Decimal | None]]:
    """The identity grants, highest first (capped at the share), ties in the policy's order."""
    found = []
    for index, grant in enumerate(policy.grants):
        if grant.born_on_or_before is not None:
            continue
        amount = stated_amount(policy, grant, policy.tiers[0].code)  # None while a parameter is unset
        found.append((-(amount or 0), index, grant, amount))
    return [(grant, amount) for *_, grant, amount in sorted(found, key=lambda f: f[:2])]


def roster_rows(source: ReportSource, grants: list[Grant]):
    """One row per person holding one of `grants`' identities: their best rank, person, region, enrolment."""
    identities = source.identities()
    rank = case({grant.code: index for index, grant in enumerate(grants)}, value=identities.c.code)
    best = (
        select(identities.c.person_id, func.min(rank).label("rank"))
        .where(identities.c.code.in_([grant.code for grant in grants]))
        .group_by(identities.c.person_id)
        .subquery("best")
    )
    persons = source.persons()
    regions = source.regions()
    e = source.enrolments()
    roster = counting.roster_status(source)
    status = case(
        (roster.c.insured == 1, literal(PAID)),
        (roster.c.id.is_not(None), literal(REGISTERED)),
        else_=literal(NOT_ENROLLED),
    )
    statement = (
        select(
            persons.c.hukou_region_code,
            regions.c.name,
            persons.c.name,
            persons.c.id_number,
            best.c.rank,
            e.c.subsidy_category,
            e.c.subsidy_fen,
            e.c.amount_due_fen,
            status,
        )
        .select_from(best)
        .join(persons, persons.c.id == best.c.person_id)
        .join(regions, regions.c.code == persons.c.hukou_region_code)
        .outerjoin(e, e.c.person_id == persons.c.id)
        .outerjoin(roster, roster.c.id == e.c.id)
        .order_by(persons.c.hukou_region_code, persons.c.id_number, persons.c.id)
    )
    return source.fetch(statement)


def build(source: ReportSource):
    policy = source.required_policy()
    tier, share = policy.tiers[0].code, policy.tiers[0].personal
    order = ranked(policy)
    grants = {grant.code: grant for grant, _ in order}
    for (
        region_code,
        region_name,
        name,
        id_number,
        rank,
        category,
        subsidy_fen,
        due_fen,
        status,
    ) in roster_rows(source, [grant for grant, _ in order]):
        highest, amount = order[rank]
        if status != NOT_ENROLLED and subsidy_fen is not None:
            # The enrolment's deciding quote: its category if it gave one, else the identity held.
            shown = grants.get(category) or highest
            subsidy, due = subsidy_fen, due_fen
        else:
            shown = highest
            subsidy = int(amount * 100) if amount is not None else None
            due = int((share - amount) * 100) if amount is not None else None
        yield (
            region_code,
            region_name,
            name,
            id_number,
            shown.code,
            source.category_names.get(shown.code, shown.code),
            method_of(shown, tier),
            subsidy,
            due,
            status,
        )


PRE_COLLECTION_ROSTER = Report(
    name="guizhou_pre_collection_roster",
    title="2022年特殊群体参保人员预征清册",
    cite=Cite(DOC, "四（二）；二"),
    columns=COLUMNS,
    build=build,
    regions=("520100", GUIAN),
    description="Every person holding an identity 二 subsidises: 资助类别, 资助方式, 资助金额, 个人应缴 "
    "(from the enrolment where decided, else the policy's) and 参保状态.",
)
