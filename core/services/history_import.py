"""Last years' 参保底表 → `EnrolmentHistory`, row by row, through the batched import job.

东政办〔2021〕6号 四（六）1: "各乡镇要以2021年参保数据为底表，打印分发至各行政村（社区）…做好2022年参保数据的
人员增减、信息登记修改工作"; 方政办明电〔2021〕35号 四（二）: "县医保局负责向各乡镇（街道）传送 2021 年缴费
清册". The base table is exported by the national medical-insurance information platform; offices
know its columns under these headings (any of the names in `FIELDS`):

| 公民身份号码 | 姓名 | 参保年度 | 参保地行政区划代码 | 参保状态 | 个人缴费金额 | 缴费日期 |

- 参保状态: 参保缴费 / 正常参保 / 已缴费 → PAID; 未缴费 / 登记未缴 / 待缴费 → UNPAID; 停保 / 暂停参保 /
  终止参保 → STOPPED;
- 参保地行政区划代码 (optional): a village, township or county at or below the import's region;
  blank means the import's region;
- 个人缴费金额 (optional) in yuan, at most two decimals; 缴费日期 (optional).

The history is for years yibao holds no policy for: a year and region a policy covers are answered
by yibao's own enrolments, and such rows are refused. Rows are refused with their column and reason
— ID number missing or invalid, year, status, amount or date unreadable, the same person and year
twice in the file, a region outside the import's, a person not registered in the region (register
the household first), a name differing from the registered one, a record of that person and year
already imported with other values — and the rest are imported. The same row again is UNCHANGED.
"""

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from ..audit import Actor
from ..errors import ErrorCode, InputError
from ..idcard import InvalidIdNumber, parse_id_number
from ..imports.headers import clean, parse_date, parse_id_text, parse_int
from ..imports.jobs import IMPORTED, REFUSED, UNCHANGED, RowOutcome, Rows, resume_import, start_import
from ..models import EnrolmentHistory, ImportJob, ImportRow, Person, Region
from ..money import yuan_to_fen
from ..rules.registry import Registry
from ..scope import Scope
from ..statuses import HistoryStatus, ImportKind

FIELDS: Mapping[str, tuple[str, ...]] = {
    "idNumber": ("公民身份号码", "身份证号码", "证件号码", "身份证号", "id_number"),
    "name": ("姓名", "name"),
    "year": ("参保年度", "缴费年度", "年度", "参保所属期", "year"),
    "region": ("参保地行政区划代码", "行政区划代码", "村（社区）代码", "区划代码", "region"),
    "status": ("参保状态", "缴费状态", "人员参保状态", "status"),
    "amount": ("个人缴费金额", "缴费金额", "实缴金额", "amount"),
    "paidOn": ("缴费日期", "到账日期", "paid_on"),
}
REQUIRED = ("idNumber", "year", "status")

STATUS_WORDS = {
    HistoryStatus.PAID: ("参保缴费", "正常参保", "已缴费", "已参保", "参保", "正常", "缴费"),
    HistoryStatus.UNPAID: ("未缴费", "登记未缴", "待缴费", "欠费", "未缴"),
    HistoryStatus.STOPPED: ("停保", "暂停参保", "终止参保", "暂停", "终止", "中断", "停止参保"),
}
_STATUS = {word: code for code, words in STATUS_WORDS.items() for word in words} | {
    code: code for code in STATUS_WORDS
}
_NAME_NOISE = re.compile(r"[\s·•・.]+")
CENT = Decimal("0.01")


def _plain(name: str) -> str:
    return _NAME_NOISE.sub("", name)


