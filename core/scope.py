"""What a caller may see: everything at or below their region, as SQL conditions.

A person is visible where they live — their residence, or their hukou region when no residence is
registered — where they are enrolled, or where their household is; households by address;
enrolments by region; payments, entitlements and category facts through their enrolment or person.
A resident registered where they live (东政办〔2021〕6号 三（四）、四（二）; 贵医保组〔2023〕1号 二2;
方政办明电〔2021〕35号 二（二）3) belongs to that region's staff: the staff of the region of their
hukou do not see them unless they enrol or live there. Lists, lookups by id and nested fields all go
through `visible`, so nothing from another region leaks.
"""

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, false, or_, true
from sqlmodel import Session, SQLModel, col, select

from .models import (
    AuditEvent,
    CategoryFact,
    Departure,
    DepositSlip,
    Enrolment,
    Entitlement,
    Household,
    HouseholdMember,
    ImportJob,
    ImportRow,
    Payment,
    Person,
    Refund,
    RefundBatch,
    Region,
    Target,
    TaxConfirmation,
)
from .regions import codes_under, county_within, region_path


@dataclass(frozen=True)
class Scope:
    path: str | None  # the caller region's path, e.g. /340000/341700/341721/; None sees everything
    region_code: str | None = None
    # The caller's county code when its region is a county or lies below one: every row it sees
    # is on that county's shard on Citus, and its statements say so (docs/scaling.md §3). None for
    # a city's or province's caller, whose statements read every county's shard.
    county: str | None = None

    @classmethod
    def of(cls, session: Session, region_code: str | None) -> "Scope":
        """The scope of a region; an unknown region sees nothing."""
        if region_code is None:
            return cls(path=None)
        path = region_path(session, region_code)
        if path is None:
            return cls(path="/nowhere/", region_code=region_code)
        return cls(path=path, region_code=region_code, county=county_within(session, region_code))

    @classmethod
    def nothing(cls) -> "Scope":
        return cls(path="/nowhere/")

    def covers(self, session: Session, region_code: str | None) -> bool:
        if self.path is None:
            return True
        # A region's path never changes: region_path reads it once per process (core/regions.py).
        path = region_path(session, region_code) if region_code else None
        return path is not None and path.startswith(self.path)

    @property
    def path_pattern(self) -> str | None:
        """The LIKE pattern (escape character '/') of the paths in scope, for statements built once
        with a bound parameter; None when everything is in scope."""
        return None if self.path is None else like_pattern(self.path)

    def visible(self, model: type[SQLModel]):
        if self.path is None:
            return true()
        return _visible_in(model, codes_under(self.path), self.county)

    @property
    def params(self) -> dict[str, str]:
        """The parameters of a statement built once with `visible_where` (none when unscoped)."""
        if self.path is None:
            return {}
        return {"scope_pattern": self.path_pattern} | (
            {} if self.county is None else {"scope_county": self.county}
        )

    def get(self, session: Session, model: type[SQLModel], row_id) -> SQLModel | None:
        """A row by primary key, or None when it does not exist or lies outside the scope."""
        return session.exec(select(model).where(model.id == row_id, self.visible(model))).first()


def _visible_in(model: type[SQLModel], codes, county=None):
    """`Scope.visible`'s condition for the region codes `codes` (a subquery), and, for a caller
    within one county, `county` (its code, or a bound parameter): what lies in the county's
    regions is on its shard, so the condition names it for each table that carries it
    (`_in_county`) — the same rows, read from one shard on Citus."""
    households = select(Household.id).where(
        col(Household.address_region_code).in_(codes), *_in_county(Household, county)
    )
    enrolments = select(Enrolment.id).where(
        col(Enrolment.region_code).in_(codes), *_in_county(Enrolment, county)
    )
    if county is not None and model in _BY_ITS_REGION:
        return and_(
            _visible_by_region(model, codes, county, households, enrolments), *_in_county(model, county)
        )
    return _visible_by_region(model, codes, county, households, enrolments)


