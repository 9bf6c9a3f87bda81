"""Collection progress against targets per unit: enrolled, paid, amount collected, completion rate.

A unit is a child of the asked region (a county's townships, a township's villages, a city's
districts). Enrolled, paid and the amount are counted as core/reports/counting.py defines them:
on the roster, on the roster with a standing payment (a 0.00 payment of a fully subsidised
person counts), and the ledger's net sum. The targets are the notice's task table (贵医保组〔2023〕1号
附件2; 筑医保通〔2021〕34号 附件) unless an office loaded its own; the notice's headings replace the
generic ones when it has a table.
"""

from sqlalchemy import func, literal, union_all
from sqlmodel import select

from ..rules.cite import Cite
from . import counting
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


def per_unit(source: ReportSource, level: str | None = None):
    """Rows (unit_code, unit_name, target, enrolled, paid, amount) in unit order, summed in SQL.

    Without a level the last row is the asked region's own: what is registered on it directly,
    with its own target, so the units and that row add up to the whole region.
    """
    counted = counting.per_region(source)
    rolled = source.roll_up(
        counted,
        func.sum(counted.c.enrolled).label("enrolled"),
        func.sum(counted.c.paid).label("paid"),
        func.sum(counted.c.funds).label("amount"),
        level=level,
    )
    listed = source.unit_list(level).order_by(None)  # a compound SELECT's parts may not be ordered
    if level is None:
        own = select(
            literal(source.region.code).label("unit_code"), literal(source.region.name).label("unit_name")
        )
        listed = union_all(listed, own)
    listed = listed.subquery("listed")
    targets = source.targets()
    statement = (
        select(
            listed.c.unit_code,
            listed.c.unit_name,
            targets.c.headcount,
            func.coalesce(rolled.c.enrolled, 0),
            func.coalesce(rolled.c.paid, 0),
            func.coalesce(rolled.c.amount, 0),
        )
        .outerjoin(targets, targets.c.region_code == listed.c.unit_code)
        .outerjoin(rolled, rolled.c.unit_code == listed.c.unit_code)
    )
    rows = [
        (code, name, target, int(e), int(p), int(a))
        for code, name, target, e, p, a in source.fetch(statement)
    ]
    units_first = sorted(rows, key=lambda row: (row[0] == source.region.code, row[0]))
    return units_first


def build(source: ReportSource):
    table = source.target_table()
    if table is not None:
        source.rename("unit_name", table.unit_heading)
        source.rename("target", table.target_heading)
    *rows, (_, _, own_target, *own) = per_unit(source)
    for code, name, target, enrolled, paid, amount in rows:
        yield code, name, target, enrolled, paid, amount, rate(paid, target)
    # The total adds the units' subtotals to what is registered on the region itself; its target
    # is the region's own (贵池区 510,000) or else the units' sum.
    enrolled, paid, amount = (sum(row[i] for row in rows) + own[i - 3] for i in (3, 4, 5))
    target = own_target
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
