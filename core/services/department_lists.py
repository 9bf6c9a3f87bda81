"""Other departments' name lists → `ListEntry` rows, row by row, through the batched import job.

- EDUCATION_STUDENTS (教育局): 在册学生和在园幼儿花名册 — 筑医保通〔2021〕34号 四（三） has the education
  department hand over the roll of compulsory-education pupils and the offices follow it up every
  month; 贵医保组〔2023〕1号 六11 has 区教育体育局 deliver it by 2023-12-10. Columns 身份证号码, 姓名,
  学校 (required), 年级班级.
- HR_RESIDENT_PENSION (人社局): 参加城乡居民基本养老保险人员花名册, 贵医保组〔2023〕1号 六12. Columns
  身份证号码, 姓名.
- HR_EMPLOYEE_INSURANCE (人社局): persons insured as employees, who are outside resident insurance
  (东政办〔2021〕6号 三; 贵医保组〔2023〕1号 二1). Columns 身份证号码, 姓名, 单位名称, 参保日期, 停保日期.
- ZERO_CLAIM (医保局): residents whose fund paid nothing in a year (基金零报销, 国办发〔2024〕38号).
  Columns 身份证号码, 姓名, 年度 (required).

A list is a department's statement as of a date (名单日期), kept whole per import: reports and the
enrolment check read the latest list in force (core/services/lists_in_force.py). A row is refused
with its column and reason — a missing or invalid ID number, the same person twice in one file, a
name that differs from the person registered with that ID number in the region, a bad date or
year, a student without a school — and the rest are imported. Persons need not be registered: a
pupil the roll names and nobody registered is exactly who the reconciliation looks for.
"""

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from ..audit import Actor
from ..errors import ErrorCode, InputError
from ..idcard import InvalidIdNumber, parse_id_number
from ..imports.headers import clean, parse_date, parse_id_text, parse_int
from ..imports.jobs import IMPORTED, REFUSED, RowOutcome, Rows, resume_import, start_import
from ..models import ImportJob, ImportRow, ListEntry, Person
from ..scope import Scope
from ..statuses import ImportKind, ListSource

FIELDS: Mapping[str, tuple[str, ...]] = {
    "idNumber": ("身份证号码", "身份证号", "公民身份号码", "证件号码", "学生身份证号", "id_number"),
    "name": ("姓名", "学生姓名", "name"),
    "unit": ("学校", "学校名称", "就读学校", "单位名称", "工作单位", "参保单位", "单位", "unit"),
    "className": ("年级班级", "班级", "年级", "class"),
    "since": ("参保日期", "参保时间", "起始日期", "since"),
    "until": ("停保日期", "终止日期", "中断日期", "until"),
    "year": ("年度", "报销年度", "零报销年度", "year"),
}
REQUIRED = {
    ListSource.EDUCATION_STUDENTS: ("idNumber", "unit"),
    ListSource.HR_RESIDENT_PENSION: ("idNumber",),
    ListSource.HR_EMPLOYEE_INSURANCE: ("idNumber",),
    ListSource.ZERO_CLAIM: ("idNumber", "year"),
}
# Who hands each list over: the department a roster uploader's token names (core/departments.py);
# the medical-insurance bureau's own list is imported by its county administrator.
DEPARTMENT = {
    ListSource.EDUCATION_STUDENTS: "EDUCATION",
    ListSource.HR_RESIDENT_PENSION: "HUMAN_RESOURCES",
    ListSource.HR_EMPLOYEE_INSURANCE: "HUMAN_RESOURCES",
    ListSource.ZERO_CLAIM: "MEDICAL_INSURANCE",
}
TITLES = {
    ListSource.EDUCATION_STUDENTS: "教育部门在册学生花名册",
    ListSource.HR_RESIDENT_PENSION: "人社部门城乡居民基本养老保险人员花名册",
    ListSource.HR_EMPLOYEE_INSURANCE: "人社部门职工基本医疗保险参保人员名单",
    ListSource.ZERO_CLAIM: "医保部门基金零报销人员名单",
}
_NAME_NOISE = re.compile(r"[\s·•・.]+")


def _plain(name: str) -> str:
    return _NAME_NOISE.sub("", name)


