"""The read side: what a caller may see, by id or by region and year, one page at a time.

GraphQL lists and lookups are built here and only wrapped by the API: a row outside the caller's
scope and a row that does not exist look the same, and a list never reads more than a page.
"""

import base64
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, SQLModel, col, select

from . import models
from .errors import ErrorCode, InputError
from .ids import row_id
from .regions import codes_under, region_path
from .scope import Scope

DEFAULT_PAGE = 20
MAX_PAGE = 100


def by_id(session: Session, scope: Scope, model: type[SQLModel], value: object) -> Any | None:
    """The row with this id, if the caller may see it; what spells no id finds nothing."""
    found = row_id(value)
    return None if found is None else scope.get(session, model, found)


def in_region(session: Session, scope: Scope, statement, column, region_code: str | None):
    """Rows the caller may see, whose region lies at or below `region_code` (a path-prefix match)."""
    statement = statement.where(scope.visible(column.class_))
    if region_code is None:
        return statement
    path = region_path(session, region_code)
    if path is None:
        return statement.where(False)
    return statement.where(col(column).in_(codes_under(path)))


def enrolments_in(session: Session, scope: Scope, region_code: str | None, coverage_year: int | None):
    """The ids of the enrolments the caller may see in a region and year (either may be omitted)."""
    statement = select(models.Enrolment.id)
    if coverage_year is not None:
        statement = statement.where(models.Enrolment.coverage_year == coverage_year)
    return in_region(session, scope, statement, models.Enrolment.region_code, region_code)


def of_enrolments(enrolment_column, enrolment_ids):
    """The rows (payments, entitlements…) whose `enrolment_column` is among `enrolment_ids`."""
    return select(enrolment_column.class_).where(col(enrolment_column).in_(enrolment_ids))


def persons_in(session: Session, scope: Scope, region_code: str | None):
    """Persons the caller may see whose hukou or residence lies in the region (any level): a
    resident registered where they live is listed there as well as where their hukou is."""
    statement = select(models.Person).where(scope.visible(models.Person))
    if region_code is None:
        return statement
    path = region_path(session, region_code)
    if path is None:
        return statement.where(False)
    codes = codes_under(path)
    return statement.where(
        or_(
            col(models.Person.hukou_region_code).in_(codes),
            col(models.Person.residence_region_code).in_(codes),
        )
    )


def history_of(scope: Scope, person_id: int):
    """A person's years of the imported 参保底表 within the caller's region, oldest first."""
    statement = select(models.EnrolmentHistory).where(models.EnrolmentHistory.person_id == person_id)
    if scope.path is not None:
        statement = statement.where(col(models.EnrolmentHistory.region_code).in_(codes_under(scope.path)))
    return statement.order_by(models.EnrolmentHistory.coverage_year)


def households_in(session: Session, scope: Scope, region_code: str | None):
    """Households whose address lies in the region."""
    column = models.Household.address_region_code
    return in_region(session, scope, select(models.Household), column, region_code)


def audit_events_in(
    session: Session, scope: Scope, region_code: str | None, entity: str | None, action: str | None
):
    """Events by callers in the region (any level), of one entity and one action if given."""
    column = models.AuditEvent.region_code
    statement = in_region(session, scope, select(models.AuditEvent), column, region_code)
    if entity is not None:
        statement = statement.where(models.AuditEvent.entity == entity)
    if action is not None:
        statement = statement.where(models.AuditEvent.action == action)
    return statement


def import_rows(scope: Scope, job_id: int, outcome: str | None):
    """An import job's per-row results, of one outcome if given."""
    statement = select(models.ImportRow).where(
        models.ImportRow.job_id == job_id, scope.visible(models.ImportRow)
    )
    return statement if outcome is None else statement.where(models.ImportRow.outcome == outcome)


def job_rows(session: Session, job_id: int, outcome: str | None = None, limit: int | None = None):
    """An import job's per-row results in file order, streamed (a report may hold 200,000 rows)."""
    statement = select(models.ImportRow).where(models.ImportRow.job_id == job_id)
    if outcome is not None:
        statement = statement.where(models.ImportRow.outcome == outcome)
    statement = statement.order_by(col(models.ImportRow.row_number)).limit(limit)
    yield from session.exec(statement.execution_options(yield_per=1000))


def region(session: Session, code: str) -> models.Region | None:
    """Regions are public: anyone may look one up."""
    return session.get(models.Region, code)


def regions_under(session: Session, parent_code: str | None) -> list[models.Region]:
    """The regions directly under a parent, by code; the provinces without one."""
    statement = select(models.Region).where(models.Region.parent_code == parent_code)
    return list(session.exec(statement.order_by(models.Region.code)))


@dataclass(frozen=True)
class Page:
    """Rows in id order with each one's cursor; `has_next` when more follow the last."""

    rows: list
    cursors: list[str]
    has_next: bool


def page(session: Session, statement, id_column, first: int, after: str | None) -> Page:
    """Cursor pagination by primary key: stable under inserts, one query per page."""
    if not 0 < first <= MAX_PAGE:
        raise InputError.one(
            "first", ErrorCode.INVALID, f"每页 1–{MAX_PAGE} 条（first must be 1..{MAX_PAGE}）"
        )
    if after is not None:
        statement = statement.where(col(id_column) > decode_cursor(after))
    rows = session.exec(statement.order_by(id_column).limit(first + 1)).all()
    shown = list(rows[:first])
    return Page(shown, [encode_cursor(row.id) for row in shown], len(rows) > first)


def encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{row_id}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "id" and (found := row_id(value)) is not None:
            return found
    except (ValueError, UnicodeDecodeError):
        pass
    raise InputError.one("after", ErrorCode.INVALID, "分页游标无效（invalid cursor）")