class HistoryHandler:
    """The HISTORY kind of `core.imports.jobs`: a 参保底表 for a region."""

    kind = ImportKind.HISTORY
    fields = FIELDS
    required = REQUIRED

    def __init__(self, rules: Registry, this_year: int | None = None):
        self.rules = rules
        self.this_year = this_year or date.today().year

    def handle(self, session: Session, job: ImportJob, rows: Rows) -> list[RowOutcome]:
        scope = Scope.of(session, job.region_code)
        parsed = {number: self._parse(session, scope, number, row) for number, row in rows}
        keys = {p[2] for p in parsed.values() if p[2]}
        met = set(
            session.exec(
                select(ImportRow.row_key).where(ImportRow.job_id == job.id, col(ImportRow.row_key).in_(keys))
            ).all()
        )
        numbers = {p[1]["id_number"] for p in parsed.values() if p[1]}
        persons = {
            p.id_number: p
            for p in session.exec(
                select(Person).where(col(Person.id_number).in_(numbers), scope.visible(Person))
            ).all()
        }
        stored = {
            (h.person_id, h.coverage_year): h
            for h in session.exec(
                select(EnrolmentHistory).where(
                    col(EnrolmentHistory.person_id).in_([p.id for p in persons.values()])
                )
            ).all()
        }
        outcomes = []
        for number, _ in rows:
            refusal, values, key = parsed[number]
            duplicate = key is not None and key in met
            if key:
                met.add(key)
            if refusal is None and duplicate:
                refusal = _refuse(
                    number,
                    values["id_number"],
                    "idNumber",
                    ErrorCode.DUPLICATE,
                    "同一居民同一年度在本文件中已出现",
                )
            if refusal is None:
                refusal = self._store(session, job, scope, number, values, persons, stored)
            outcome = refusal or RowOutcome(number, IMPORTED, id_number=values["id_number"])
            outcomes.append(replace(outcome, key=key))
        return outcomes

    def _store(self, session, job, scope, number, values, persons, stored) -> RowOutcome | None:
        id_number = values["id_number"]
        person = persons.get(id_number)
        if person is None:
            return _refuse(
                number,
                id_number,
                "idNumber",
                ErrorCode.NOT_FOUND,
                "未登记或不在本辖区：请先登记其家庭户",
            )
        if values["name"] and _plain(values["name"]) != _plain(person.name):
            return _refuse(number, id_number, "name", ErrorCode.MISMATCH, "姓名与登记信息不符")
        existing = stored.get((person.id, values["year"]))
        record = EnrolmentHistory(
            person_id=person.id,
            coverage_year=values["year"],
            region_code=values["region"],
            status=values["status"],
            amount_paid_fen=values["amount"],
            paid_on=values["paid_on"],
            import_job_id=job.id,
        )
        if existing is None:
            session.add(record)
            stored[(person.id, values["year"])] = record
            return None
        if not scope.covers(session, existing.region_code):
            return _refuse(
                number,
                id_number,
                "year",
                ErrorCode.ELSEWHERE,
                "该居民该年度已有其他统筹地区的参保记录，请核实",
            )
        same = (existing.region_code, existing.status, existing.amount_paid_fen, existing.paid_on) == (
            record.region_code,
            record.status,
            record.amount_paid_fen,
            record.paid_on,
        )
        if same:
            return RowOutcome(number, UNCHANGED, id_number=id_number)
        return _refuse(
            number,
            id_number,
            "status",
            ErrorCode.CONFLICT,
            f"该居民{values['year']}年度已有不同的参保记录（导入批次 {existing.import_job_id}），请核实",
        )

    def _parse(self, session: Session, scope: Scope, number: int, row: dict):
        """(refusal, values, duplicate key)."""
        raw = parse_id_text(row.get("idNumber"))
        if not raw:
            return _refuse(number, None, "idNumber", ErrorCode.REQUIRED, "请填写身份证号码"), None, None
        try:
            id_number = parse_id_number(raw).number
        except InvalidIdNumber as exc:
            return _refuse(number, raw, "idNumber", ErrorCode.INVALID, f"身份证号码无效：{exc}"), None, None

        def refuse(field: str, code: ErrorCode, reason: str):
            return _refuse(number, id_number, field, code, reason), None, None

        try:
            year = parse_int(row.get("year"))
        except ValueError:
            year = None
        if year is None or not 2000 <= year <= self.this_year:
            return refuse("year", ErrorCode.INVALID, f"参保年度应为 2000–{self.this_year} 的年份")
        key = hashlib.blake2b(f"{id_number}|{year}".encode(), digest_size=8).hexdigest()
        status_text = clean(row.get("status"))
        status = _STATUS.get(str(status_text).strip().upper() if status_text else "", None)
        if status_text is None:
            return _refuse(number, id_number, "status", ErrorCode.REQUIRED, "请填写参保状态"), None, key
        if status is None:
            words = "、".join(w for ws in STATUS_WORDS.values() for w in ws[:2])
            return (
                _refuse(
                    number,
                    id_number,
                    "status",
                    ErrorCode.INVALID,
                    f"无法识别的参保状态“{status_text}”（{words}）",
                ),
                None,
                key,
            )
        amount = None
        if clean(row.get("amount")) is not None:
            try:
                value = Decimal(str(clean(row.get("amount"))).replace(",", ""))
            except InvalidOperation:
                value = None
            if value is None or value < 0 or value != value.quantize(CENT):
                return (
                    _refuse(
                        number,
                        id_number,
                        "amount",
                        ErrorCode.INVALID,
                        "缴费金额应为不小于 0 的元，至多两位小数",
                    ),
                    None,
                    key,
                )
            amount = yuan_to_fen(value)
        try:
            paid_on = parse_date(row.get("paidOn"))
        except ValueError as exc:
            return _refuse(number, id_number, "paidOn", ErrorCode.INVALID, f"缴费日期{exc}"), None, key
        region = clean(row.get("region"))
        region = str(region) if region is not None else None
        job_region = scope.region_code
        region = region or job_region
        if session.get(Region, region) is None:
            return (
                _refuse(number, id_number, "region", ErrorCode.NOT_FOUND, f"行政区划代码 {region} 不存在"),
                None,
                key,
            )
        if not scope.covers(session, region):
            return (
                _refuse(
                    number,
                    id_number,
                    "region",
                    ErrorCode.FORBIDDEN,
                    f"{region} 不在本次导入的地区 {job_region} 内",
                ),
                None,
                key,
            )
        if self._has_policy(region, year):
            return (
                _refuse(
                    number,
                    id_number,
                    "year",
                    ErrorCode.CONFLICT,
                    f"本系统已有 {region} {year} 年度的政策，该年度的参保记录以本系统为准",
                ),
                None,
                key,
            )
        values = {
            "id_number": id_number,
            "name": str(clean(row.get("name"))) if clean(row.get("name")) is not None else None,
            "year": year,
            "region": region,
            "status": status,
            "amount": amount,
            "paid_on": paid_on,
        }
        return None, values, key

    def _has_policy(self, region: str, year: int) -> bool:
        try:
            self.rules.for_region(region, year)
        except InputError:
            return False
        return True


