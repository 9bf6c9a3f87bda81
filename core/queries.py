"""The read side: what a caller may see, by id or by region and year, one page at a time.

GraphQL lists and lookups are built here and only wrapped by the API: a row outside the caller's
scope and a row that does not exist look the same, and a list never reads more than a page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, SQLModel, col, select

from . import models, search
from .errors import ErrorCode, InputError
from .ids import row_id
from .paging import BY_ID, DEFAULT_PAGE, MAX_PAGE, Order, Page, as_date, page  # noqa: F401 (re-exported)
from .regions import codes_under, region_path
from .scope import Scope
from .search import Needle
from .statuses import EnrolmentStatus


def by_id(session: Session, scope: Scope, model: type[SQLModel], value: object) -> Any | None:
    """The row with this id (its global id or row id), if the caller may see it; what spells no id
    of the model's kind finds nothing."""
    found = row_id(value, model.__name__)
    return None if found is None else scope.get(session, model, found)


def in_region(session: Session, scope: Scope, statement, column, region_code: str | None):
    """Rows the caller may see, whose region lies at or below `region_code` (a path-prefix match)."""
    statement = statement.where(scope.visible(column.class_))
    if region_code is None:
        return statement
    path = region_path(session, region_code)  # read once per region (core/regions.py)
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


# The lists a clerk's screen shows: search, filters and sort on top of the scoped lists above.
# The API translates its arguments into these and pages the statement (core/paging.py).


@dataclass(frozen=True)
class PersonFilter:
    """`coverage_year` alone: enrolled that year; with `enrolled=False`: not enrolled that year;
    with `paid`: enrolled and paid (PAID), or enrolled and not paid (ENROLLED)."""

    region_code: str | None = None
    search: Needle | None = None
    gender: str | None = None
    category: str | None = None
    coverage_year: int | None = None
    enrolled: bool | None = None
    paid: bool | None = None
    born_from_year: int | None = None
    born_to_year: int | None = None


@dataclass(frozen=True)
class HouseholdFilter:
    """`coverage_year` alone: a member is enrolled that year; `paid=False`: a member's enrolment
    that year is unpaid; `paid=True`: members are enrolled that year and none is unpaid."""

    region_code: str | None = None
    search: Needle | None = None
    coverage_year: int | None = None
    paid: bool | None = None


@dataclass(frozen=True)
class EnrolmentFilter:
    region_code: str | None = None
    coverage_year: int | None = None
    search: Needle | None = None
    status: str | None = None
    paid: bool | None = None
    category: str | None = None
    channel: str | None = None
    enrolled_from: date | None = None
    enrolled_to: date | None = None


@dataclass(frozen=True)
class PaymentFilter:
    region_code: str | None = None
    coverage_year: int | None = None
    search: Needle | None = None
    kind: str | None = None
    channel: str | None = None
    paid_from: date | None = None
    paid_to: date | None = None


def _year_required(coverage_year: int | None, given: dict[str, object]) -> None:
    """`paid`/`enrolled` mean something only of a coverage year: without one they are refused."""
    named = [name for name, value in given.items() if value is not None]
    if coverage_year is None and named:
        raise InputError.one("coverageYear", ErrorCode.REQUIRED, f"按{'、'.join(named)}筛选时请指定参保年度")


def _range(column, start, end, field: str):
    """`start <= column <= end`, either bound optional; a range ending before it starts is refused."""
    if start is not None and end is not None and end < start:
        raise InputError.one(field, ErrorCode.INVALID, "结束日期早于开始日期")
    conditions = [col(column) >= start] if start is not None else []
    return conditions + ([col(column) <= end] if end is not None else [])


def _persons_found(session: Session, needle: Needle):
    return select(models.Person.id).where(search.persons_matching(session, needle))


def search_persons(session: Session, scope: Scope, where: PersonFilter):
    """The persons of `persons_in` that the filter keeps."""
    _year_required(where.coverage_year, {"是否参保": where.enrolled, "是否缴费": where.paid})
    if where.enrolled is False and where.paid is not None:
        raise InputError.one("paid", ErrorCode.INVALID, "未参保的居民没有缴费状态")
    Person, Enrolment = models.Person, models.Enrolment
    statement = persons_in(session, scope, where.region_code)
    if where.search is not None:
        statement = statement.where(search.persons_matching(session, where.search))
    if where.gender is not None:
        statement = statement.where(Person.gender == where.gender)
    if where.category is not None:
        holders = select(models.CategoryFact.person_id).where(models.CategoryFact.code == where.category)
        statement = statement.where(col(Person.id).in_(holders))
    if where.born_from_year is not None:
        statement = statement.where(col(Person.birth_date) >= date(where.born_from_year, 1, 1))
    if where.born_to_year is not None:
        statement = statement.where(col(Person.birth_date) < date(where.born_to_year + 1, 1, 1))
    if where.coverage_year is not None:
        enrolled = select(Enrolment.person_id).where(Enrolment.coverage_year == where.coverage_year)
        if where.paid is not None:
            enrolled = enrolled.where(Enrolment.status == _paid_status(where.paid))
        member = col(Person.id).in_(enrolled)
        statement = statement.where(~member if where.enrolled is False else member)
    return statement


