"""Importing the tax office's confirmations (方政办明电〔2021〕35号 四（五）: 税务局…完成开票、入库).

Each row is IMPORTED, UNCHANGED or REFUSED with its field and reason; refused rows store nothing,
and a region outside the caller's scope refuses the whole batch without a trace.
"""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from tests.support.db_state import stored
from tests.support.graphql_client import gql
from tests.support.tax import ADMIN, FENGRUI, SHIZHI, paid_resident, row
from yibao.core.audit import Actor
from yibao.core.errors import InputError
from yibao.core.models import AuditEvent, TaxConfirmation
from yibao.core.services.tax_confirmations import Outcome, import_confirmations

TAX = Actor("tax-411322001", "TAX_INTEGRATOR", SHIZHI)


def confirmations(engine) -> set[tuple]:
    with Session(engine) as session:
        rows = session.exec(select(TaxConfirmation)).all()
    return {(r.ticket_number, r.receipt_number, r.amount_fen, r.treasury_date, r.region_code) for r in rows}


def test_each_row_is_imported_unchanged_or_refused_with_its_reason(engine):
    receipt = paid_resident(engine, SHIZHI).receipt_number
    import_confirmations(engine, TAX, SHIZHI, [row("3341100000001", receipt), row("3341100000010", receipt)])
    today = date(2022, 3, 1)
    batch = [
        row("3341100000002", receipt),  # 0 new
        row("3341100000001", receipt),  # 1 already stored, same content
        row("3341100000003", "R-1", "0"),  # 2 zero, for a receipt we never issued
        row("3341100000010", receipt, treasury=date(2021, 10, 16)),  # 3 stored with another date
        row("票号 1", receipt),  # 4 not a ticket number
        row("3341100000004", ""),  # 5 no receipt
        row("3341100000005", receipt, amount="-1.00"),  # 6 negative
        row("3341100000006", receipt, amount="320.001"),  # 7 three decimals
        row("3341100000007", receipt, treasury=today + timedelta(days=1)),  # 8 future
        row("3341100000008", receipt, treasury=today),  # 9 today is not the future
        row("3341100000009", receipt),  # 10 twice in the batch…
        row("3341100000009", receipt),  # 11 …so neither copy is taken
    ]
    before = confirmations(engine)

    result = import_confirmations(engine, TAX, SHIZHI, batch, today=today)

    outcomes = {r.index: (r.outcome, {(e.field, e.code.value) for e in r.errors}) for r in result.rows}
    refused = Outcome.REFUSED
    assert outcomes == {
        0: (Outcome.IMPORTED, set()),
        1: (Outcome.UNCHANGED, set()),
        2: (Outcome.IMPORTED, set()),
        3: (refused, {("confirmations.3.ticketNumber", "CONFLICT")}),
        4: (refused, {("confirmations.4.ticketNumber", "INVALID")}),
        5: (refused, {("confirmations.5.receiptNumber", "REQUIRED")}),
        6: (refused, {("confirmations.6.amount", "INVALID")}),
        7: (refused, {("confirmations.7.amount", "INVALID")}),
        8: (refused, {("confirmations.8.treasuryDate", "INVALID")}),
        9: (Outcome.IMPORTED, set()),
        10: (refused, {("confirmations.10.ticketNumber", "DUPLICATE")}),
        11: (refused, {("confirmations.11.ticketNumber", "DUPLICATE")}),
    }
    assert (result.count(Outcome.IMPORTED), result.count(Outcome.UNCHANGED), result.count(refused)) == (
        3,
        1,
        8,
    )
    added = {
        ("3341100000002", receipt, 32000, date(2021, 10, 15), SHIZHI),
        ("3341100000003", "R-1", 0, date(2021, 10, 15), SHIZHI),
        ("3341100000008", receipt, 32000, today, SHIZHI),
    }
    assert confirmations(engine) == before | added  # the conflicting ticket kept its first content
    with Session(engine) as session:
        audited = session.exec(
            select(AuditEvent.actor).where(AuditEvent.action == "import_tax_confirmation")
        ).all()
    assert audited == [TAX.name] * 5  # the first import's two and the three of this batch


