"""Which imported name lists speak about a region, and who is on the one in force on a day.

A list (core/models/department_list.py) is imported for a region — a county's education bureau,
its human-resources bureau — and speaks about persons registered or enrolled in or below it. The
list in force on a day is the latest of its source imported for that region or one above it with a
date (名单日期) on or before the day: a later list replaces an earlier one, so a person a later
employee-insurance list no longer names is no longer refused.
"""

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..errors import ErrorCode, FieldError
from ..imports.bulk import among
from ..models import ImportJob, ListEntry
from ..regions import region_path
from ..scope import scope_of
from ..statuses import ListSource


def governing_codes(session: Session, region_code: str) -> list[str]:
    """The region and every region above it: the lists imported for them speak about it."""
    path = region_path(session, region_code) or f"/{region_code}/"
    return [part for part in path.split("/") if part]


def latest_as_of(session: Session, source: str, region_codes: list[str], on: date):
    """Subquery (region_code, as_of) of the latest list of `source` per region, dated on or before `on`."""
    return (
        select(ListEntry.region_code, func.max(ListEntry.as_of).label("as_of"))
        .where(
            ListEntry.source == source, col(ListEntry.region_code).in_(region_codes), ListEntry.as_of <= on
        )
        .group_by(ListEntry.region_code)
        .subquery("latest_lists")
    )


def in_force(session: Session, source: str, id_number: str, region_code: str, on: date) -> ListEntry | None:
    """The person's row on a list of `source` governing the region and in force on `on`: on the
    latest list, with a period (since/until) that covers the day when the list gives one."""
    return in_force_of(session, source, [id_number], region_code, on).get(id_number)


def in_force_of(
    session: Session, source: str, id_numbers: list[str], region_code: str, on: date
) -> dict[str, ListEntry]:
    """`in_force` for many persons in one statement: ID number → their row, for those listed."""
    latest = latest_as_of(session, source, governing_codes(session, region_code), on)
    rows = session.exec(
        select(ListEntry)
        .join(
            latest,
            (latest.c.region_code == ListEntry.region_code) & (latest.c.as_of == ListEntry.as_of),
        )
        .where(
            ListEntry.source == source,
            among(session, ListEntry.id_number, id_numbers),
            (col(ListEntry.since).is_(None)) | (ListEntry.since <= on),
            (col(ListEntry.until).is_(None)) | (ListEntry.until >= on),
        )
        .order_by(col(ListEntry.as_of).desc(), col(ListEntry.id))
    ).all()
    found: dict[str, ListEntry] = {}
    for row in rows:  # the first of each person's, in the order `in_force` took
        found.setdefault(row.id_number, row)
    return found


def employee_insured_errors(
    session: Session, person_id_number: str | None, region_code: str, on: date, field: str
) -> list[FieldError]:
    """Refuses a NEW resident enrolment of a person on the employee-insurance list in force, naming
    the list: 已参加职工医保的不得重复参保 (东政办〔2021〕6号 三; 贵医保组〔2023〕1号 二1 "不属于城镇职工基本
    医疗保险参保范围"). Enrolments made before the list came are listed by a report instead."""
    if not person_id_number:
        return []
    listed = employee_insured_of(session, [person_id_number], region_code, on)
    return insured_errors(session, listed.get(person_id_number), field)


def employee_insured_of(
    session: Session, id_numbers: list[str], region_code: str, on: date
) -> dict[str, ListEntry]:
    """The employee-insurance list's rows in force for these persons enrolling in the region."""
    if not id_numbers or not scope_of(session).covers(session, region_code):
        return {}  # a region outside the caller's is refused as such; its lists say nothing here
    return in_force_of(session, ListSource.HR_EMPLOYEE_INSURANCE, id_numbers, region_code, on)


def insured_errors(session: Session, entry: ListEntry | None, field: str) -> list[FieldError]:
    """The refusal of a new enrolment of a person listed by `entry` (none when not listed)."""
    if entry is None:
        return []
    job = session.get(ImportJob, entry.job_id)
    employer = f"，单位 {entry.unit}" if entry.unit else ""
    return [
        FieldError(
            field,
            ErrorCode.EMPLOYEE_INSURED,
            f"该居民在人社局职工医保参保名单中（{job.filename}，名单日期 {entry.as_of}，导入批次 {job.id}"
            f"{employer}），已参加职工基本医疗保险，不得重复参加城乡居民医保"
            "（东政办〔2021〕6号 三；贵医保组〔2023〕1号 二1）",
        )
    ]
