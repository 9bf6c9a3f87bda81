"""Reports as typed GraphQL fields, composed at start-up from the report catalog.

Every report of core and the plugins becomes a field of `reports`, e.g.

    { reports { collectionProgress(regionCode: "341702", coverageYear: 2024) {
        title citation columns { key heading } rows { unitName target paid rate } } } }

with one row type per report whose fields are the report's columns. The same report downloads
as XLSX or CSV from `/exports/reports/<name>.xlsx` (api/http/exports.py). A region outside the
caller's scope answers null, as a lookup of another region's row does.
"""

import asyncio
from datetime import date
from decimal import Decimal
from typing import Optional

import strawberry
from sqlmodel import Session
from strawberry.tools import create_type

from yibao.core.errors import InputError
from yibao.core.reports import Kind, Report, ReportArgs, ReportResult

from .errors import refused
from .permissions import sees_identity

PYTHON_TYPES = {
    Kind.TEXT: str,
    Kind.INT: int,
    Kind.MONEY: Decimal,
    Kind.RATE: Decimal,
    Kind.DATE: date,
    Kind.BOOL: bool,
    Kind.ID_NUMBER: str,
    Kind.PHONE: str,
}


def camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def pascal(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


@strawberry.type(description="A column of a report: its field name and the notice's heading.")
class ReportColumn:
    key: str
    heading: str


def run_report(info: strawberry.Info, report: Report, args: ReportArgs) -> ReportResult | None:
    """Runs a report for the caller: scoped, with ID numbers masked for roles that do not need them."""
    ctx = info.context
    return _run(ctx.session, ctx, ctx.scope, report, args)


async def run_report_aside(info: strawberry.Info, report: Report, args: ReportArgs) -> ReportResult | None:
    """`run_report`, on PostgreSQL in a thread of its own with a session (a connection) of its own,
    so that the reports one query asks for — the dashboard's first view asks for four, each
    seconds of a city's data — run side by side on the server's cores instead of one after
    another (bench/README.md, Dashboard). Nothing is lost by the separate transactions: under
    PostgreSQL's READ COMMITTED every statement already reads a snapshot of its own. SQLite runs
    them in the operation's session as before: its one writer gains nothing from threads."""
    ctx = info.context
    if ctx.engine is None or ctx.engine.dialect.name != "postgresql":
        return run_report(info, report, args)
    scope = ctx.scope  # worked out here, in the operation's session, before any thread starts

    def alone() -> ReportResult | None:
        with Session(ctx.engine, expire_on_commit=False) as session:
            return _run(session, ctx, scope, report, args)

    return await asyncio.to_thread(alone)


def _run(session: Session, ctx, scope, report: Report, args: ReportArgs) -> ReportResult | None:
    try:
        return ctx.registry.reports.run(
            session, scope, ctx.registry, report, args, sees_identity(ctx.principal.role)
        )
    except InputError as exc:
        raise refused(exc, "") from None


def _row_type(report: Report) -> type:
    annotations = {
        column.key: PYTHON_TYPES[column.kind] if column.required else Optional[PYTHON_TYPES[column.kind]]  # noqa: UP045
        for column in report.columns
    }
    annotations["is_total"] = bool
    namespace = {"__annotations__": annotations}
    for column in report.columns:
        about = " A fraction: 0.9512 is 95.12%, as in the exports." if column.kind is Kind.RATE else ""
        namespace[column.key] = strawberry.field(description=column.heading + about)
    namespace["is_total"] = strawberry.field(
        default=False, description="A total (合计) or subtotal (小计) of the rows before it."
    )
    return strawberry.type(type(f"{pascal(report.name)}Row", (), namespace), description=report.title)


def _result_type(report: Report, row: type) -> type:
    namespace = {
        "__annotations__": {
            "title": str,
            "citation": str,
            "region_code": str,
            "region_name": str,
            "columns": list[ReportColumn],
            "rows": list[row],
            "id_numbers": strawberry.Private[frozenset[str]],  # the access log's (api/graphql/access_log.py)
        }
    }
    return strawberry.type(
        type(f"{pascal(report.name)}Report", (), namespace), description=f"{report.title}（{report.cite}）"
    )


def _field(report: Report):
    row_type = _row_type(report)
    result_type = _result_type(report, row_type)

    async def resolve(
        info: strawberry.Info,
        region_code: str,
        coverage_year: int,
        as_of: Optional[date] = None,  # noqa: UP045
    ) -> Optional[result_type]:  # noqa: UP045
        result = await run_report_aside(info, report, ReportArgs(region_code, coverage_year, as_of))
        if result is None:
            return None
        keys = [column.key for column in report.columns]
        return result_type(
            title=report.title,
            citation=str(report.cite),
            region_code=region_code,
            region_name=result.region_name,
            columns=[
                ReportColumn(key=camel(k), heading=h) for k, h in zip(keys, result.headings, strict=True)
            ],
            rows=[
                row_type(**row, is_total=total)
                for row, total in zip(result.dicts(), result.totals, strict=True)
            ],
            id_numbers=result.id_numbers,
        )

    resolve.__name__ = report.name  # the Python name strawberry keys the field by
    return strawberry.field(
        resolver=resolve,
        name=camel(report.name),
        description=f"{report.title}（{report.cite}）. {report.description}".strip(),
    )


def reports_query(catalog) -> type:
    """The `reports` root field, whose fields are the catalog's reports."""
    reports_type = create_type(
        "Reports",
        [_field(report) for report in catalog],
        description="Every report; core's and the installed plugins'. Each also exports as XLSX or CSV.",
    )

    def reports(info: strawberry.Info) -> reports_type:  # type: ignore[valid-type]
        return reports_type()

    return create_type(
        "ReportsQuery",
        [strawberry.field(resolver=reports, description="Reports scoped by the caller's region.")],
    )
