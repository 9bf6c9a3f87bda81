"""村（社区）参保进度: per village, the 户籍人数基数, 参保人数, 登记未缴 and the 参保率.

兴义府发〔2022〕3号 一: "以2021年12月户籍人数为基数（见附件1），各村居城乡居民参加医疗保险实现
'应保尽保'". 附件1 (兴义镇2022年度城乡居民医保应参保和电子医保卡激活人数分解表) is not in the text we
hold, so the base is never stated here: the office loads it per village as TARGET rows
(core/models/target.py, `yibao targets load`); a village without a loaded row shows no base and
no rate. 参保人数 is counted as core/reports/counting.py defines it (on the roster, accepted,
payment standing); 参保率 = 参保人数 / 户籍人数基数, the "应保尽保" measure of 一. 登记未缴 (on the
roster, not 参保) is shown beside it and never counts towards the rate.
"""

from yibao.plugins import Cite, Column, Kind, Report, ReportSource, Total, counting, progress, rate

from .fengdu_2022 import DOC

TOTAL = "合计"

COLUMNS = (
    Column("village_code", "村（社区）代码"),
    Column("village_name", "村（社区）"),
    Column("base", "户籍人数基数", Kind.INT),
    counting.PAID_COLUMN,
    counting.REGISTERED_UNPAID_COLUMN,
    Column("rate", "参保率", Kind.RATE),
)


def build(source: ReportSource):
    """One row per village below the asked region, counted in SQL by `per_unit`, then a 合计 row.

    The total adds the village rows (enrolments registered above village level are in no row);
    its base is given only when every village has one, so the total rate never divides a
    partial base.
    """
    rows = progress.per_unit(source, "village")
    for code, name, base, paid, unpaid, _amount in rows:
        yield code, name, base, paid, unpaid, rate(paid, base)
    bases = [row[2] for row in rows]
    base = sum(bases) if bases and all(b is not None for b in bases) else None
    paid = sum(row[3] for row in rows)
    unpaid = sum(row[4] for row in rows)
    yield Total((source.region.code, TOTAL, base, paid, unpaid, rate(paid, base)))


VILLAGE_PROGRESS = Report(
    name="chongqing_village_progress",
    title="各村（社区）城乡居民医保参保进度",
    cite=Cite(DOC, "一；附件1"),
    columns=COLUMNS,
    build=build,
    regions=("500230",),
    description="Per village: the base of 附件1 (loaded by the office as TARGET rows), 参保人数 (on the "
    "roster, accepted, paid), 登记未缴 and 参保率 = 参保人数 / base.",
)
