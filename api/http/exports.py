"""Downloads for offices: the collection roster, the change table and every report, as XLSX or CSV.

`GET /exports/collection-roster.xlsx?regionCode=…&coverageYear=…[&on=…]`,
`GET /exports/change-table.csv?regionCode=…&coverageYear=…` and
`GET /exports/reports/<name>.xlsx?regionCode=…&coverageYear=…[&asOf=…]` (api/graphql/reports.py), with
the same bearer token and role table as GraphQL (`collectionRoster`, `changeTable`, `reports` in
api/graphql/permissions.py), the same region scope and the same masking of ID numbers. Refusals answer JSON:
`{"errors": [{"field", "code", "message"}]}` — 401 without a valid token, 403 for a role that
may not, 404 for a region outside the caller's scope (as for one that does not exist), 400 for
a bad parameter or a year no policy covers.
"""

import io
from datetime import date
from urllib.parse import quote

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from yibao.core import exports
from yibao.core.access_log import EXPORT, ID_NUMBER, PERSON, Subjects, record_access
from yibao.core.auth import PUBLIC, AuthError, Principal, Role
from yibao.core.errors import ErrorCode, FieldError, InputError
from yibao.core.export_links import SIGNATURE, principal_of_link
from yibao.core.idcard import coarsen_birth_date, mask_id_number
from yibao.core.reports import ReportArgs
from yibao.core.rules.registry import Registry
from yibao.core.scope import Scope
from yibao.core.services import change_table, collection_roster

from ..auth import NO_TOKEN, UNAUTHENTICATED, actor_of, principal_of
from ..graphql.permissions import OPERATIONS, sees_identity

# path → (root field whose roles apply, file name stem, Chinese title)
TABLES = {
    "collection-roster": ("collectionRoster", "缴费清册"),
    "change-table": ("changeTable", "参保数据变动表"),
}


def _refusal(status: int, field: str, code: ErrorCode | str, message: str) -> JSONResponse:
    return _refused(status, [FieldError(field, code, message)])


def _refused(status: int, refused: list[FieldError]) -> JSONResponse:
    """The shape of a GraphQL error's `extensions` (docs/errors.md): the first field's `code` and
    `field`, then every refused field."""
    errors = [{"field": e.field, "code": str(e.code), "message": e.message} for e in refused]
    body = {"code": errors[0]["code"], "field": errors[0]["field"], "errors": errors}
    return JSONResponse(body, status_code=status)


