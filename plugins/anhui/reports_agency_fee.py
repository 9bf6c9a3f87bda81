"""贵池区's agency fee per village: 贵医保组〔2023〕1号 七, the paragraph before 附件2.

"为促进2024年城乡居民基本医保筹资工作有效落实，区政府将按筹资人数每人1元补助村（社区），
作为代办经费。" 筹资人数 is read as the paid enrolments as of the as-of date (core/reports/counting.py):
the notice calls the whole collection 筹资 (五（二） 集中筹资缴费阶段, 附件2 筹资任务表) and counts
a person as 筹资 once the contribution is paid — 三1's fully subsidised persons, who pay 0.00 with
the district paying their share, included. A registration never paid, whose payment was
reversed or whose quote was refused raised nothing; an enrolment terminated before the as-of
date is off the roster.

The fee goes to villages (补助村（社区）), so an enrolment registered on a town rather than on a
village earns no village a fee and is in no row; the total sums the village rows.
"""

from sqlalchemy import func, literal
from sqlmodel import select

from yibao.plugins import Cite, Column, Kind, Report, ReportSource, Total, counting

from .guichi_2024 import DOC

FEE_CITE = Cite(DOC, "七 末段")
FEE_PER_PERSON_FEN = 100  # 每人1元 (FEE_CITE)
TOTAL = "合计"

COLUMNS = (
    Column("township_name", "镇（街）"),
    Column("village_code", "村（社区）代码"),
    Column("village_name", "村（社区）"),
    Column("financed", "筹资人数", Kind.INT),
    Column("fee", "代办经费（元）", Kind.MONEY),
)


def build(source: ReportSource):
    per_village = source.roll_up(counting.paid(source), func.count().label("financed"), level="village")
    villages = source.unit_list("village").subquery("villages")
    village, township = source.regions("village"), source.regions("township")
    financed = func.coalesce(per_village.c.financed, 0)
    rows = source.fetch(
        select(
            township.c.name,
            villages.c.unit_code,
            villages.c.unit_name,
            financed,
            financed * literal(FEE_PER_PERSON_FEN),
        )
        .join(village, village.c.code == villages.c.unit_code)
        .join(township, township.c.code == village.c.parent_code)
        .outerjoin(per_village, per_village.c.unit_code == villages.c.unit_code)
        .order_by(villages.c.unit_code)
    )
    yield from rows
    total = func.coalesce(func.sum(per_village.c.financed), 0)
    (count, fee) = source.fetch(select(total, total * literal(FEE_PER_PERSON_FEN)))[0]
    yield Total((None, source.region.code, TOTAL, count, fee))


REPORT = Report(
    name="anhui_agency_fee",
    title="村（社区）代办经费",
    cite=FEE_CITE,
    columns=COLUMNS,
    build=build,
    regions=("341702",),
    description="Per village, as of a date: 筹资人数 (paid enrolments), 代办经费 at 1 yuan each; a total.",
)
