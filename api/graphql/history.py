"""Last years' 参保底表 and other departments' name lists: their uploads, and a person's history.

- `importHistory`: the base table exported by the national platform, as history for years yibao
  holds no policy for (东政办〔2021〕6号 四（六）1; 方政办明电〔2021〕35号 四（二）);
- `importDepartmentList`: the education bureau's student roll, the human-resources bureau's
  resident-pension and employee-insurance lists, the medical-insurance bureau's zero-claim list
  (筑医保通〔2021〕34号 四（三）; 贵医保组〔2023〕1号 六11、六12; 国办发〔2024〕38号);
- `enrolmentHistory`, `continuity`: what the register and the base table say of a person's years.

Uploads answer the job at once and run in the background, followed with `importJob`, as department
rosters do (api/graphql/imports.py).
"""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry
from strawberry.file_uploads import Upload

from yibao.core import models, queries
from yibao.core.auth import Role
from yibao.core.errors import ErrorCode, InputError
from yibao.core.imports.background import start_upload
from yibao.core.scope import enrolment_region
from yibao.core.services.continuity import continuity_of, years_enrolled
from yibao.core.services.department_lists import DEPARTMENT, start_list_import
from yibao.core.services.history_import import start_history_import
from yibao.core.statuses import ListSource

from .errors import attempt
from .imports import ImportJob, ImportJobResult
from .types.history import ContinuityFacts, HistoryRecord

# A copy of core's, so the schema names it without touching core's class.
DepartmentList = strawberry.enum(
    Enum("DepartmentList", {source.name: source.value for source in ListSource}),
    description="EDUCATION_STUDENTS (教育局在册学生花名册), "
    "HR_RESIDENT_PENSION (人社局城乡居民养老保险花名册), "
    "HR_EMPLOYEE_INSURANCE (人社局职工医保参保名单), ZERO_CLAIM (医保局基金零报销名单).",
)


def _person(info: strawberry.Info, person_id: strawberry.ID) -> models.Person | None:
    ctx = info.context
    return queries.by_id(ctx.session, ctx.scope, models.Person, person_id)


@strawberry.type
class Query:
    @strawberry.field(
        description="The person's years from the imported 参保底表, oldest first, within your region; null "
        "for a person you may not see."
    )
    def enrolment_history(
        self, info: strawberry.Info, person_id: strawberry.ID
    ) -> list[HistoryRecord] | None:
        ctx = info.context
        person = _person(info, person_id)
        if person is None:
            return None
        return [HistoryRecord.of(row) for row in ctx.session.exec(queries.history_of(ctx.scope, person.id))]

    @strawberry.field(
        description="The person's history before `coverageYear` as the 2025 rules read it "
        "(国办发〔2024〕38号): consecutive years, years lapsed, zero-claim years — from the register "
        "and the 参保底表 your region sees. Null for a person you may not see."
    )
    def continuity(
        self, info: strawberry.Info, person_id: strawberry.ID, coverage_year: int
    ) -> ContinuityFacts | None:
        ctx = info.context
        person = _person(info, person_id)
        if person is None:
            return None
        region = ctx.principal.region_code or enrolment_region(ctx.session, person)
        history = continuity_of(ctx.session, person, coverage_year, region, scope=ctx.scope)
        years = years_enrolled(ctx.session, person.id, coverage_year, ctx.scope)
        return ContinuityFacts(
            coverage_year=coverage_year,
            continuous_years=history.continuous_years,
            lapsed_years=history.lapsed_years,
            zero_claim_years=history.zero_claim_years,
            years_enrolled=sorted(years),
            person_id=person.id,
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Imports a 参保底表 (XLSX or CSV; headings 公民身份号码, 姓名, 参保年度, "
        "参保地行政区划代码, 参保状态, 个人缴费金额, 缴费日期) as history for years yibao holds no "
        "policy for. Answers the job at once; follow it with importJob. The same file again changes "
        "nothing."
    )
    def import_history(
        self, info: strawberry.Info, file: Upload, region_code: str | None = None
    ) -> ImportJobResult:
        ctx = info.context
        region = region_code or ctx.principal.region_code
        return attempt(
            ImportJob.of,
            lambda: start_upload(
                ctx.engine,
                ctx.actor,
                file,
                lambda path, filename: start_history_import(
                    ctx.engine, ctx.actor, path, region_code=region, rules=ctx.registry, filename=filename
                ),
            ),
        )

    @strawberry.mutation(
        description="Imports another department's name list (XLSX or CSV) as of a date: a roster uploader "
        "only its own department's lists, the zero-claim list only the county. Answers the job at once."
    )
    def import_department_list(
        self,
        info: strawberry.Info,
        file: Upload,
        list: DepartmentList,
        as_of: date,
        region_code: str | None = None,
    ) -> ImportJobResult:
        ctx = info.context
        principal = ctx.principal
        source = list.value

        def start() -> models.ImportJob:
            if principal.role is Role.ROSTER_UPLOADER and DEPARTMENT[source] != principal.department:
                raise InputError.one(
                    "list",
                    ErrorCode.FORBIDDEN,
                    f"只能导入本部门（{principal.department}）的名单",
                )
            return start_upload(
                ctx.engine,
                ctx.actor,
                file,
                lambda path, filename: start_list_import(
                    ctx.engine,
                    ctx.actor,
                    path,
                    source=source,
                    as_of=as_of,
                    region_code=region_code or principal.region_code,
                    filename=filename,
                ),
            )

        return attempt(ImportJob.of, start)
