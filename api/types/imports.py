from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry
from sqlmodel import select

from core import models
from core.idcard import mask_id_number

from ..permissions import sees_identity
from .base import Entity
from .pagination import DEFAULT_PAGE, Connection, paginate


@strawberry.enum(description="What became of one row of an imported file.")
class ImportOutcome(Enum):
    IMPORTED = "IMPORTED"
    UNCHANGED = "UNCHANGED"
    REFUSED = "REFUSED"


@strawberry.type(
    description="One row of an imported file: imported, unchanged, or refused naming the column."
)
class ImportRow(Entity):
    row: strawberry.Private[models.ImportRow]

    @strawberry.field(description="The row number the spreadsheet shows (the header is row 1).")
    def row_number(self) -> int:
        return self.row.row_number

    @strawberry.field
    def outcome(self) -> ImportOutcome:
        return ImportOutcome(self.row.outcome)

    @strawberry.field(
        description="The column a refusal names: idNumber, name, category, since, until, grade."
    )
    def field(self) -> str | None:
        return self.row.field

    @strawberry.field(description="NOT_FOUND, INVALID, DUPLICATE, MISMATCH, FORBIDDEN, CONFLICT or REQUIRED.")
    def code(self) -> str | None:
        return self.row.code

    @strawberry.field
    def reason(self) -> str:
        return self.row.reason

    @strawberry.field(description="The row's ID number; masked for roles that do not need it.")
    def id_number(self, info: strawberry.Info) -> str | None:
        number = self.row.id_number
        return number if sees_identity(info.context.principal.role) else mask_id_number(number)


@strawberry.type(
    description="A file import (a department's roster, a collected payment roster) and its progress."
)
class ImportJob(Entity):
    row: strawberry.Private[models.ImportJob]

    @strawberry.field(description="ROSTER, PAYMENTS, HISTORY (参保底表) or LIST (another department's list).")
    def kind(self) -> str:
        return self.row.kind

    @strawberry.field(description="RUNNING until every row has a result, then DONE.")
    def status(self) -> str:
        return self.row.status

    @strawberry.field
    def filename(self) -> str:
        return self.row.filename

    @strawberry.field(description="The department whose roster or list it is, e.g. CIVIL_AFFAIRS, EDUCATION.")
    def source(self) -> str | None:
        return self.row.source

    @strawberry.field(description="The roster's date (在册日期).")
    def as_of(self) -> date | None:
        return self.row.as_of

    @strawberry.field
    def region_code(self) -> str:
        return self.row.region_code

    @strawberry.field(description="Non-blank data rows in the file.")
    def rows_total(self) -> int | None:
        return self.row.rows_total

    @strawberry.field(description="Rows with a result so far (whole batches).")
    def rows_done(self) -> int:
        return self.row.rows_done

    @strawberry.field
    def imported(self) -> int:
        return self.row.imported

    @strawberry.field
    def unchanged(self) -> int:
        return self.row.unchanged

    @strawberry.field
    def refused(self) -> int:
        return self.row.refused

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    def finished_at(self) -> datetime | None:
        return self.row.finished_at

    @strawberry.field(description="The per-row results in file order, optionally only one outcome.")
    def rows(
        self,
        info: strawberry.Info,
        outcome: ImportOutcome | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> Connection[ImportRow]:
        ctx = info.context
        statement = select(models.ImportRow).where(
            models.ImportRow.job_id == self.row.id, ctx.scope.visible(models.ImportRow)
        )
        if outcome is not None:
            statement = statement.where(models.ImportRow.outcome == outcome.value)
        return paginate(ctx.session, statement, models.ImportRow.id, first, after, ImportRow.of)
