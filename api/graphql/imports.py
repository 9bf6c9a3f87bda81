"""File imports: a department's roster (花名册) as hardship identities, a village's collected roster
(缴费清册) as payments; each answers its job at once, followed with `importJob` and its per-row results.

方政办明电〔2021〕35号 四（三）–（五）: the village records each payer on the roster as it collects,
the roster is checked, then put into the 导入模板 and imported. The upload is saved and run in the
background by core (core/imports/background.py); this module only translates.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from yibao.core import models, queries
from yibao.core.auth import Role
from yibao.core.errors import ErrorCode, InputError
from yibao.core.idcard import mask_id_number
from yibao.core.ids import parse_id
from yibao.core.imports.background import start_upload
from yibao.core.services.payment_import import start_payment_import
from yibao.core.services.rosters import start_roster_import

from .errors import InputErrors, attempt
from .permissions import sees_identity
from .types.base import Entity
from .types.enums import ImportOutcome
from .types.pagination import DEFAULT_PAGE, Connection, paginate


@strawberry.type(
    description="One row of an imported file: imported, unchanged, or refused naming the column."
)
class ImportRow(Entity, model=models.ImportRow):
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
class ImportJob(Entity, model=models.ImportJob):
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
        statement = queries.import_rows(ctx.scope, self.row.id, outcome.value if outcome else None)
        return paginate(ctx.session, statement, models.ImportRow.id, first, after, ImportRow.of)


ImportJobResult = Annotated[ImportJob | InputErrors, strawberry.union("ImportJobResult")]


@strawberry.type
class Query:
    @strawberry.field(
        description="An import job with its progress and per-row results, within your region; a "
        "department's roster uploader sees its own department's jobs only."
    )
    def import_job(self, info: strawberry.Info, id: strawberry.ID) -> ImportJob | None:
        ctx = info.context
        try:
            job_id = parse_id(id, "id")
        except InputError:
            return None
        job = ctx.scope.get(ctx.session, models.ImportJob, job_id)
        principal = ctx.principal
        if job is not None and principal.role is Role.ROSTER_UPLOADER and job.source != principal.department:
            return None  # who is on another department's roster is not its business: absent, not refused
        return ImportJob.of(job)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Imports a department's roster (花名册, XLSX or CSV) as hardship identities. "
        "Answers the job at once (RUNNING, with rowsTotal); follow it with importJob. "
        "The same file again changes nothing."
    )
    def import_roster(
        self,
        info: strawberry.Info,
        file: Upload,
        source: str,
        as_of: date,
        region_code: str | None = None,
    ) -> ImportJobResult:
        ctx = info.context
        principal = ctx.principal

        def start() -> models.ImportJob:
            if principal.role is Role.ROSTER_UPLOADER and source != principal.department:
                raise InputError.one(
                    "source",
                    ErrorCode.FORBIDDEN,
                    f"只能导入本部门（{principal.department}）的花名册",
                )
            return start_upload(
                ctx.engine,
                ctx.actor,
                file,
                lambda path, filename: start_roster_import(
                    ctx.engine,
                    ctx.actor,
                    path,
                    source=source,
                    as_of=as_of,
                    region_code=region_code or principal.region_code,
                    categories=ctx.registry.categories,
                    filename=filename,
                ),
            )

        return attempt(ImportJob.of, start)

    @strawberry.mutation(
        description="Imports a village's collected roster (缴费清册, XLSX or CSV: 身份证号码, 姓名, "
        "缴费金额, 缴费日期, optional 缴费方式 and 档次) as payments under the policy; each row is recorded "
        "(enrolling the person for the policy's year if needed) or refused naming the column. "
        "Answers the job at once (RUNNING, with rowsTotal); follow it with importJob. "
        "The same rows again record nothing twice."
    )
    def import_payments(
        self,
        info: strawberry.Info,
        file: Upload,
        policy_id: str,
        region_code: str,
        channel: str | None = None,
    ) -> ImportJobResult:
        ctx = info.context

        return attempt(
            ImportJob.of,
            lambda: start_upload(
                ctx.engine,
                ctx.actor,
                file,
                lambda path, filename: start_payment_import(
                    ctx.engine,
                    ctx.actor,
                    ctx.registry,
                    path,
                    filename=filename,
                    policy_id=policy_id,
                    region_code=region_code,
                    channel=channel,
                ),
            ),
        )
