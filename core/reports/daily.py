"""Collection over time: per day, the payments and reversals entered and the money, with running totals.

The offices watch whether collection speeds up or stalls before a window closes: 方政办明电〔2021〕35号
五（四） ranks the townships every week and reports every fortnight ("每周一排名，半月一通报"), and
东政办〔2021〕6号 五（三） asks the bureau to "及时掌握缴费进展情况". Each row is a day on which the
ledger moved, up to the as-of date: payments (缴费笔数) and reversals (冲正笔数) dated that day, the
net amount, and the running totals — standing receipts (payments less reversals) and the money
held. The last row's running amount is collection progress's 征收金额 for the same date (both are
the ledger's net sum, core/reports/counting.py `money_held`). Days without a ledger row are left
out; a chart's time axis shows the gap.
"""

from sqlalchemy import case, false, func, literal, true, union_all
from sqlmodel import col, select

from ..models import Payment
from ..rules.cite import Cite
from ..statuses import PaymentKind
from .source import ReportSource
from .spec import Column, Kind, Report

COLUMNS = (
    Column("day", "日期", Kind.DATE),
    Column("payments", "缴费笔数", Kind.INT),
    Column("reversals", "冲正笔数", Kind.INT),
    Column("amount", "当日净收金额（元）", Kind.MONEY),
    Column("cumulative_receipts", "累计有效缴费笔数", Kind.INT),
    Column("cumulative_amount", "累计征收金额（元）", Kind.MONEY),
)


def per_day(source: ReportSource):
    """Rows (day, payments, reversals, net fen) of the region's ledger for the year, by day, in SQL."""
    day = source.as_of
    # An enrolment never reversed has one ledger row, its first payment, on the enrolment row
    # (core/reports/counting.py): counted from the enrolments alone. Only the reversed ones'
    # ledger rows are read.
    e = source.enrolments()
    first = (
        select(
            e.c.first_paid_on.label("paid_on"),
            func.count().label("payments"),
            literal(0).label("reversals"),
            func.sum(e.c.first_paid_fen).label("amount"),
        )
        .where(e.c.ledger_reversed == false(), e.c.first_paid_on <= day)
        .group_by(e.c.first_paid_on)
    )
    reversed_ids = select(e.c.id).where(e.c.ledger_reversed == true())
    rest = (
        select(
            Payment.paid_on,
            func.sum(case((Payment.kind == PaymentKind.PAYMENT, 1), else_=0)),
            func.sum(case((Payment.kind == PaymentKind.REVERSAL, 1), else_=0)),
            func.sum(Payment.amount_fen),
        )
        .where(col(Payment.enrolment_id).in_(reversed_ids), Payment.paid_on <= day)
        .group_by(Payment.paid_on)
    )
    ledger = union_all(first, rest).subquery("ledger")
    statement = (
        select(
            ledger.c.paid_on,
            func.sum(ledger.c.payments),
            func.sum(ledger.c.reversals),
            func.sum(ledger.c.amount),
        )
        .group_by(ledger.c.paid_on)
        .order_by(ledger.c.paid_on)
    )
    return source.fetch(statement)


def build(source: ReportSource):
    receipts = amount = 0
    for day, payments, reversals, net in per_day(source):
        payments, reversals, net = int(payments), int(reversals), int(net)
        receipts += payments - reversals
        amount += net
        yield day, payments, reversals, net, receipts, amount


REPORT = Report(
    name="collection_daily",
    title="每日征缴情况",
    cite=Cite("方政办明电〔2021〕35号 五（四）；东政办〔2021〕6号", "五（三）"),
    columns=COLUMNS,
    build=build,
    description="Per day up to the as-of date: payments and reversals entered, the net amount, and running "
    "totals of standing receipts and money held (the last equals collection progress's amount).",
)