def _refuse(number: int, id_number: str | None, field: str, code: ErrorCode, reason: str) -> RowOutcome:
    return RowOutcome(number, REFUSED, field, str(code), reason, id_number)


def start_history_import(
    engine: Engine,
    actor: Actor,
    path: Path,
    *,
    region_code: str,
    rules: Registry,
    filename: str | None = None,
) -> tuple[ImportJob, HistoryHandler]:
    """Checks the file and creates (or finds) its job; `resume_import` then runs it."""
    handler = HistoryHandler(rules)
    job = start_import(
        engine, actor, Path(path), handler, filename=filename or Path(path).name, region_code=region_code
    )
    return job, handler


def import_history(
    engine: Engine,
    actor: Actor,
    path: Path,
    *,
    region_code: str,
    rules: Registry,
    filename: str | None = None,
    batch_size: int = 500,
    progress: Callable[[ImportJob], None] | None = None,
) -> ImportJob:
    """Imports a 参保底表 (CSV or XLSX) for a region; returns the finished job."""
    job, handler = start_history_import(
        engine, actor, path, region_code=region_code, rules=rules, filename=filename
    )
    return resume_import(engine, actor, job, Path(path), handler, batch_size=batch_size, progress=progress)


__all__ = ["FIELDS", "HistoryHandler", "import_history", "start_history_import"]
