"""Our receipts against the tax office's confirmations (方政办明电〔2021〕35号 四（五）, 五（二）).

The expected rows are computed here in plain Python from the fixture's own list of payments and
tickets, never read back from the database.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from tests.support.graphql_client import gql
from tests.support.tax import ADMIN, COUNTY, FENGRUI, SHIZHI, paid_resident, row
from yibao.core.db import transaction
from yibao.core.plugins import load_registry
from yibao.core.reports import ReportArgs
from yibao.core.scope import Scope
from yibao.core.services.payments import ReversalInput, reverse_payment
from yibao.core.services.tax_confirmations import Outcome, import_confirmations

TREASURY = date(2021, 10, 15)
LATE = date(2021, 10, 25)  # treasured after the early as-of date below
EARLY = date(2021, 10, 20)
UNKNOWN = "411322-2022-99999999"


def seed(engine) -> dict:
    """Payments of 释之街道 and 凤瑞街道 and the tickets confirming them, as plain data."""
    a, b, c, d, e, g, late = (paid_resident(engine, SHIZHI) for _ in range(7))
    f = paid_resident(engine, FENGRUI)
    reverse_payment(engine, ADMIN, ReversalInput(d.id, "重复缴费", f"rv-{d.id}"))
    reversed_on = {d.receipt_number: date.today()}
    # (importing region, ticket, receipt, amount, treasury date)
    tickets = [
        (SHIZHI, "T-A", a.receipt_number, "320.00", TREASURY),  # matched
        (SHIZHI, "T-B", b.receipt_number, "300.00", TREASURY),  # 20 yuan short
        (SHIZHI, "T-D", d.receipt_number, "320.00", TREASURY),  # for a payment since reversed
        (SHIZHI, "T-E1", e.receipt_number, "200.00", TREASURY),  # one receipt, two tickets
        (SHIZHI, "T-E2", e.receipt_number, "120.00", date(2021, 10, 16)),
        (SHIZHI, "T-X", UNKNOWN, "50.00", TREASURY),  # a receipt we never issued
        (SHIZHI, "T-L", late.receipt_number, "320.00", LATE),
        (FENGRUI, "T-F", f.receipt_number, "320.00", TREASURY),  # another township's
        (COUNTY, "T-G", g.receipt_number, "320.00", TREASURY),  # the county bureau's, for 释之
        (COUNTY, "T-Y", "411322-2022-88888888", "10.00", TREASURY),  # the county's, unmatched
    ]
    for region in (SHIZHI, FENGRUI, COUNTY):
        rows = [row(t, r, amount, day) for where, t, r, amount, day in tickets if where == region]
        result = import_confirmations(engine, ADMIN, region, rows)
        assert result.count(Outcome.IMPORTED) == len(rows)
    payments = [(SHIZHI, p.receipt_number, p.amount_fen, p.paid_on) for p in (a, b, c, d, e, g, late)]
    payments.append((FENGRUI, f.receipt_number, f.amount_fen, f.paid_on))
    return {"payments": payments, "reversed_on": reversed_on, "tickets": tickets}


def under(region: str, place: str) -> bool:
    return place.startswith(region)  # codes extend their parent's code in this fixture


def expected(data: dict, region: str, as_of: date) -> list[dict]:
    """The reconciliation by hand: live payments of the region against tickets by receipt."""
    live = {
        receipt: (amount, paid_on)
        for place, receipt, amount, paid_on in data["payments"]
        if paid_on <= as_of and data["reversed_on"].get(receipt, date.max) > as_of
    }
    ours = {r: v for r, v in live.items() if any(p[1] == r and under(region, p[0]) for p in data["payments"])}
    tax = defaultdict(list)
    for place, ticket, receipt, amount, day in data["tickets"]:
        if day <= as_of and (under(region, place) or under(place, region)):
            tax[receipt].append((place, ticket, int(Decimal(amount) * 100), day))
    rows = []
    for receipt, (amount, paid_on) in ours.items():
        found = tax.get(receipt, [])
        taxed = sum(t[2] for t in found) if found else None
        status = "ONLY_OURS" if not found else "MATCHED" if taxed == amount else "AMOUNT_DIFFERS"
        rows.append(
            {
                "status": status,
                "receipt_number": receipt,
                "ticket_number": min(t[1] for t in found) if found else None,
                "tickets": len(found),
                "our_amount": amount,
                "tax_amount": taxed,
                "difference": (taxed or 0) - amount,
                "paid_on": paid_on,
                "treasury_date": min(t[3] for t in found) if found else None,
            }
        )
    for receipt, found in tax.items():
        found = [t for t in found if under(region, t[0])]  # only what was imported in or below
        if receipt in live or not found:
            continue
        taxed = sum(t[2] for t in found)
        rows.append(
            {
                "status": "ONLY_TAX",
                "receipt_number": receipt,
                "ticket_number": min(t[1] for t in found),
                "tickets": len(found),
                "our_amount": None,
                "tax_amount": taxed,
                "difference": taxed,
                "paid_on": None,
                "treasury_date": min(t[3] for t in found),
            }
        )
    order = ["MATCHED", "AMOUNT_DIFFERS", "ONLY_OURS", "ONLY_TAX"]
    return sorted(rows, key=lambda r: (order.index(r["status"]), r["receipt_number"]))


def as_yuan(rows: list[dict]) -> list[dict]:
    money = ("our_amount", "tax_amount", "difference")
    return [
        {k: (Decimal(v) / 100 if k in money and v is not None else v) for k, v in r.items()} for r in rows
    ]


def run(engine, name: str, region: str, as_of: date | None = None):
    registry = load_registry()
    with transaction(engine) as session:
        report = registry.reports.get(name)
        return registry.reports.run(
            session, Scope(path=None), registry, report, ReportArgs(region, 2022, as_of)
        )


@pytest.mark.parametrize("region", [SHIZHI, COUNTY])
def test_every_receipt_is_matched_or_left_over_on_one_side(engine, region):
    data = seed(engine)

    result = run(engine, "tax_reconciliation", region)

    want = as_yuan(expected(data, region, date.today()))
    assert result.dicts() == want
    statuses = [r["status"] for r in want]
    # the fixture reaches every status, with the differences it was built with
    assert statuses.count("MATCHED") == (4 if region == SHIZHI else 5)  # 凤瑞's own ticket counts above
    assert statuses.count("AMOUNT_DIFFERS") == 1 and statuses.count("ONLY_OURS") == 1
    assert statuses.count("ONLY_TAX") == (2 if region == SHIZHI else 3)
    assert result.headings[:3] == ["核对结果", "收据号", "电子税票号码"]
    assert "本系统金额（元）" in result.headings and "入库日期" in result.headings


def test_before_the_tickets_arrive_the_receipts_are_only_ours(engine):
    data = seed(engine)

    result = run(engine, "tax_reconciliation", SHIZHI, as_of=EARLY)

    assert result.dicts() == as_yuan(expected(data, SHIZHI, EARLY))
    by_status = defaultdict(int)
    for r in result.dicts():
        by_status[r["status"]] += 1
    # the late ticket is not in yet, and the reversal (made today) had not happened: T-D matches
    assert by_status == {"MATCHED": 4, "AMOUNT_DIFFERS": 1, "ONLY_OURS": 2, "ONLY_TAX": 1}


def test_the_summary_adds_up_each_status(engine):
    data = seed(engine)

    result = run(engine, "tax_reconciliation_summary", SHIZHI)

    rows = expected(data, SHIZHI, date.today())
    want = []
    for status in ("MATCHED", "AMOUNT_DIFFERS", "ONLY_OURS", "ONLY_TAX"):
        mine = [r for r in rows if r["status"] == status]
        want.append(
            {
                "status": status,
                "receipts": len(mine),
                "our_amount": sum(r["our_amount"] or 0 for r in mine),
                "tax_amount": sum(r["tax_amount"] or 0 for r in mine),
                "difference": sum(r["difference"] for r in mine),
            }
        )
    assert result.dicts() == as_yuan(want)
    assert result.dicts()[1]["difference"] == Decimal("-20.00")  # T-B was 20 yuan short


def test_the_tax_system_reads_the_summary_over_graphql(engine, client_as):
    seed(engine)
    tax = client_as("TAX_INTEGRATOR", SHIZHI)
    query = """query($region: String!) { reports {
        taxReconciliationSummary(regionCode: $region, coverageYear: 2022) {
            citation columns { heading } rows { status receipts ourAmount taxAmount } } } }"""

    answer = gql(tax, query, region=SHIZHI)["reports"]["taxReconciliationSummary"]

    assert "方政办明电〔2021〕35号" in answer["citation"] and "四（五）" in answer["citation"]
    assert answer["rows"][0] == {
        "status": "MATCHED",
        "receipts": 4,
        "ourAmount": "1280.00",
        "taxAmount": "1280.00",
    }
    assert gql(tax, query, region=FENGRUI)["reports"]["taxReconciliationSummary"] is None
