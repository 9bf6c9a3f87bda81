"""东至县's “四个一致” check per township: 东政办〔2021〕6号 五（二）.

"缴纳参保资金时……打印《安徽省城乡居民基本医疗保险费专用票据》，做到参保资金、参保人数、
参保花名册、开具收据“四个一致”". Per unit of the asked region (the county's townships; a
township's villages), as of the as-of date:

- 参保资金: the ledger's net amount (payments less reversals), terminated enrolments included;
- 参保人数: paid enrolments — on the roster with a standing payment (core/reports/counting.py);
- 参保花名册人数: enrolments on the roster — registered and not terminated, paid or not;
- 开具收据: receipts standing — payments less reversals;
- 应缴金额: what the roster says the paid persons owe (their enrolments' amount due).

The four agree when 参保人数 = 开具收据 = 参保花名册人数 and 参保资金 = 应缴金额. They part when a
person is on the roster but has not paid (or the payment was reversed), when an enrolment is
terminated with its payment standing, or when 四（四）'s re-adjustment on the 12-31 roster
lowers what a person owes after paying (the difference is owed back).
"""

from sqlalchemy import func
from sqlmodel import select

from core.reports import Column, Kind, Report, ReportSource, counting
from core.rules.cite import Cite

from .dongzhi_2022 import DOC

COLUMNS = (
    Column("unit_code", "代码"),
    Column("unit_name", "乡镇"),
    Column("funds", "参保资金（元）", Kind.MONEY),
    Column("headcount", "参保人数", Kind.INT),
    Column("roster", "参保花名册人数", Kind.INT),
    Column("receipts", "开具收据（张）", Kind.INT),
    Column("amount_due", "花名册应缴金额（元）", Kind.MONEY),
    Column("consistent", "是否“四个一致”", Kind.BOOL),
)


def per_unit(source: ReportSource):
    """(code, name, funds, headcount, roster, receipts, amount due) per unit, summed in SQL."""
    roster, paid, ledger = (
        counting.on_roster(source),
        counting.paid(source),
        counting.money_held(source),
    )
    roster_u = source.roll_up(roster, func.count().label("roster"))
    paid_u = source.roll_up(
        paid, func.count().label("headcount"), func.sum(paid.c.amount_due_fen).label("amount_due")
    )
    ledger_u = source.roll_up(
        ledger, func.sum(ledger.c.receipts).label("receipts"), func.sum(ledger.c.funds).label("funds")
    )
    listed = source.unit_list().subquery("listed")
    return source.fetch(
        select(
            listed.c.unit_code,
            listed.c.unit_name,
            func.coalesce(ledger_u.c.funds, 0),
            func.coalesce(paid_u.c.headcount, 0),
            func.coalesce(roster_u.c.roster, 0),
            func.coalesce(ledger_u.c.receipts, 0),
            func.coalesce(paid_u.c.amount_due, 0),
        )
        .outerjoin(roster_u, roster_u.c.unit_code == listed.c.unit_code)
        .outerjoin(paid_u, paid_u.c.unit_code == listed.c.unit_code)
        .outerjoin(ledger_u, ledger_u.c.unit_code == listed.c.unit_code)
        .order_by(listed.c.unit_code)
    )


def build(source: ReportSource):
    if source.region.level == "township":
        source.rename("unit_name", "村（社区）")
    for code, name, funds, headcount, roster, receipts, due in per_unit(source):
        consistent = headcount == receipts == roster and funds == due
        yield code, name, funds, headcount, roster, receipts, due, consistent


REPORT = Report(
    name="anhui_four_consistent",
    title="参保资金、参保人数、参保花名册、开具收据“四个一致”",
    cite=Cite(DOC, "五（二）"),
    columns=COLUMNS,
    build=build,
    regions=("341721",),
    description=(
        "Per township (a township's villages when asked for one), as of a date: the ledger's net "
        "funds, paid enrolments, enrolments on the roster, standing receipts and the amount the "
        "roster says the paid owe; consistent only when the counts agree and funds equal the amount due."
    ),
)
