"""Weekly township ranking and fortnightly bulletin (方政办明电〔2021〕35号 五（二）).

"县政府督查室负责督导各乡镇（街道）征缴进度，并对征缴进度每周一排名，半月一通报。"

参保人数 counts as every report does (core/reports/counting.py): the enrolments of the township
and its villages on the roster on a day, with an accepted quote and a payment standing that day —
a reversal takes one away on the day it was made, a termination on its date, and a registration
never paid or refused never counts. 一 demands "参保率达到100%" of the groups it names and 目标任务
speaks of 提升参保率, so progress is the insured, not the registered.

Readings (docs/policies/henan-411322-2022.md, Reports):
- 本周新增 = 参保人数 on the as-of date minus 参保人数 seven days earlier: the payments of the seven
  days as_of − 6 … as_of, less what left the roster in them. 半月 is read as 14 days the same way: a
  payment made exactly 14 days before the as-of date counts in the earlier figure, not in the
  fortnight's increase.
- 名次: by 完成率 (参保人数 / 任务数) when every township has a loaded task figure (the notice prints
  none; `yibao targets load`), otherwise by 参保人数 for all — a mixed ranking would compare unlike
  figures. Equal figures share a rank (1, 1, 3); rows are listed by rank, then code.
"""

from collections.abc import Sequence
from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import func
from sqlmodel import select

from yibao.plugins import Cite, Column, Kind, Report, ReportSource, counting, rate

from .fangcheng_2022 import DOC

TOWNSHIP = "township"
WEEK = timedelta(days=7)  # 五（二） "每周一排名"
FORTNIGHT = timedelta(days=14)  # 五（二） "半月一通报", read as 14 days


def paid_per_township(source: ReportSource, days: Sequence[date]) -> list[tuple]:
    """Rows (code, name, target, 参保人数 on each of `days`…) for every township, counted in SQL."""
    counts = [
        source.roll_up(counting.paid(source, on=day), func.count().label("paid"), level=TOWNSHIP)
        for day in days
    ]
    listed = source.unit_list(TOWNSHIP).subquery("listed")
    targets = source.targets()
    statement = select(
        listed.c.unit_code,
        listed.c.unit_name,
        targets.c.headcount,
        *(func.coalesce(paid.c.paid, 0) for paid in counts),
    ).outerjoin(targets, targets.c.region_code == listed.c.unit_code)
    for paid in counts:
        statement = statement.outerjoin(paid, paid.c.unit_code == listed.c.unit_code)
    statement = statement.order_by(listed.c.unit_code)
    return [
        (code, name, target, *map(int, counts)) for code, name, target, *counts in source.fetch(statement)
    ]


def ranks(rows: Sequence[tuple]) -> list[int]:
    """Competition ranks of (target, paid) pairs: by exact 完成率 if every target is set, else by paid."""
    by_rate = bool(rows) and all(target for target, _ in rows)
    scores = [Fraction(paid, target) if by_rate else Fraction(paid) for target, paid in rows]
    return [1 + sum(other > score for other in scores) for score in scores]


def ranked(source: ReportSource, period):
    """(rank, code, name, target, paid now, paid a `period` earlier) per township, in rank order."""
    rows = paid_per_township(source, (source.as_of, source.as_of - period))
    places = ranks([(target, now) for _, _, target, now, _ in rows])
    return sorted((place, *row) for place, row in zip(places, rows, strict=True))


def ranking(source: ReportSource):
    for place, code, name, target, now, week_ago in ranked(source, WEEK):
        yield place, code, name, target, now, rate(now, target), now - week_ago


def bulletin(source: ReportSource):
    for place, code, name, target, now, before in ranked(source, FORTNIGHT):
        yield place, code, name, target, now, before, now - before, rate(now, target)


RANKING = Report(
    name="henan_township_ranking",
    title="乡镇（街道）征缴进度周排名",
    cite=Cite(DOC, "五（二） 对征缴进度每周一排名"),
    columns=(
        Column("rank", "名次", Kind.INT),
        Column("township_code", "代码"),
        Column("township", "乡镇（街道）"),
        Column("target", "任务数", Kind.INT),
        counting.PAID_COLUMN,
        Column("rate", "完成率", Kind.RATE),
        Column("paid_this_week", "本周新增", Kind.INT),
    ),
    build=ranking,
    regions=("411322",),
    description="Townships ranked by 完成率 (by 参保人数 unless every township has a loaded task figure); "
    "本周新增 is the change in 参保人数 over the seven days up to asOf.",
)

BULLETIN = Report(
    name="henan_fortnightly_bulletin",
    title="乡镇（街道）征缴进度半月通报",
    cite=Cite(DOC, "五（二） 半月一通报"),
    columns=(
        Column("rank", "名次", Kind.INT),
        Column("township_code", "代码"),
        Column("township", "乡镇（街道）"),
        Column("target", "任务数", Kind.INT),
        Column("paid", "截至本期" + counting.INSURED, Kind.INT),
        Column("paid_before", "截至上期" + counting.INSURED, Kind.INT),
        Column("paid_this_fortnight", "半月新增", Kind.INT),
        Column("rate", "完成率", Kind.RATE),
    ),
    build=bulletin,
    regions=("411322",),
    description="Per township: 参保人数 as of asOf and as of 14 days earlier (a payment made on that day "
    "counts in the earlier figure), the increase, 完成率 and 名次.",
)