def content_disposition(filename: str) -> str:
    """An attachment name every browser reads: ASCII fallback plus RFC 5987 `filename*` in UTF-8."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _parameters(request: Request, day: str = "on") -> tuple[str, int, date | None]:
    query = request.query_params
    errors = []
    region_code = query.get("regionCode", "").strip()
    if not region_code:
        errors.append(FieldError("regionCode", ErrorCode.REQUIRED, "请选择行政区划"))
    year = query.get("coverageYear", "")
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        errors.append(FieldError("coverageYear", ErrorCode.INVALID, "参保年度无效"))
    on = None
    if query.get(day):
        try:
            on = date.fromisoformat(query[day])
        except ValueError:
            errors.append(FieldError(day, ErrorCode.INVALID, "日期无效"))
    if errors:
        raise InputError(errors)
    return region_code, int(year), on


def _cells(principal: Principal, table: str, rows: list, categories: dict[str, str]) -> list[tuple]:
    module = collection_roster if table == "collection-roster" else change_table
    masked = not sees_identity(principal.role)
    at = module.HEADINGS.index("身份证号码")
    cells = []
    for row in rows:
        line = module.as_cells(row, categories)
        if masked:  # as GraphQL shows them: ID numbers masked, the birth date kept to its year
            line = (*line[:at], mask_id_number(line[at]), *line[at + 1 :])
            line = tuple(coarsen_birth_date(cell, getattr(row, "birth_date", None)) for cell in line)
        cells.append(line)
    return cells


def export_routes(engine: Engine, registry: Registry, key: str) -> list[Route]:
    def build(principal: Principal, table: str, fmt: str, region_code: str, year: int, on: date | None):
        with Session(engine) as session:
            scope = Scope.of(session, principal.region_code)
            if not scope.covers(session, region_code):
                return None
            if table == "collection-roster":
                rows = collection_roster.collection_roster(session, scope, registry, region_code, year, on)
            else:
                rows = change_table.change_table(session, scope, registry, region_code, year)
        subjects = Subjects()
        for row in rows:
            subjects.note(PERSON, row.person_id)
        record_export(engine, principal, f"{table}.{fmt} {region_code} {year}", subjects)
        return _cells(principal, table, rows, registry.categories)

    async def download(request: Request) -> Response:
        table, fmt = request.path_params["table"], request.path_params["fmt"]
        if table not in TABLES or fmt not in exports.FORMATS:
            return _refusal(404, "path", ErrorCode.NOT_FOUND, "没有这种导出")
        operation, title = TABLES[table]
        principal = _authorized(request, key, operation, title)
        if isinstance(principal, Response):
            return principal
        try:
            region_code, year, on = _parameters(request)
            cells = await run_in_threadpool(build, principal, table, fmt, region_code, year, on)
        except InputError as exc:
            return _refused(400, exc.errors)
        if cells is None:
            return _outside(region_code)
        module = collection_roster if table == "collection-roster" else change_table
        return await _file(fmt, module.HEADINGS, cells, f"{title}-{region_code}-{year}", f"{title}{year}")

    async def download_report(request: Request) -> Response:
        name, fmt = request.path_params["name"], request.path_params["fmt"]
        report = registry.reports.reports.get(name)
        if report is None or fmt not in exports.FORMATS:
            return _refusal(404, "path", ErrorCode.NOT_FOUND, "没有这种报表")
        principal = _authorized(request, key, "reports", report.title)
        if isinstance(principal, Response):
            return principal
        try:
            region_code, year, as_of = _parameters(request, "asOf")
            result = await run_in_threadpool(
                _run_report, engine, registry, principal, report, region_code, year, as_of, fmt
            )
        except InputError as exc:
            return _refused(400, exc.errors)
        if result is None:
            return _outside(region_code)
        stem = f"{report.title}-{result.region_name}-{year}"
        return await _file(fmt, result.headings, result.rows, stem, f"{report.title}{year}")

    return [
        Route("/exports/reports/{name}.{fmt}", download_report, methods=["GET"]),
        Route("/exports/{table}.{fmt}", download, methods=["GET"]),
    ]


def _run_report(
    engine: Engine, registry: Registry, principal: Principal, report, region_code, year, as_of, fmt
):
    with Session(engine) as session:
        scope = Scope.of(session, principal.region_code)
        args = ReportArgs(region_code, year, as_of)
        result = registry.reports.run(session, scope, registry, report, args, sees_identity(principal.role))
    if result is not None:
        subjects = Subjects()
        for number in result.id_numbers:
            subjects.note(ID_NUMBER, number)
        record_export(engine, principal, f"{report.name}.{fmt} {region_code} {year}", subjects)
    return result


def _authorized(request: Request, key: str, operation: str, title: str) -> Principal | Response:
    """The caller's principal, or the refusal: 401 without a valid token, 403 for a role that may not.
    The caller is named by the `Authorization` header or, for a link, by its signature
    (core/export_links.py: bound to this URL, five minutes)."""
    if signature := request.query_params.get(SIGNATURE):
        principal, auth_error = _principal_of_link(request, key, signature)
    else:
        principal, auth_error = principal_of(key, request.headers)
    if auth_error is not None:  # a token was sent, and it was not accepted
        return _refusal(401, "authorization", UNAUTHENTICATED, str(auth_error))
    if principal.role is Role.PUBLIC:
        return _refusal(401, "authorization", ErrorCode.FORBIDDEN, NO_TOKEN)
    if principal.role not in OPERATIONS.get(operation, set()):
        return _refusal(403, "authorization", ErrorCode.FORBIDDEN, f"角色 {principal.role} 无权导出{title}")
    return principal


def _principal_of_link(request: Request, key: str, signature: str) -> tuple[Principal, AuthError | None]:
    pairs = request.query_params.multi_items()
    try:
        return principal_of_link(key, signature, request.url.path, pairs), None
    except AuthError as error:
        return PUBLIC, error


def record_export(engine: Engine, principal: Principal, request: str, subjects: Subjects) -> None:
    """An export download's one `export` event, written before the file is sent."""
    record_access(engine, actor_of(principal), EXPORT, request, subjects)


def _outside(region_code: str) -> JSONResponse:
    return _refusal(
        404, "regionCode", ErrorCode.NOT_FOUND, f"行政区划 {region_code} 不存在或不在您的管辖范围"
    )


async def _file(fmt: str, headings, rows, stem: str, sheet: str) -> Response:
    headers = {"Content-Disposition": content_disposition(f"{stem}.{fmt}")}
    if fmt == "csv":
        return StreamingResponse(
            exports.csv_chunks(headings, rows), media_type=exports.MEDIA_TYPES["csv"], headers=headers
        )
    buffer = io.BytesIO()
    await run_in_threadpool(exports.write_xlsx, buffer, headings, rows, sheet)
    return Response(buffer.getvalue(), media_type=exports.MEDIA_TYPES["xlsx"], headers=headers)
