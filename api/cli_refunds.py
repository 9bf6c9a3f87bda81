"""`yibao refunds pay|ledger` and `yibao roster zero-declarations` (零申报).

refunds pay     pays everything a department owes back in a region, as one batch
                (方政办明电〔2021〕35号 五（二）: CIVIL_AFFAIRS for 低保, FINANCE for 建档立卡; TAX for
                refunds on termination, 筑医保通〔2021〕34号 五（三）)
refunds ledger  owed, paid, outstanding, pending and to recover per department and township
roster zero-declarations   the fully subsidised persons the tax office declares at zero
                (筑医保通〔2021〕34号 四（二）)
"""

import argparse
import sys
from datetime import date

from .cli_common import operator, write_export

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
ZERO_HEADINGS = ("姓名", "身份证号码", "参保地代码", "资助类别", "资助金额", "资金来源", "参保状态")


def _readable(call):
    """Runs a read against the database, turning a missing schema into a hint."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return call()
    except SQLAlchemyError:
        sys.exit("yibao: the database is not ready; run `yibao db upgrade` first")


def refunds_pay(args: argparse.Namespace) -> None:
    from yibao.core.db import make_engine
    from yibao.core.errors import InputError
    from yibao.core.money import fen_to_yuan
    from yibao.core.services.refund_payouts import RefundPayout, pay_refunds

    key = args.key or f"cli:{args.department}:{args.region}:{args.on.isoformat()}"
    from yibao.core.plugins import load_registry

    payout = RefundPayout(args.department, args.region, args.on, key, args.reference)
    try:
        batch = _readable(lambda: pay_refunds(make_engine(), operator(args.region), payout, load_registry()))
    except InputError as error:
        sys.exit(f"yibao: {error}")
    print(
        f"退费批次 {batch.id}: {batch.department} {batch.region_code} {batch.paid_on} "
        f"{batch.count} 笔 {fen_to_yuan(batch.amount_fen)} 元"
    )


def refunds_ledger(args: argparse.Namespace) -> None:
    from sqlmodel import Session

    from yibao.core.db import make_engine
    from yibao.core.money import fen_to_yuan
    from yibao.core.scope import Scope
    from yibao.core.services.refund_ledger import refund_ledger

    def read():
        with Session(make_engine()) as session:
            return refund_ledger(session, Scope.of(session, args.region), args.region, args.year)

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
        for row in _readable(read)
    ]
    write_export(args.output, args.format, LEDGER_HEADINGS, rows, f"退费台账{args.year or ''}")


def roster_zero_declarations(args: argparse.Namespace) -> None:
    from sqlmodel import Session

    from yibao.core.db import make_engine
    from yibao.core.scope import Scope
    from yibao.core.services.zero_declaration import zero_declarations

    def read():
        with Session(make_engine()) as session:
            return zero_declarations(session, Scope.of(session, args.region), args.region, args.year)

    rows = [
        (
            z.name,
            z.id_number or "",
            z.enrolment.region_code,
            z.subsidy_category or "",
            z.subsidy,
            "；".join(f"{f.source} {f.amount}" for f in z.funding),
            z.enrolment.status,
        )
        for z in _readable(read)
    ]
    write_export(args.output, args.format, ZERO_HEADINGS, rows, f"零申报{args.year}")


def add_commands(commands, roster_commands) -> None:
    refunds = commands.add_parser("refunds", help="refund batches and the refund ledger").add_subparsers(
        dest="refunds", required=True
    )
    pay = refunds.add_parser("pay", help="pay everything a department owes back in a region, as one batch")
    pay.add_argument("--department", required=True, help="CIVIL_AFFAIRS, FINANCE or TAX")
    pay.add_argument("--region", required=True, help="region code; refunds of enrolments in or below it")
    pay.add_argument("--on", required=True, type=date.fromisoformat, help="the payout date, YYYY-MM-DD")
    pay.add_argument(
        "--reference", required=True, help="the payout's bank or treasury reference (代发批次号)"
    )
    pay.add_argument(
        "--key", help="idempotency key (default: department, region and date, so a rerun pays nothing twice)"
    )
    pay.set_defaults(handler=refunds_pay)

    ledger = refunds.add_parser(
        "ledger", help="owed, paid, outstanding, pending and to recover per department and township"
    )
    ledger.add_argument("--region", required=True)
    ledger.add_argument("--year", type=int, help="coverage year (default: all)")
    ledger.add_argument("-o", "--output", help="FILE.xlsx or FILE.csv (default: CSV to stdout)")
    ledger.add_argument("--format", choices=["xlsx", "csv"])
    ledger.set_defaults(handler=refunds_ledger)

    zero = roster_commands.add_parser(
        "zero-declarations", help="fully subsidised persons for the tax office's zero declaration (零申报)"
    )
    zero.add_argument("--region", required=True)
    zero.add_argument("--year", required=True, type=int, help="coverage year")
    zero.add_argument("-o", "--output", required=True, help="FILE.xlsx or FILE.csv")
    zero.add_argument("--format", choices=["xlsx", "csv"])
    zero.set_defaults(handler=roster_zero_declarations)
