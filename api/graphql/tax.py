"""The tax office's payment confirmations over GraphQL: a bulk import with an outcome per row.

方政办明电〔2021〕35号 四（五）, 五（二）: the tax office invoices and books the collected money
(开票、入库); what it reports back is reconciled by the `taxReconciliation` reports.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from yibao.core.services import tax_confirmations as service

from .errors import FieldError, InputErrors, attempt
from .types.enums import ImportOutcome


@strawberry.input(description="One confirmation (完税凭证) as the tax system reports it.")
class TaxConfirmationInput:
    ticket_number: str = strawberry.field(description="电子税票号码, unique.")
    receipt_number: str = strawberry.field(description="Our receipt number (收据号) the ticket confirms.")
    amount: Decimal = strawberry.field(description="Yuan, at least 0, at most two decimal places.")
    treasury_date: date = strawberry.field(description="入库日期; not in the future.")

    def to_core(self) -> service.ConfirmationInput:
        return service.ConfirmationInput(
            self.ticket_number, self.receipt_number, self.amount, self.treasury_date
        )


@strawberry.input(description="A batch of confirmations for a region the caller covers.")
class ImportTaxConfirmationsInput:
    region_code: str = strawberry.field(description="The importing office's region; it scopes the rows.")
    confirmations: list[TaxConfirmationInput]


@strawberry.type(description="One row of the batch: imported, unchanged, or refused with its reasons.")
class TaxConfirmationRow:
    index: int = strawberry.field(description="The row's position in the request, from 0.")
    ticket_number: str
    outcome: ImportOutcome
    errors: list[FieldError]


@strawberry.type(description="The batch's counts and every row's outcome; refused rows stored nothing.")
class TaxConfirmationImport:
    region_code: str
    imported: int
    unchanged: int
    refused: int
    rows: list[TaxConfirmationRow]

    @classmethod
    def of(cls, result: service.ImportResult) -> TaxConfirmationImport:
        rows = [
            TaxConfirmationRow(
                index=row.index,
                ticket_number=row.ticket_number,
                outcome=ImportOutcome(row.outcome),
                errors=[FieldError(field=e.field, code=e.code, message=e.message) for e in row.errors],
            )
            for row in result.rows
        ]
        return cls(
            region_code=result.region_code,
            imported=result.count(service.Outcome.IMPORTED),
            unchanged=result.count(service.Outcome.UNCHANGED),
            refused=result.count(service.Outcome.REFUSED),
            rows=rows,
        )


TaxConfirmationImportResult = Annotated[
    TaxConfirmationImport | InputErrors, strawberry.union("TaxConfirmationImportResult")
]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Imports the tax office's payment confirmations (电子税票号码, receipt number, amount, "
        "入库日期) for a region: each row IMPORTED, UNCHANGED (same ticket, same content) or REFUSED "
        "with its field and reason (a ticket stored with other content is a CONFLICT). InputErrors "
        "for a region outside the caller's scope."
    )
    def import_tax_confirmations(
        self, info: strawberry.Info, input: ImportTaxConfirmationsInput
    ) -> TaxConfirmationImportResult:
        ctx = info.context
        rows = [row.to_core() for row in input.confirmations]
        return attempt(
            TaxConfirmationImport.of,
            lambda: service.import_confirmations(ctx.engine, ctx.actor, input.region_code, rows),
        )
