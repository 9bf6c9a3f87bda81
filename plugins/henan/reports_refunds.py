"""The refund ledger by department (先征后返), 方政办明电〔2021〕35号 二（一）、五（二）.

二（一） collects the full 320 from other 困难群众 and refunds them afterwards; 五（二） names who pays
back: "县民政局…负责将城乡最低生活保障对象补贴资金返还给个人" and the 县财政局
"组织各财政所将建档立卡贫困人员的补贴资金返还给个人". This wraps core's ledger
(`ReportSource.refund_ledger`, summed in SQL): owed, paid and outstanding per department
and township. It shows the refunds' present state; the as-of date does not apply.
"""

from yibao.plugins import Cite, Column, Kind, Report, ReportSource

from .fangcheng_2022 import DOC

DEPARTMENTS = {
    "CIVIL_AFFAIRS": "县民政局",  # 五（二）: 低保
    "FINANCE": "财政所",  # 五（二）: 建档立卡
    "TAX": "税务局",  # refunds on termination
}
UNNAMED = "相关单位（未指定）"  # 二（一） "由相关单位…返还" for the other groups


def build(source: ReportSource):
    for row in source.refund_ledger():
        yield (
            DEPARTMENTS.get(row.department, row.department) if row.department else UNNAMED,
            row.township_code,
            row.township_name,
            row.owed_count,
            row.owed_fen,
            row.paid_count,
            row.paid_fen,
            row.outstanding_count,
            row.outstanding_fen,
        )


REFUND_LEDGER = Report(
    name="henan_refund_ledger",
    title="先征后返退费台账",
    cite=Cite(DOC, "二（一）; 五（二）"),
    columns=(
        Column("department", "退费单位"),
        Column("township_code", "乡镇（街道）代码"),
        Column("township", "乡镇（街道）"),
        Column("owed_count", "应退人数", Kind.INT),
        Column("owed", "应退金额（元）", Kind.MONEY),
        Column("paid_count", "已退人数", Kind.INT),
        Column("paid", "已退金额（元）", Kind.MONEY),
        Column("outstanding_count", "未退人数", Kind.INT),
        Column("outstanding", "未退金额（元）", Kind.MONEY),
    ),
    build=build,
    regions=("411322",),
    description="Refunds owed, paid and outstanding per refunding department and township (present state).",
)
