"""Reconciling our receipts with the tax office's confirmations (完税凭证), receipt by receipt.

方政办明电〔2021〕35号 四（五）: 税务局根据征集流水号完成开票、入库; 五（二）: 县税务局 does the 开票入库
of the collection. Each live payment (a PAYMENT not reversed by the as-of date) of the year's
enrolments in the region is matched on its receipt number with the confirmations treasured by
that date (core/services/tax_confirmations.py):

- MATCHED: confirmed for the same amount;
- AMOUNT_DIFFERS: confirmed for another amount (several tickets for one receipt are summed);
- ONLY_OURS: no confirmation yet;
- ONLY_TAX: a confirmation imported for the region (or below it) whose receipt number matches
  no live payment at all — a receipt we never issued, or one since reversed.

A confirmation imported by an office above the region (the county's tax bureau importing for its
townships) still matches the region's payments. The difference is 税务金额 − 本系统金额, so a
missing confirmation shows our amount as negative and an unmatched ticket its amount as positive.
Everything is matched and summed in SQL (an outer join and an anti-join), never in Python.
"""

from sqlalchemy import Select, case, exists, func, literal, null, or_, union_all
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from ..models import Payment, Region, TaxConfirmation
from ..rules.cite import Cite
from ..statuses import PaymentKind
from .source import ReportSource
from .spec import Column, Kind, Report

CITE = Cite("方政办明电〔2021〕35号", "四（五）、五（二）")
STATUSES = ("MATCHED", "AMOUNT_DIFFERS", "ONLY_OURS", "ONLY_TAX")

COLUMNS = (
    Column("status", "核对结果"),
    Column("receipt_number", "收据号"),
    Column("ticket_number", "电子税票号码"),
    Column("tickets", "税票张数", Kind.INT),
    Column("our_amount", "本系统金额（元）", Kind.MONEY),
    Column("tax_amount", "税务金额（元）", Kind.MONEY),
    Column("difference", "差额（元）", Kind.MONEY),
    Column("paid_on", "缴费日期", Kind.DATE),
    Column("treasury_date", "入库日期", Kind.DATE),
)

SUMMARY_COLUMNS = (
    Column("status", "核对结果"),
    Column("receipts", "笔数", Kind.INT),
    Column("our_amount", "本系统金额（元）", Kind.MONEY),
    Column("tax_amount", "税务金额（元）", Kind.MONEY),
    Column("difference", "差额（元）", Kind.MONEY),
)


def _live_payments(source: ReportSource, anywhere: bool):
    """PAYMENT rows paid by the as-of date and not reversed by then: the year's in the region, or all."""
    day = source.as_of
    reversal = aliased(Payment)
    if anywhere:
        return select(Payment.receipt_number).where(
            Payment.kind == PaymentKind.PAYMENT,
            Payment.paid_on <= day,
            ~exists().where(reversal.reverses_payment_id == Payment.id, reversal.paid_on <= day),
        )
    p = source.payments(on=day)
    return select(p.c.receipt_number, p.c.amount_fen, p.c.paid_on).where(
        p.c.kind == PaymentKind.PAYMENT,
        ~exists().where(reversal.reverses_payment_id == p.c.id, reversal.paid_on <= day),
    )


def _confirmations(source: ReportSource, *, above: bool):
    """Confirmations treasured by the as-of date, imported for the region, below it, and with `above`
    also for the regions above it; one row per receipt number, tickets summed."""
    t = TaxConfirmation
    regions = [col(t.region_code).in_(source.region_codes())]
    if above:  # the region's own path starts with the path of every region above it
        ancestors = select(Region.code).where(literal(source.region.path).startswith(Region.path))
        regions.append(col(t.region_code).in_(ancestors))
    return (
        select(
            t.receipt_number,
            func.min(t.ticket_number).label("ticket_number"),
            func.count().label("tickets"),
            func.sum(t.amount_fen).label("amount_fen"),
            func.min(t.treasury_date).label("treasury_date"),
        )
        .where(t.treasury_date <= source.as_of, or_(*regions))
        .group_by(t.receipt_number)
    )


def reconciliation(source: ReportSource) -> Select:
    """One row per receipt: (status, receipt, ticket, tickets, ours, tax, difference, paid on, treasury)."""
    ours = _live_payments(source, anywhere=False).subquery("ours")
    tax = _confirmations(source, above=True).subquery("tax")
    status = case(
        (tax.c.receipt_number.is_(None), "ONLY_OURS"),
        (tax.c.amount_fen == ours.c.amount_fen, "MATCHED"),
        else_="AMOUNT_DIFFERS",
    )
    ours_side = select(
        status.label("status"),
        ours.c.receipt_number,
        tax.c.ticket_number,
        func.coalesce(tax.c.tickets, 0).label("tickets"),
        ours.c.amount_fen.label("our_amount"),
        tax.c.amount_fen.label("tax_amount"),
        (func.coalesce(tax.c.amount_fen, 0) - ours.c.amount_fen).label("difference"),
        ours.c.paid_on,
        tax.c.treasury_date,
    ).select_from(ours.outerjoin(tax, tax.c.receipt_number == ours.c.receipt_number))
    only_tax = _confirmations(source, above=False).subquery("only_tax")
    tax_side = select(
        literal("ONLY_TAX").label("status"),
        only_tax.c.receipt_number,
        only_tax.c.ticket_number,
        only_tax.c.tickets,
        null().label("our_amount"),
        only_tax.c.amount_fen.label("tax_amount"),
        only_tax.c.amount_fen.label("difference"),
        null().label("paid_on"),
        only_tax.c.treasury_date,
    ).where(only_tax.c.receipt_number.not_in(_live_payments(source, anywhere=True)))
    return union_all(ours_side, tax_side)


def build(source: ReportSource):
    rows = reconciliation(source).subquery("reconciliation")
    order = case({name: rank for rank, name in enumerate(STATUSES)}, value=rows.c.status)
    return source.fetch(select(rows).order_by(order, rows.c.receipt_number))


def build_summary(source: ReportSource):
    rows = reconciliation(source).subquery("reconciliation")
    statuses = union_all(
        *(
            select(literal(name).label("status"), literal(rank).label("rank"))
            for rank, name in enumerate(STATUSES)
        )
    ).subquery("statuses")
    statement = (
        select(
            statuses.c.status,
            func.count(rows.c.receipt_number),
            func.coalesce(func.sum(rows.c.our_amount), 0),
            func.coalesce(func.sum(rows.c.tax_amount), 0),
            func.coalesce(func.sum(rows.c.difference), 0),
        )
        .select_from(statuses.outerjoin(rows, rows.c.status == statuses.c.status))
        .group_by(statuses.c.status, statuses.c.rank)
        .order_by(statuses.c.rank)
    )
    return source.fetch(statement)


REPORT = Report(
    name="tax_reconciliation",
    title="医保费征收与税务入库核对明细",
    cite=CITE,
    columns=COLUMNS,
    build=build,
    description="Every live payment of the year's enrolments in the region against the tax office's "
    "confirmations by receipt number: MATCHED, AMOUNT_DIFFERS, ONLY_OURS, ONLY_TAX; difference is "
    "tax minus ours.",
)

SUMMARY = Report(
    name="tax_reconciliation_summary",
    title="医保费征收与税务入库核对汇总",
    cite=CITE,
    columns=SUMMARY_COLUMNS,
    build=build_summary,
    description="The reconciliation per status: receipts, our amount, the tax amount and the difference.",
)