def _paid_status(paid: bool) -> str:
    return EnrolmentStatus.PAID if paid else EnrolmentStatus.ENROLLED


def search_households(session: Session, scope: Scope, where: HouseholdFilter):
    """The households of `households_in` that the filter keeps; a search finds a household by
    any of its members."""
    _year_required(where.coverage_year, {"是否缴费": where.paid})
    Household, Member, Enrolment = models.Household, models.HouseholdMember, models.Enrolment
    statement = households_in(session, scope, where.region_code)
    if where.search is not None:
        found = select(Member.household_id).where(
            col(Member.person_id).in_(_persons_found(session, where.search))
        )
        statement = statement.where(col(Household.id).in_(found))
    if where.coverage_year is not None:

        def with_members_enrolled(*conditions):
            enrolled = (
                select(Member.household_id)
                .join(Enrolment, Enrolment.person_id == Member.person_id)
                .where(Enrolment.coverage_year == where.coverage_year, *conditions)
            )
            return col(Household.id).in_(enrolled)

        statement = statement.where(with_members_enrolled())
        if where.paid is not None:
            unpaid = with_members_enrolled(Enrolment.status == EnrolmentStatus.ENROLLED)
            statement = statement.where(~unpaid if where.paid else unpaid)
    return statement


def search_enrolments(session: Session, scope: Scope, where: EnrolmentFilter):
    Enrolment = models.Enrolment
    ids = enrolments_in(session, scope, where.region_code, where.coverage_year)
    statement = of_enrolments(Enrolment.id, ids)
    if where.search is not None:
        statement = statement.where(col(Enrolment.person_id).in_(_persons_found(session, where.search)))
    if where.status is not None:
        statement = statement.where(Enrolment.status == where.status)
    if where.paid is not None:
        statement = statement.where(Enrolment.status == _paid_status(where.paid))
    if where.category is not None:
        statement = statement.where(Enrolment.subsidy_category == where.category)
    if where.channel is not None:
        statement = statement.where(Enrolment.channel == where.channel)
    dates = _range(Enrolment.enrolled_on, where.enrolled_from, where.enrolled_to, "enrolledTo")
    return statement.where(*dates)


def search_payments(session: Session, scope: Scope, where: PaymentFilter):
    """Payments (and reversals) of the enrolments the caller may see; a search finds them by
    the person or by receipt number."""
    Payment, Enrolment = models.Payment, models.Enrolment
    ids = enrolments_in(session, scope, where.region_code, where.coverage_year)
    statement = of_enrolments(Payment.enrolment_id, ids)
    if where.search is not None and where.search.kind is search.Kind.RECEIPT:
        statement = statement.where(Payment.receipt_number == where.search.text)
    elif where.search is not None:
        persons = _persons_found(session, where.search)
        theirs = select(Enrolment.id).where(col(Enrolment.person_id).in_(persons))
        statement = statement.where(col(Payment.enrolment_id).in_(theirs))
    if where.kind is not None:
        statement = statement.where(Payment.kind == where.kind)
    if where.channel is not None:
        statement = statement.where(Payment.channel == where.channel)
    return statement.where(*_range(Payment.paid_on, where.paid_from, where.paid_to, "paidTo"))


def order(session: Session, model: type[SQLModel], name: str, descending: bool = False) -> Order:
    """A list's sort order by the name the API gives it (`ORDERS`), then id."""
    if name == "ID":
        return BY_ID.directed(descending)
    attribute, load = ORDERS[model][name]
    key = col(getattr(model, attribute))
    if attribute == "name":
        key = search.binary(session, key)  # as the name index orders it
    return Order(name, key, attribute, descending, load)


# Each list's sort keys besides ID: never null, so a keyset page is exact. There is no order by
# birth date: a role that sees only birth years would learn the order of birthdays within a year.
ORDERS: dict[type, dict[str, tuple[str, Callable]]] = {
    models.Person: {"NAME": ("name", str)},
    models.Household: {"REGION": ("address_region_code", str)},
    models.Enrolment: {"REGION": ("region_code", str)},
    models.Payment: {"PAID_ON": ("paid_on", as_date), "AMOUNT": ("amount_fen", int)},
}
