"""Read side: lookups by id and paginated lists filtered by region and coverage year."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy import or_
from sqlmodel import col, select

from core import models
from core.regions import codes_under, region_path
from core.services.coverage import coverage_on

from .rules import RulesQuery
from .types.audit import AuditEvent
from .types.enrolment import Enrolment
from .types.entitlement import CoverageAnswer, Entitlement
from .types.household import Household
from .types.pagination import DEFAULT_PAGE, Connection, paginate
from .types.payment import Payment
from .types.person import Person
from .types.region import Region


def _in_region(info: strawberry.Info, statement, column, region_code: str | None):
    """Rows the caller may see, whose region lies at or below `region_code` (a path-prefix match)."""
    statement = statement.where(info.context.scope.visible(column.class_))
    if region_code is None:
        return statement
    path = region_path(info.context.session, region_code)
    if path is None:
        return statement.where(False)
    return statement.where(col(column).in_(codes_under(path)))


def _enrolments_in(info: strawberry.Info, region_code: str | None, coverage_year: int | None):
    statement = select(models.Enrolment.id)
    if coverage_year is not None:
        statement = statement.where(models.Enrolment.coverage_year == coverage_year)
    return _in_region(info, statement, models.Enrolment.region_code, region_code)


def _page(info: strawberry.Info, enrolment_column, enrolment_ids, wrap, first: int, after: str | None):
    """A page of the rows whose `enrolment_column` is among `enrolment_ids`."""
    model = enrolment_column.class_
    statement = select(model).where(col(enrolment_column).in_(enrolment_ids))
    return paginate(info.context.session, statement, model.id, first, after, wrap)


def _get(info: strawberry.Info, model, value: strawberry.ID):
    """By id, within the caller's scope: another region's row and no row look the same."""
    row_id = int(value) if str(value).isdigit() else -1
    return info.context.scope.get(info.context.session, model, row_id)


@strawberry.type
class Query(RulesQuery):
    @strawberry.field
    def region(self, info: strawberry.Info, code: str) -> Region | None:
        return Region.of(info.context.session.get(models.Region, code))

    @strawberry.field(description="Regions directly under `parentCode`; provinces when omitted.")
    def regions(self, info: strawberry.Info, parent_code: str | None = None) -> list[Region]:
        statement = select(models.Region).where(models.Region.parent_code == parent_code)
        return [Region.of(row) for row in info.context.session.exec(statement.order_by(models.Region.code))]

    @strawberry.field
    def person(self, info: strawberry.Info, id: strawberry.ID) -> Person | None:
        return Person.of(_get(info, models.Person, id))

    @strawberry.field(
        description="Persons whose hukou or residence lies in `regionCode` (any level), among those you "
        "may see: a resident registered where they live is listed there, not in their hukou region."
    )
    def persons(
        self,
        info: strawberry.Info,
        region_code: str | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> Connection[Person]:
        statement = select(models.Person).where(info.context.scope.visible(models.Person))
        if region_code is not None:
            path = region_path(info.context.session, region_code)
            codes = codes_under(path) if path else select(models.Region.code).where(False)
            statement = statement.where(
                or_(
                    col(models.Person.hukou_region_code).in_(codes),
                    col(models.Person.residence_region_code).in_(codes),
                )
            )
        return paginate(info.context.session, statement, models.Person.id, first, after, Person.of)

    @strawberry.field
    def household(self, info: strawberry.Info, id: strawberry.ID) -> Household | None:
        return Household.of(_get(info, models.Household, id))

    @strawberry.field(description="Households whose address lies in `regionCode`.")
    def households(
        self,
        info: strawberry.Info,
        region_code: str | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> Connection[Household]:
        statement = _in_region(
            info, select(models.Household), models.Household.address_region_code, region_code
        )
        return paginate(info.context.session, statement, models.Household.id, first, after, Household.of)

    @strawberry.field
    def enrolment(self, info: strawberry.Info, id: strawberry.ID) -> Enrolment | None:
        return Enrolment.of(_get(info, models.Enrolment, id))

    @strawberry.field
    def enrolments(
        self,
        info: strawberry.Info,
        coverage_year: int | None = None,
        region_code: str | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> Connection[Enrolment]:
        scope = _enrolments_in(info, region_code, coverage_year)
        return _page(info, models.Enrolment.id, scope, Enrolment.of, first, after)

    @strawberry.field(
        description="Is the person with this ID number covered on `on`, and why (for hospitals). Only "
        "for roles that see whole ID numbers: for the others an answer would confirm a guess."
    )
    def coverage(self, info: strawberry.Info, id_number: str, on: date) -> CoverageAnswer | None:
        answer = coverage_on(info.context.session, info.context.scope, id_number, on)
        return CoverageAnswer.of(answer) if answer else None

    @strawberry.field(
        description="Changes made, and personal data read or exported (action `read`, `export`), by "
        "callers in `regionCode` (any level), oldest first."
    )
    def audit_events(
        self,
        info: strawberry.Info,
        region_code: str | None = None,
        entity: str | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        action: str | None = None,
    ) -> Connection[AuditEvent]:
        statement = _in_region(info, select(models.AuditEvent), models.AuditEvent.region_code, region_code)
        if entity is not None:
            statement = statement.where(models.AuditEvent.entity == entity)
        if action is not None:
            statement = statement.where(models.AuditEvent.action == action)
        return paginate(info.context.session, statement, models.AuditEvent.id, first, after, AuditEvent.of)

    @strawberry.field
    def payments(
        self,
        info: strawberry.Info,
        coverage_year: int | None = None,
        region_code: str | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> Connection[Payment]:
        scope = _enrolments_in(info, region_code, coverage_year)
        return _page(info, models.Payment.enrolment_id, scope, Payment.of, first, after)

    @strawberry.field
    def entitlements(
        self,
        info: strawberry.Info,
        coverage_year: int | None = None,
        region_code: str | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> Connection[Entitlement]:
        scope = _enrolments_in(info, region_code, coverage_year)
        return _page(info, models.Entitlement.enrolment_id, scope, Entitlement.of, first, after)
