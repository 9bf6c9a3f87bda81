"""东至县's enrolment against last year's base per township: 东政办〔2021〕6号 五（一）.

"2022年城乡居民医保缴费以乡镇为单位……确保参保人数不低于2021年各乡镇征收基数". Per unit of
the asked region (the county's townships), as of the as-of date:

- 征收基数: the base an office loaded for the unit and this coverage year (`Target` kind BASE,
  `loadTargets`), 基数来源 “导入”; otherwise last year's paid enrolments in the registry (status
  PAID: a standing payment, not terminated) and, for a year yibao holds no policy for, the PAID
  rows of the imported 参保底表 (core/services/history_import.py), 基数来源 “上年参保”. 四（六）1
  builds the campaign on "2021年参保数据为底表", so last year's record is the base when none is
  loaded. A unit with neither a loaded base nor any enrolment registered last year has no base
  (基数来源 “无”): a zero there would read as met.
- 参保人数: this year's paid enrolments (counting.paid).
- 差额 = 参保人数 − 征收基数; 是否不低于基数: 差额 ≥ 0.
"""

from sqlalchemy import case, func, union_all
from sqlmodel import select

from yibao.plugins import Cite, Column, EnrolmentStatus, HistoryStatus, Kind, Report, ReportSource, counting

from .dongzhi_2022 import DOC

LOADED, LAST_YEAR, NONE = "导入", "上年参保", "无"

COLUMNS = (
    Column("unit_code", "代码"),
    Column("unit_name", "乡镇"),
    Column("base", "上年征收基数", Kind.INT),
    Column("base_source", "基数来源"),
    Column("enrolled", "本年参保人数", Kind.INT),
    Column("difference", "差额", Kind.INT),
    Column("not_below", "是否不低于基数", Kind.BOOL),
)


def per_unit(source: ReportSource):
    """(code, name, loaded base, last year's paid, last year's registered, paid now) per unit."""
    year = source.coverage_year - 1
    register, history = source.enrolments(year), source.history(year)
    # Last year's record: the register's enrolments, and the 参保底表 for persons the register has none
    # of that year for (core/services/last_year.py: the register wins).
    last = union_all(
        select(register.c.region_code, register.c.status),
        select(history.c.region_code, history.c.status).where(
            history.c.person_id.not_in(select(register.c.person_id))
        ),
    ).subquery("last_year")
    paid_last = last.c.status.in_((EnrolmentStatus.PAID, HistoryStatus.PAID))
    last_u = source.roll_up(
        last,
        func.sum(case((paid_last, 1), else_=0)).label("paid"),
        func.count().label("registered"),
    )
    paid_u = source.roll_up(counting.paid(source), func.count().label("paid"))
    bases = source.targets("BASE")
    listed = source.unit_list().subquery("listed")
    return source.fetch(
        select(
            listed.c.unit_code,
            listed.c.unit_name,
            bases.c.headcount,
            func.coalesce(last_u.c.paid, 0),
            func.coalesce(last_u.c.registered, 0),
            func.coalesce(paid_u.c.paid, 0),
        )
        .outerjoin(bases, bases.c.region_code == listed.c.unit_code)
        .outerjoin(last_u, last_u.c.unit_code == listed.c.unit_code)
        .outerjoin(paid_u, paid_u.c.unit_code == listed.c.unit_code)
        .order_by(listed.c.unit_code)
    )


def build(source: ReportSource):
    year = source.coverage_year
    if source.region.level == "township":
        source.rename("unit_name", "村（社区）")
    source.rename("base", f"{year - 1}年征收基数")
    source.rename("enrolled", f"{year}年参保人数")
    for code, name, loaded, last_paid, last_registered, enrolled in per_unit(source):
        if loaded is not None:
            base, origin = loaded, LOADED
        elif last_registered:
            base, origin = last_paid, LAST_YEAR
        else:
            base, origin = None, NONE
        difference = None if base is None else enrolled - base
        yield code, name, base, origin, enrolled, difference, None if base is None else difference >= 0


REPORT = Report(
    name="anhui_enrolment_base",
    title="参保人数不低于上年各乡镇征收基数",
    cite=Cite(DOC, "五（一）"),
    columns=COLUMNS,
    build=build,
    regions=("341721",),
    description=(
        "Per township, as of a date: this year's paid enrolments against last year's base — the "
        "base an office loaded (BASE) or else last year's paid enrolments — with the difference."
    ),
)