def _visible_by_region(model: type[SQLModel], codes, county, households, enrolments):
    if model is Household:
        return col(Household.address_region_code).in_(codes)
    if model is HouseholdMember:
        return col(HouseholdMember.household_id).in_(households)
    if model is Enrolment:
        return col(Enrolment.region_code).in_(codes)
    if model in (Payment, Entitlement, Refund):
        return col(model.enrolment_id).in_(enrolments)
    if model is Person:
        return or_(
            lives_in(codes),
            col(Person.id).in_(
                select(Enrolment.person_id).where(
                    col(Enrolment.region_code).in_(codes), *_in_county(Enrolment, county)
                )
            ),
            col(Person.id).in_(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id).in_(households), *_in_county(HouseholdMember, county)
                )
            ),
        )
    if model in (CategoryFact, Departure):
        return col(model.person_id).in_(select(Person.id).where(_visible_in(Person, codes)))
    if model in (ImportJob, RefundBatch, Target, TaxConfirmation, DepositSlip):  # by their region
        return col(model.region_code).in_(codes)
    if model is ImportRow:
        return col(ImportRow.job_id).in_(select(ImportJob.id).where(_visible_in(ImportJob, codes)))
    if model is Region:
        return true()
    if model is AuditEvent:  # by the region of the actor who made the change
        return col(AuditEvent.region_code).in_(codes)
    return false()


# The tables whose county follows from what makes a row visible: a household's address, an
# enrolment's region, the enrolment of a payment or an entitlement, the household of a member, the
# region of an event's actor. Not a person's: its county is its household's (migration 0018), while
# it is seen where it lives or is enrolled as well.
_BY_ITS_REGION = (Household, HouseholdMember, Enrolment, Payment, Entitlement, AuditEvent)


def _in_county(model: type[SQLModel], county) -> tuple:
    return () if county is None else (col(model.county_code) == county,)


def like_pattern(path: str) -> str:
    """The LIKE pattern (escape character '/') of the paths at or below `path`: what
    `regions.under` binds (SQLAlchemy's `startswith(…, autoescape=True)`)."""
    return path.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def visible_where(model: type[SQLModel], county: bool = False):
    """`Scope.visible(model)` for a statement built once: the scope's path is the bound parameter
    `scope_pattern` (pass `Scope.params`), and with `county` its county `scope_county` (for a
    caller whose `Scope.county` is set). Only for a scoped caller; unscoped, leave it out."""
    codes = select(Region.code).where(col(Region.path).like(bindparam("scope_pattern"), escape="/"))
    return _visible_in(model, codes, bindparam("scope_county") if county else None)


def lives_in(codes):
    """SQL: the person lives in one of `codes` — their residence, else their hukou region."""
    return or_(
        col(Person.residence_region_code).in_(codes),
        and_(col(Person.residence_region_code).is_(None), col(Person.hukou_region_code).in_(codes)),
    )


def home_region(person: Person) -> str:
    """Where a person lives: their residence, else their hukou region."""
    return person.residence_region_code or person.hukou_region_code


def enrolment_region(session: Session, person: Person) -> str:
    """Where a person enrols unless told otherwise: where they live, or their hukou region when only
    that lies in the caller's region — a resident may enrol at either (贵医保组〔2023〕1号 二
    "户籍所在地…或常住地村（社区）"; 东政办〔2021〕6号 四（二）)."""
    scope = scope_of(session)
    for code in (person.residence_region_code, person.hukou_region_code):
        if code and scope.covers(session, code):
            return code
    return home_region(person)


def scope_of(session: Session) -> Scope:
    """The scope a service's unit of work was opened with; everything if none was."""
    return session.info.get("scope") or Scope(path=None)


def get_visible(session: Session, model: type[SQLModel], row_id) -> SQLModel | None:
    """What a service looks up by an id the caller gave: absent and out of scope look the same."""
    return scope_of(session).get(session, model, row_id)
