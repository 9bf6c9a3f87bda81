"""Loading collection targets (任务数) and bases (征收基数) per region and year, from a file or a list.

The notices print some task tables (plugins' `yibao_targets`); others come as office files, e.g.
兴义府发〔2022〕3号 一's base of 2021年12月户籍人数 per village (附件1, not in the notice's text) or
东政办〔2021〕6号 五（一）'s 2021 base per township. A load replaces the figure for the same region,
year and kind, and is all or nothing: one bad row refuses the file, naming the row and column.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from .. import audit
from ..audit import Actor
from ..errors import ErrorCode, FieldError, InputError
from ..imports.headers import parse_int
from ..imports.reader import open_table
from ..models import Target
from ..statuses import TargetKind
from .persons import region_errors
from .unit import unit_of_work

FIELDS = {
    "region_code": ("地区代码", "行政区划代码", "代码", "regionCode"),
    "headcount": ("任务数", "目标数", "约束目标（人）", "基数", "户籍人数", "人数", "headcount"),
}
MAX_HEADCOUNT = 100_000_000


@dataclass(frozen=True)
class TargetRow:
    region_code: str
    headcount: int | None
    line: str  # where it came from, for errors: "rows.3" or "第5行"


def read_file(path: Path) -> list[TargetRow]:
    """Rows of a CSV or XLSX file with columns 地区代码 and 任务数 (or 基数/户籍人数)."""
    table = open_table(Path(path), FIELDS, ("region_code", "headcount"))
    rows, errors = [], []
    for number, record in table.records():
        try:
            headcount = parse_int(record["headcount"])
        except ValueError:
            errors.append(FieldError(f"第{number}行.headcount", ErrorCode.INVALID, "人数应为整数"))
            continue
        rows.append(TargetRow(str(record["region_code"] or "").strip(), headcount, f"第{number}行"))
    if errors:
        raise InputError(errors)
    return rows


def load_targets(
    engine: Engine, actor: Actor, rows: Iterable[TargetRow], coverage_year: int, kind: str, source: str
) -> list[Target]:
    """Stores every row, replacing the same region, year and kind; refuses all on any bad row."""
    rows = list(rows)
    with unit_of_work(engine, actor) as session:
        _check(session, rows, coverage_year, kind)
        stored = []
        for row in rows:
            target = session.exec(
                select(Target).where(
                    Target.region_code == row.region_code,
                    Target.coverage_year == coverage_year,
                    Target.kind == kind,
                )
            ).first()
            before = audit.snapshot_of(target) if target else None
            target = target or Target(region_code=row.region_code, coverage_year=coverage_year, kind=kind)
            target.headcount, target.source, target.actor = row.headcount, source[:200], actor.name[:64]
            session.add(target)
            session.flush()
            audit.record(session, actor, "load_target", target, before)
            stored.append(target)
        return stored


def _check(session: Session, rows: list[TargetRow], coverage_year: int, kind: str) -> None:
    errors = []
    if kind not in tuple(TargetKind):
        errors.append(FieldError("kind", ErrorCode.INVALID, f"类型应为 {'、'.join(TargetKind)}"))
    if not 2000 <= coverage_year <= 2100:
        errors.append(FieldError("coverageYear", ErrorCode.INVALID, "参保年度无效"))
    if not rows:
        errors.append(FieldError("rows", ErrorCode.REQUIRED, "没有数据行"))
    seen = set()
    for row in rows:
        errors += region_errors(session, f"{row.line}.regionCode", row.region_code)
        if row.headcount is None or not 0 <= row.headcount <= MAX_HEADCOUNT:
            errors.append(FieldError(f"{row.line}.headcount", ErrorCode.INVALID, "人数应为非负整数"))
        if row.region_code in seen:
            errors.append(
                FieldError(f"{row.line}.regionCode", ErrorCode.DUPLICATE, f"{row.region_code} 重复")
            )
        seen.add(row.region_code)
    if errors:
        raise InputError(errors)
