"""Collection progress against targets per unit: 参保人数, 登记未缴, amount collected, completion rate.

A unit is a child of the asked region (a county's townships, a township's villages, a city's
districts). The figures are counted as core/reports/counting.py defines them: 参保人数 (`paid`)
the enrolments on the roster with an accepted quote and a standing payment (a 0.00 payment of a
fully subsidised person counts), 登记未缴 the rest of the roster (never paid, reversed, or refused),
and the amount the ledger's net sum. 完成率 = 参保人数 / 任务数: 筑医保通〔2021〕34号 四（一） sets the
参保目标 from "上年实际参保缴费人数", and 贵医保组〔2023〕1号 附件2's tasks are 筹资 (collection) tasks.

The targets are the notice's task table (贵医保组〔2023〕1号 附件2; 筑医保通〔2021〕34号 附件) unless an
office loaded its own; the notice's headings replace the generic ones when it has a table.

The total row's target is the sum of the units' targets. Where a notice prints a total of its
own — the region's own row (贵池区 510,000), or the table's stated total over exactly the units
asked for (筑医保通〔2021〕34号 附件 贵阳贵安总计 2,710,466, whose subtotals sum to 2,710,446) — it
stands beside the sum with the difference (stated − sum), never replacing it: an office reads
both, and the 20 persons the rows do not account for show, in GraphQL and in the XLSX alike.
"""

from sqlalchemy import func, literal, union_all
from sqlmodel import select

from ..rules.cite import Cite
from . import counting
from .source import ReportSource, rate
from .spec import Column, Kind, Report, Total

COLUMNS = (
    Column("unit_code", "代码", required=True),
    Column("unit_name", "单位", required=True),
    Column("target", "任务数", Kind.INT),
    counting.PAID_COLUMN,
    counting.REGISTERED_UNPAID_COLUMN,
    Column("amount", "征收金额（元）", Kind.MONEY, required=True),
    Column("rate", "完成率", Kind.RATE),
    Column("stated_target", "文件所列合计", Kind.INT),
    Column("target_difference", "差额（文件所列合计−分项之和）", Kind.INT),
)
TOTAL = "合计"


def per_unit(source: ReportSource, level: str | None = None):
    """Rows (unit_code, unit_name, target, paid, registered_unpaid, amount) in unit order, summed in SQL.

    Without a level the last row is the asked region's own: what is registered on it directly,
    with its own target, so the units and that row add up to the whole region.
    """
    counted = counting.per_region(source)
    rolled = source.roll_up(
        counted,
        func.sum(counted.c.paid).label("paid"),
        func.sum(counted.c.registered_unpaid).label("registered_unpaid"),
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
            func.coalesce(rolled.c.paid, 0),
            func.coalesce(rolled.c.registered_unpaid, 0),
            func.coalesce(rolled.c.amount, 0),
        )
        .outerjoin(targets, targets.c.region_code == listed.c.unit_code)
        .outerjoin(rolled, rolled.c.unit_code == listed.c.unit_code)
    )
    rows = [
        (code, name, target, int(p), int(u), int(a))
        for code, name, target, p, u, a in source.fetch(statement)
    ]
    units_first = sorted(rows, key=lambda row: (row[0] == source.region.code, row[0]))
    return units_first


def stated_total(source: ReportSource, own_target: int | None, unit_codes: set[str]) -> int | None:
    """The total a notice prints for the asked region: its own row, or the table's stated total
    when the asked units are exactly the regions that total covers."""
    if own_target is not None:
        return own_target
    table = source.target_table()
    if table is not None and table.stated_total is not None and set(table.regions) == unit_codes:
        return table.stated_total
    return None


def build(source: ReportSource):
    table = source.target_table()
    if table is not None:
        source.rename("unit_name", table.unit_heading)
        source.rename("target", table.target_heading)
    *rows, (_, _, own_target, *own) = per_unit(source)
    for code, name, target, paid, unpaid, amount in rows:
        yield code, name, target, paid, unpaid, amount, rate(paid, target), None, None
    # The total adds the units' subtotals to what is registered on the region itself.
    paid, unpaid, amount = (sum(row[i] for row in rows) + own[i - 3] for i in (3, 4, 5))
    targets = [row[2] for row in rows if row[2] is not None]
    summed = sum(targets) if targets else None
    stated = stated_total(source, own_target, {row[0] for row in rows})
    target = summed if summed is not None else stated  # nothing to sum: the stated total is all there is
    difference = stated - summed if stated is not None and summed is not None else None
    yield Total(
        (source.region.code, TOTAL, target, paid, unpaid, amount, rate(paid, target), stated, difference)
    )


REPORT = Report(
    name="collection_progress",
    title="征缴进度",
    cite=Cite("贵医保组〔2023〕1号 附件2；筑医保通〔2021〕34号", "四（一）及附件"),
    columns=COLUMNS,
    build=build,
    description="Progress per township/village (the asked region's children) against targets, as of a "
    "date: 参保人数 (on the roster, accepted, paid), 登记未缴, amount and 完成率; the total row sums the "
    "units' targets and shows a total the notice prints beside it with the difference.",
)