def test_a_batch_of_refused_rows_changes_nothing(engine):
    receipt = paid_resident(engine, SHIZHI).receipt_number
    import_confirmations(engine, TAX, SHIZHI, [row("T-1", receipt)])
    before = stored(engine)

    result = import_confirmations(engine, TAX, SHIZHI, [row("T-1", receipt, "319.99"), row("", receipt)])

    assert [r.outcome for r in result.rows] == [Outcome.REFUSED, Outcome.REFUSED]
    assert stored(engine) == before


@pytest.mark.parametrize(
    ("region", "code"), [(FENGRUI, "FORBIDDEN"), ("411322999", "NOT_FOUND"), ("", "REQUIRED")]
)
def test_a_region_outside_the_callers_scope_refuses_the_whole_batch(engine, region, code):
    before = stored(engine)
    with pytest.raises(InputError) as refused:
        import_confirmations(engine, TAX, region, [row("T-9", "R-9")])
    assert [(e.field, e.code.value) for e in refused.value.errors] == [("regionCode", code)]
    assert stored(engine) == before


def test_a_ticket_stored_by_another_office_conflicts(engine):
    import_confirmations(engine, ADMIN, FENGRUI, [row("T-1", "R-1")])

    result = import_confirmations(engine, TAX, SHIZHI, [row("T-1", "R-1")])

    assert result.rows[0].outcome is Outcome.REFUSED
    assert result.rows[0].errors[0].code.value == "CONFLICT"
    assert {c[4] for c in confirmations(engine)} == {FENGRUI}


IMPORT = """
mutation($input: ImportTaxConfirmationsInput!) {
  importTaxConfirmations(input: $input) {
    __typename
    ... on TaxConfirmationImport {
      regionCode imported unchanged refused rows { index ticketNumber outcome errors { field code } }
    }
    ... on InputErrors { errors { field code } }
  }
}"""


def test_the_tax_system_imports_over_graphql(engine, client_as):
    receipt = paid_resident(engine, SHIZHI).receipt_number
    tax = client_as("TAX_INTEGRATOR", SHIZHI, name="tax-shizhi")
    rows = [
        {"ticketNumber": "G-1", "receiptNumber": receipt, "amount": "320.00", "treasuryDate": "2021-10-15"},
        {"ticketNumber": "G-2", "receiptNumber": receipt, "amount": "1.234", "treasuryDate": "2021-10-15"},
    ]

    answer = gql(tax, IMPORT, input={"regionCode": SHIZHI, "confirmations": rows})["importTaxConfirmations"]

    assert answer == {
        "__typename": "TaxConfirmationImport",
        "regionCode": SHIZHI,
        "imported": 1,
        "unchanged": 0,
        "refused": 1,
        "rows": [
            {"index": 0, "ticketNumber": "G-1", "outcome": "IMPORTED", "errors": []},
            {
                "index": 1,
                "ticketNumber": "G-2",
                "outcome": "REFUSED",
                "errors": [{"field": "confirmations.1.amount", "code": "INVALID"}],
            },
        ],
    }
    assert confirmations(engine) == {("G-1", receipt, 32000, date(2021, 10, 15), SHIZHI)}
    elsewhere = gql(tax, IMPORT, input={"regionCode": FENGRUI, "confirmations": rows[:1]})
    assert elsewhere["importTaxConfirmations"] == {
        "__typename": "InputErrors",
        "errors": [{"field": "regionCode", "code": "FORBIDDEN"}],
    }
    clerk = client_as("VILLAGE_CLERK", SHIZHI)
    refused = clerk.post(
        "/graphql",
        json={"query": IMPORT, "variables": {"input": {"regionCode": SHIZHI, "confirmations": rows}}},
    )
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
