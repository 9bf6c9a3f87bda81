"""`yibao refunds pay|ledger`: refund batches and the refund ledger.

refunds pay     pays everything a department owes back in a region, as one batch
                (方政办明电〔2021〕35号 五（二）: CIVIL_AFFAIRS for 低保, FINANCE for 建档立卡; TAX for
                refunds on termination, 筑医保通〔2021〕34号 五（三）)
refunds ledger  owed, paid, outstanding, pending and to recover per department and township
"""

from datetime import date

import click

from .common import DATE, FORMATS, operator, write_export

LEDGER_HEADINGS = (
    "退费部门",
    "乡镇（街道）代码",
    "乡镇（街道）",
    "应退金额",
    "已退金额",
    "未退金额",
    "应退笔数",
    "已退笔数",
    "未退笔数",
    "待定笔数",
    "应追回金额",
    "已追回金额",
)


@click.group(help="refund batches and the refund ledger")
def refunds() -> None:
    pass


@refunds.command(help="pay everything a department owes back in a region, as one batch")
@click.option("--department", required=True, help="CIVIL_AFFAIRS, FINANCE or TAX")
@click.option("--region", required=True, help="region code; refunds of enrolments in or below it")
@click.option("--on", required=True, type=DATE, help="the payout date, YYYY-MM-DD")
@click.option("--reference", required=True, help="the payout's bank or treasury reference (代发批次号)")
@click.option(
    "--key", help="idempotency key (default: department, region and date, so a rerun pays nothing twice)"
)
def pay(department: str, region: str, on: date, reference: str, key: str | None) -> None:
    from yibao.core.db import make_engine
    from yibao.core.money import fen_to_yuan
    from yibao.core.plugins import load_registry
    from yibao.core.services.refund_payouts import RefundPayout, pay_refunds

    key = key or f"cli:{department}:{region}:{on.isoformat()}"
    payout = RefundPayout(department, region, on, key, reference)
    batch = pay_refunds(make_engine(), operator(region), payout, load_registry())
    click.echo(
        f"退费批次 {batch.id}: {batch.department} {batch.region_code} {batch.paid_on} "
        f"{batch.count} 笔 {fen_to_yuan(batch.amount_fen)} 元"
    )


@refunds.command(help="owed, paid, outstanding, pending and to recover per department and township")
@click.option("--region", required=True)
@click.option("--year", type=int, help="coverage year (default: all)")
@click.option("-o", "--output", help="FILE.xlsx or FILE.csv (default: CSV to stdout)")
@click.option("--format", "fmt", type=click.Choice(FORMATS))
def ledger(region: str, year: int | None, output: str | None, fmt: str | None) -> None:
    from sqlmodel import Session

    from yibao.core.db import make_engine
    from yibao.core.money import fen_to_yuan
    from yibao.core.scope import Scope
    from yibao.core.services.refund_ledger import refund_ledger

    with Session(make_engine()) as session:
        found = refund_ledger(session, Scope.of(session, region), region, year)
    rows = [
        (
            row.department or "",
            row.township_code,
            row.township_name,
            fen_to_yuan(row.owed_fen),
            fen_to_yuan(row.paid_fen),
            fen_to_yuan(row.outstanding_fen),
            row.owed_count,
            row.paid_count,
            row.outstanding_count,
            row.pending_count,
            fen_to_yuan(row.to_recover_fen),
            fen_to_yuan(row.recovered_fen),
        )
        for row in found
    ]
    write_export(output, fmt, LEDGER_HEADINGS, rows, f"退费台账{year or ''}")
