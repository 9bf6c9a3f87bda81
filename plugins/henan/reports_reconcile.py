"""Three-party reconciliation of each village's collection roster against its deposit slips.

方政办明电〔2021〕35号 四（四）: "以行政村（社区）为单位，社保协办员、卫生院经办人员、税务分局工作人员核对各村
（社区）上报的缴费清册和缴款单金额、信息是否准确一致".

The roster (缴费清册) holds what the village's 社保协办员 collected: 三（一） has local residents pay
"通过各村(社区)社保协办员以行政村(社区)为单位集中征缴", and 四（三） has the village record each payer on
the roster and deposit that cash at a credit-union branch. So the roster is the live payments of
enrolments in the village through VILLAGE_CASH (the channel the policy gives 三（一）and 四（三））;
payments through the 三（二） channels (信用社网点, 河南税务, 支付宝, 自助办税机) never pass through the
village's hands, have no deposit slip and would make every village look short. Both sides count
up to the as-of date: payments paid and slips deposited on or before it.
"""

from sqlalchemy import case, func
from sqlmodel import select

from yibao.plugins import Cite, Column, Kind, PaymentKind, Report, ReportSource

from .fangcheng_2022 import DOC

VILLAGE = "village"
COLLECTED_BY_VILLAGE = "VILLAGE_CASH"  # 三（一）; 四（三）


def roster_per_village(source: ReportSource):
    """Subquery (unit_code, persons, amount) of the village collector's payments, net of reversals."""
    p = source.payments(on=source.as_of)
    collected = select(p).where(p.c.channel == COLLECTED_BY_VILLAGE).subquery("collected")
    return source.roll_up(
        collected,
        func.sum(case((collected.c.kind == PaymentKind.PAYMENT, 1), else_=-1)).label("persons"),
        func.sum(collected.c.amount_fen).label("amount"),
        level=VILLAGE,
    )


def slips_per_village(source: ReportSource):
    """Subquery (region_code, amount) of the year's deposit slips deposited by the as-of date."""
    slips = source.deposit_slips()
    return (
        select(slips.c.region_code, func.sum(slips.c.amount_fen).label("amount"))
        .where(slips.c.deposited_on <= source.as_of)
        .group_by(slips.c.region_code)
        .subquery("slips")
    )


def build(source: ReportSource):
    listed = source.unit_list(VILLAGE).subquery("listed")
    roster, slips = roster_per_village(source), slips_per_village(source)
    collected = func.coalesce(roster.c.amount, 0)
    deposited = func.coalesce(slips.c.amount, 0)
    statement = (
        select(
            listed.c.unit_code,
            listed.c.unit_name,
            func.coalesce(roster.c.persons, 0),
            collected,
            deposited,
            collected - deposited,
        )
        .outerjoin(roster, roster.c.unit_code == listed.c.unit_code)
        .outerjoin(slips, slips.c.region_code == listed.c.unit_code)
        .order_by(listed.c.unit_code)
    )
    for code, name, persons, amount, slip_amount, difference in source.fetch(statement):
        yield code, name, persons, amount, slip_amount, difference, difference == 0


THREE_PARTY = Report(
    name="henan_three_party",
    title="缴费清册与缴款单三方核对表",
    cite=Cite(DOC, "四（三）（四）"),
    columns=(
        Column("village_code", "村（社区）代码"),
        Column("village", "村（社区）"),
        Column("roster_persons", "缴费清册人数", Kind.INT),
        Column("roster_amount", "缴费清册金额（元）", Kind.MONEY),
        Column("slip_amount", "缴款单金额（元）", Kind.MONEY),
        Column("difference", "差额（元）", Kind.MONEY),
        Column("consistent", "是否一致", Kind.BOOL),
    ),
    build=build,
    regions=("411322",),
    description="Per village: the collector's roster (VILLAGE_CASH payments) against the deposit slips "
    "of the year, both up to asOf; 差额 = roster − slips.",
)
