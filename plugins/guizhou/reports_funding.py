"""资助资金来源汇总: the hardship subsidies of the year's paid enrolments, per funding source.

筑医保通〔2021〕34号 二 names who funds each subsidy, differently in 贵阳市 and 贵安新区: 医疗救助基金,
市、县财政 (4:6 for 低保), 县级财政, 贵安新区本级财政. An enrolment counts when it has a live payment on the
as-of date (a 0.00 payment of a fully subsidised person counts) and is not terminated by then: the
subsidy is spent when the contribution is collected, and an enrolment merely registered may lapse.

The database counts the paid enrolments per (subsidy category, subsidy amount, 贵安新区 or not);
each of those few groups is split with the grant's funding for its area (`split_funding`, as the quote
splits it, exact to the fen) and multiplied by its count, so the totals equal the sum of the
`fundingShares` each enrolment's deciding quote kept. The area is the enrolment's region, as
the quote takes it (a code starting 520190 is 贵安新区).
"""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import case, func
from sqlmodel import select

from yibao.plugins import (
    FUNDING_SOURCES,
    Cite,
    Column,
    Kind,
    Report,
    ReportSource,
    Total,
    counting,
    split_funding,
    yuan_to_fen,
)

from .guiyang_2022 import DOC, GUIAN

SUBTOTAL, TOTAL = "小计", "合计"
UNSTATED = "UNSTATED"  # a grant whose notice names no funding source

COLUMNS = (
    Column("source", "资金来源代码"),
    Column("source_name", "资金来源"),
    Column("category", "资助类别代码"),
    Column("category_name", "资助类别"),
    Column("persons", "资助人数", Kind.INT),
    Column("amount", "资助金额（元）", Kind.MONEY),
)


def paid_groups(source: ReportSource):
    """(subsidy_category, subsidy_fen, in_guian, persons) of the enrolments paid on the as-of date."""
    e = counting.paid(source)
    in_guian = case((e.c.region_code.startswith(GUIAN), 1), else_=0)
    statement = (
        select(e.c.subsidy_category, e.c.subsidy_fen, in_guian, func.count())
        .where(e.c.subsidy_fen > 0)
        .group_by(e.c.subsidy_category, e.c.subsidy_fen, in_guian)
        .order_by(e.c.subsidy_category, e.c.subsidy_fen, in_guian)
    )
    return source.fetch(statement)


def funded(source: ReportSource, groups) -> dict[tuple[str, str], list[int]]:
    """{(funding source, category): [persons, fen]} for the paid groups, by the policy's funding."""
    policy = source.required_policy()
    grants = {grant.code: grant for grant in policy.grants}
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for category, subsidy_fen, in_guian, persons in groups:
        grant = grants.get(category)
        funding = grant.funding_for(GUIAN if in_guian else policy.region_code) if grant else None
        subsidy = Decimal(subsidy_fen) / 100
        shares = split_funding(funding, subsidy) if funding else [(UNSTATED, subsidy)]
        for funder, amount in shares:
            entry = totals[(funder, category)]
            entry[0] += persons
            entry[1] += yuan_to_fen(amount) * persons
    return totals


def build(source: ReportSource):
    groups = paid_groups(source)
    totals = funded(source, groups)
    order = [*FUNDING_SOURCES, UNSTATED]
    names = {**FUNDING_SOURCES, UNSTATED: "未列明资金来源"}
    for funder in sorted({f for f, _ in totals}, key=order.index):
        rows = sorted((c, v) for (f, c), v in totals.items() if f == funder)
        for category, (persons, fen) in rows:
            yield funder, names[funder], category, source.category_names.get(category, category), persons, fen
        yield Total(
            (funder, names[funder], None, SUBTOTAL, sum(v[0] for _, v in rows), sum(v[1] for _, v in rows))
        )
    # Every subsidised person once, whatever funds them; the amount equals the subtotals' sum.
    yield Total((None, TOTAL, None, None, sum(g[3] for g in groups), sum(g[1] * g[3] for g in groups)))


FUNDING_SOURCES_REPORT = Report(
    name="guizhou_funding_sources",
    title="困难群体参保资助资金来源汇总",
    cite=Cite(DOC, "二"),
    columns=COLUMNS,
    build=build,
    regions=("520100", GUIAN),
    description="Hardship subsidies of the paid enrolments per funding source (医疗救助基金, 市/县财政, "
    "贵安新区本级财政) and category, split as 二 states per area.",
)