class ListHandler:
    """The LIST kind of `core.imports.jobs`: one department's list as of a date."""

    kind = ImportKind.LIST
    fields = FIELDS

    def __init__(self, source: str, as_of: date):
        if source not in tuple(ListSource):
            raise InputError.one(
                "list", ErrorCode.INVALID, f"未知的名单 {source}，可选：{'、'.join(ListSource)}"
            )
        self.source, self.as_of = source, as_of
        self.required = REQUIRED[source]

    def handle(self, session: Session, job: ImportJob, rows: Rows) -> list[RowOutcome]:
        parsed = {number: self._parse(number, row) for number, row in rows}
        keys = {k for refusal, entry, k in parsed.values() if k}
        met = set(
            session.exec(
                select(ImportRow.row_key).where(ImportRow.job_id == job.id, col(ImportRow.row_key).in_(keys))
            ).all()
        )
        scope = Scope.of(session, job.region_code)
        ids = {entry.id_number for refusal, entry, _ in parsed.values() if entry is not None}
        names = dict(
            session.exec(
                select(Person.id_number, Person.name).where(
                    col(Person.id_number).in_(ids), scope.visible(Person)
                )
            ).all()
        )
        outcomes = []
        for number, _ in rows:
            refusal, entry, key = parsed[number]
            if refusal is None and key in met:
                refusal = self._refuse(
                    number, entry.id_number, "idNumber", ErrorCode.DUPLICATE, self._duplicate()
                )
            if key:
                met.add(key)
            registered = names.get(entry.id_number) if refusal is None else None
            if (
                registered
                and entry.name
                and _NAME_NOISE.sub("", entry.name) != _NAME_NOISE.sub("", registered)
            ):
                refusal = self._refuse(
                    number,
                    entry.id_number,
                    "name",
                    ErrorCode.MISMATCH,
                    "姓名与该身份证号码的登记信息不符",
                )
            if refusal is not None:
                outcomes.append(replace(refusal, key=key))
                continue
            entry.job_id, entry.region_code = job.id, job.region_code
            session.add(entry)
            outcomes.append(RowOutcome(number, IMPORTED, id_number=entry.id_number, key=key))
        return outcomes

    def _duplicate(self) -> str:
        if self.source == ListSource.ZERO_CLAIM:
            return "同一身份证号码和年度在本文件中已出现"
        return "同一身份证号码在本文件中已出现"

    @staticmethod
    def _refuse(number: int, id_number: str | None, field: str, code: ErrorCode, reason: str) -> RowOutcome:
        return RowOutcome(number, REFUSED, field, str(code), reason, id_number)

    def _parse(self, number: int, row: dict) -> tuple[RowOutcome | None, ListEntry | None, str | None]:
        raw = parse_id_text(row.get("idNumber"))
        if not raw:
            return self._refuse(number, None, "idNumber", ErrorCode.REQUIRED, "请填写身份证号码"), None, None
        try:
            id_number = parse_id_number(raw).number
        except InvalidIdNumber as exc:
            return (
                self._refuse(number, raw, "idNumber", ErrorCode.INVALID, f"身份证号码无效：{exc}"),
                None,
                None,
            )
        year = None
        if self.source == ListSource.ZERO_CLAIM:
            try:
                year = parse_int(row.get("year"))
            except ValueError:
                year = None
            if year is None or not 2000 <= year <= 2100:
                refusal = self._refuse(
                    number, id_number, "year", ErrorCode.INVALID, "年度应为四位年份，如 2024"
                )
                return refusal, None, None
        key = hashlib.blake2b(f"{id_number}|{year}".encode(), digest_size=8).hexdigest()
        unit = clean(row.get("unit"))
        if "unit" in self.required and unit is None:
            return self._refuse(number, id_number, "unit", ErrorCode.REQUIRED, "请填写学校"), None, key
        dates = {}
        for field, label in (("since", "参保日期"), ("until", "停保日期")):
            try:
                dates[field] = parse_date(row.get(field))
            except ValueError as exc:
                return self._refuse(number, id_number, field, ErrorCode.INVALID, f"{label}{exc}"), None, key
        if dates["since"] and dates["until"] and dates["until"] < dates["since"]:
            refusal = self._refuse(number, id_number, "until", ErrorCode.INVALID, "停保日期早于参保日期")
            return refusal, None, key
        texts = {}
        for field, width in (("name", 64), ("unit", 100), ("className", 40)):
            value = clean(row.get(field))
            texts[field] = str(value)[:width] if value is not None else None
        entry = ListEntry(
            job_id=0,
            source=self.source,
            region_code="",
            as_of=self.as_of,
            id_number=id_number,
            name=texts["name"],
            unit=texts["unit"],
            class_name=texts["className"],
            since=dates["since"],
            until=dates["until"],
            year=year,
        )
        return None, entry, key


def start_list_import(
    engine: Engine,
    actor: Actor,
    path: Path,
    *,
    source: str,
    as_of: date,
    region_code: str,
    filename: str | None = None,
) -> tuple[ImportJob, ListHandler]:
    """Checks the file and creates (or finds) its job; `resume_import` then runs it."""
    handler = ListHandler(source, as_of)
    job = start_import(
        engine,
        actor,
        Path(path),
        handler,
        filename=filename or Path(path).name,
        region_code=region_code,
        source=DEPARTMENT[source],
        as_of=as_of,
        options={"list": source},
    )
    return job, handler


def import_list(
    engine: Engine,
    actor: Actor,
    path: Path,
    *,
    source: str,
    as_of: date,
    region_code: str,
    filename: str | None = None,
    batch_size: int = 500,
    progress: Callable[[ImportJob], None] | None = None,
) -> ImportJob:
    """Imports a department's list (CSV or XLSX) for a region; returns the finished job."""
    job, handler = start_list_import(
        engine, actor, path, source=source, as_of=as_of, region_code=region_code, filename=filename
    )
    return resume_import(engine, actor, job, Path(path), handler, batch_size=batch_size, progress=progress)
