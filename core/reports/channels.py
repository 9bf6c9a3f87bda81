"""Payments by channel: how the money came in (online channels are assessed, 东政办〔2021〕6号 五（二）)."""

from sqlalchemy import case, func
from sqlmodel import select

from ..rules.cite import Cite
from ..rules.vocabulary import CHANNELS
from ..statuses import PaymentKind
from .source import ReportSource
from .spec import Column, Kind, Report

COLUMNS = (
    Column("channel", "缴费渠道代码"),
    Column("channel_name", "缴费渠道"),
    Column("payments", "缴费笔数", Kind.INT),
    Column("reversals", "冲正笔数", Kind.INT),
    Column("amount", "金额（元）", Kind.MONEY),
)


def build(source: ReportSource):
    p = source.payments(on=source.as_of)
    statement = (
        select(
            p.c.channel,
            func.sum(case((p.c.kind == PaymentKind.PAYMENT, 1), else_=0)),
            func.sum(case((p.c.kind == PaymentKind.REVERSAL, 1), else_=0)),
            func.sum(p.c.amount_fen),
        )
        .group_by(p.c.channel)
        .order_by(p.c.channel)
    )
    for channel, payments, reversals, amount in source.fetch(statement):
        yield channel, CHANNELS.get(channel, channel), payments, reversals, amount


REPORT = Report(
    name="payments_by_channel",
    title="分渠道缴费情况",
    cite=Cite("东政办〔2021〕6号", "四（一）、五（二）"),
    columns=COLUMNS,
    build=build,
    description="Payments, reversals and the net amount per payment channel, as of a date.",
)
