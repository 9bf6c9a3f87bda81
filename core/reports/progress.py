"""Collection progress against targets per unit: enrolled, paid, amount collected, completion rate.

A unit is a child of the asked region (a county's townships, a township's villages, a city's
districts). "Paid" counts enrolments with a live payment on the as-of date (a 0.00 payment for a
fully subsidised person counts); the amount is the ledger's net sum, reversals included. The
targets are the notice's task table (贵医保组〔2023〕1号 附件2; 筑医保通〔2021〕34号 附件) unless
an office loaded its own; the notice's headings replace the generic ones when it has a table.
"""

from sqlalchemy import and_, case, func, or_
from sqlmodel import select

from ..rules.cite import Cite
from .source import ReportSource, rate
from .spec import Column, Kind, Report

COLUMNS = (
    Column("unit_code", "代码"),
    Column("unit_name", "单位"),
    Column("target", "任务数", Kind.INT),
    Column("enrolled", "参保人数", Kind.INT),
    Column("paid", "缴费人数", Kind.INT),
    Column("amount", "征收金额（元）", Kind.MONEY),
    Column("rate", "完成率", Kind.RATE),
)
TOTAL = "合计"


def by_region(source: ReportSource):
    """Two subqueries per region code: live enrolments (region_code, enrolled) and payments
    (region_code, paid, amount), both as of the as-of date."""
    day = source.as_of
    e = source.enrolments()
    live = and_(
        or_(e.c.enrolled_on.is_(None), e.c.enrolled_on <= day),
        or_(e.c.status != "TERMINATED", and_(e.c.terminated_on.is_not(None), e.c.terminated_on > day)),
    )
    enrolled = (
        select(e.c.region_code, func.count().label("enrolled"))
        .where(live)
        .group_by(e.c.region_code)
        .subquery("enrolled")
    )
    p = source.payments(on=day)
    paid = (
        select(
            p.c.region_code,
            func.sum(case((p.c.kind == "PAYMENT", 1), else_=-1)).label("paid"),
            func.sum(p.c.amount_fen).label("amount"),
        )
        .group_by(p.c.region_code)
        .subquery("paid")
    )
    return enrolled, paid


def per_unit(source: ReportSource, level: str | None = None):
    """Rows (unit_code, unit_name, target, enrolled, paid, amount) in unit order, summed in SQL."""
    enrolled, paid = by_region(source)
    units = source.units(level)
    enrolled_u = (
        select(units.c.unit_code, func.sum(enrolled.c.enrolled).label("enrolled"))
        .join(enrolled, enrolled.c.region_code == units.c.region_code)
        .group_by(units.c.unit_code)
        .subquery("enrolled_u")
    )
    paid_u = (
        select(
            units.c.unit_code,
            func.sum(paid.c.paid).label("paid"),
            func.sum(paid.c.amount).label("amount"),
        )
        .join(paid, paid.c.region_code == units.c.region_code)
        .group_by(units.c.unit_code)
        .subquery("paid_u")
    )
    listed = source.unit_list(level).subquery("listed")
    targets = source.targets()
    statement = (
        select(
            listed.c.unit_code,
            listed.c.unit_name,
            targets.c.headcount,
            func.coalesce(enrolled_u.c.enrolled, 0),
            func.coalesce(paid_u.c.paid, 0),
            func.coalesce(paid_u.c.amount, 0),
        )
        .outerjoin(targets, targets.c.region_code == listed.c.unit_code)
        .outerjoin(enrolled_u, enrolled_u.c.unit_code == listed.c.unit_code)
        .outerjoin(paid_u, paid_u.c.unit_code == listed.c.unit_code)
        .order_by(listed.c.unit_code)
    )
    return source.fetch(statement)


def totals(source: ReportSource) -> tuple[int | None, int, int, int]:
    """(target, enrolled, paid, amount) of the whole asked region, rows on the region itself included."""
    enrolled, paid = by_region(source)
    targets = source.targets()
    own_target = source.fetch(select(targets.c.headcount).where(targets.c.region_code == source.region.code))
    count = source.fetch(select(func.coalesce(func.sum(enrolled.c.enrolled), 0)))[0][0]
    money = source.fetch(
        select(func.coalesce(func.sum(paid.c.paid), 0), func.coalesce(func.sum(paid.c.amount), 0))
    )
    return (own_target[0][0] if own_target else None), int(count), int(money[0][0]), int(money[0][1])


def build(source: ReportSource):
    table = source.target_table()
    if table is not None:
        source.rename("unit_name", table.unit_heading)
        source.rename("target", table.target_heading)
    rows = per_unit(source)
    for code, name, target, enrolled, paid, amount in rows:
        yield code, name, target, enrolled, paid, amount, rate(paid, target)
    target, enrolled, paid, amount = totals(source)
    if target is None and any(row[2] is not None for row in rows):
        target = sum(row[2] or 0 for row in rows)
    yield source.region.code, TOTAL, target, enrolled, paid, amount, rate(paid, target)


REPORT = Report(
    name="collection_progress",
    title="征缴进度",
    cite=Cite("贵医保组〔2023〕1号 附件2；筑医保通〔2021〕34号", "四（一）及附件"),
    columns=COLUMNS,
    build=build,
    description="Progress per township/village (the asked region's children) against targets, as of a date.",
)
