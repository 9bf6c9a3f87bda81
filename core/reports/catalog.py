"""Every report the installed plugins and core provide, checked once at start-up, and running one."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session, col, select

from ..errors import ErrorCode, InputError
from ..exports import Percent
from ..idcard import mask_id_number, mask_phone
from ..models import Region
from ..money import fen_to_yuan
from ..scope import Scope
from .source import ReportSource
from .spec import Kind, Report, ReportArgs, TargetTable, Total

SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# PostgreSQL settings for the rest of a report's transaction (SET LOCAL), from the dashboard's
# plans at a million enrolments (bench/README.md): memory its sorts and hash joins may use before
# spilling to disk (the default 4MB made a city's reports write gigabytes of temporary files); no
# parallel workers (each worker of a parallel hash join built the whole hash of a city's
# enrolments again, three times the work on two busy cores); and no JIT compilation, which a
# city's estimated cost triggers and which spent up to 3 s compiling a statement that runs in 0.6 s.
REPORT_SETTINGS = {"work_mem": "64MB", "max_parallel_workers_per_gather": "0", "jit": "off"}


class CatalogError(ValueError):
    """A report definition is unusable: start-up must stop."""


@dataclass(frozen=True)
class ReportResult:
    report: Report
    args: ReportArgs
    region_name: str
    rows: list[tuple]  # MONEY as Decimal yuan; ID numbers masked unless the caller may see them
    renamed: dict[str, str]  # column key → the heading this region's notice uses
    # The whole ID numbers the rows were built from, for the access log only (core/access_log.py).
    id_numbers: frozenset[str] = frozenset()
    totals: tuple[bool, ...] = ()  # per row: a total or subtotal (spec.Total)

    @property
    def headings(self) -> list[str]:
        return [self.renamed.get(column.key, column.heading) for column in self.report.columns]

    def dicts(self) -> list[dict]:
        keys = [column.key for column in self.report.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


class Catalog:
    def __init__(self, reports: Iterable[Report] = (), targets: Iterable[TargetTable] = ()):
        from .builtin import CORE_REPORTS

        self.reports: dict[str, Report] = {}
        # Core's first, then the plugins' by name: the schema's field order must not depend on the
        # order entry points happen to be found in.
        for report in (*CORE_REPORTS, *sorted(reports, key=lambda r: r.name)):
            _check(report)
            if report.name in self.reports:
                raise CatalogError(f"报表名称重复：{report.name}")
            self.reports[report.name] = report
        self.targets = tuple(targets)

    def __iter__(self):
        return iter(self.reports.values())

    def get(self, name: str) -> Report:
        report = self.reports.get(name)
        if report is None:
            known = "、".join(self.reports)
            raise InputError.one("report", ErrorCode.NOT_FOUND, f"没有报表 {name}；可选：{known}")
        return report

    def run(
        self,
        session: Session,
        scope: Scope,
        registry,
        report: Report,
        args: ReportArgs,
        sees_identity: bool = False,
    ) -> ReportResult | None:
        """The report for a region the caller's scope covers; None for any other (or no such) region."""
        region = session.get(Region, args.region_code)
        if region is None or not scope.covers(session, args.region_code):
            return None
        if report.regions and not overlaps(session, region, report.regions):
            raise InputError.one(
                "regionCode",
                ErrorCode.INVALID,
                f"报表“{report.title}”不适用于 {region.name}（{region.code}）",
            )
        try:  # the registry's choice (the most specific policy); a report may do without one
            policy = registry.for_region(region.code, args.coverage_year)
        except InputError:
            policy = None
        if session.get_bind().dialect.name == "postgresql":
            for name, value in REPORT_SETTINGS.items():
                session.execute(text(f"SET LOCAL {name} = '{value}'"))
        source = ReportSource(session, args, region, self.targets, policy, registry.categories)
        built = list(report.build(source))
        at = [i for i, column in enumerate(report.columns) if column.kind is Kind.ID_NUMBER]
        numbers = frozenset(row[i] for row in built for i in at if row[i])
        rows = [_present(report, row, sees_identity) for row in built]
        totals = tuple(isinstance(row, Total) for row in built)
        return ReportResult(report, args, region.name, rows, source.headings, numbers, totals)


def overlaps(session: Session, region: Region, codes: Sequence[str]) -> bool:
    """Whether a report made for `codes` applies to `region`: one of them is at, above or below it."""
    paths = session.exec(select(Region.path).where(col(Region.code).in_(codes))).all()
    return any(region.path.startswith(p) or p.startswith(region.path) for p in paths)


def _present(report: Report, row: Sequence, sees_identity: bool) -> tuple:
    values = []
    for column, value in zip(report.columns, row, strict=True):
        if value is None and column.required:
            raise CatalogError(f"报表 {report.name} 的列 {column.key} 不应为空")
        if value is not None and column.kind is Kind.MONEY:
            value = fen_to_yuan(int(value))
        elif value is not None and column.kind is Kind.INT:
            value = int(value)
        elif value is not None and column.kind is Kind.RATE:
            value = Percent(value)
        elif column.kind is Kind.ID_NUMBER and (column.masked_for_all or not sees_identity):
            value = mask_id_number(value)
        elif column.kind is Kind.PHONE and (column.masked_for_all or not sees_identity):
            value = mask_phone(value)
        values.append(value)
    return tuple(values)


def _check(report: Report) -> None:
    problems = []
    if not SNAKE.match(report.name):
        problems.append("名称须为 snake_case")
    keys = [column.key for column in report.columns]
    if not keys:
        problems.append("至少需要一列")
    if len(set(keys)) != len(keys):
        problems.append("列名重复")
    problems += [f"列名 {key} 须为 snake_case" for key in keys if not SNAKE.match(key)]
    problems += [f"列 {c.key} 缺少表头" for c in report.columns if not c.heading.strip()]
    if not str(report.cite).strip():
        problems.append("缺少出处（文件号和条款）")
    if problems:
        raise CatalogError(f"报表 {report.name}：" + "；".join(problems))
