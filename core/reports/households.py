"""Households paid in part: the households some of whose members are 参保 and others not.

东政办〔2021〕6号 五（二） asks for enrolment "原则上以家庭为单位参保" (a household is preferred, so its
members may pay one by one); 贵医保组〔2023〕1号 三8 requires it ("须以户为单位缴费参保，不得选择性参保").
Either way the office wants the households left half paid. Per household registered in the asked
region (its address), as of the as-of date, each member is:

- 参保 (core/reports/counting.py): an enrolment of the year in the region on the roster, accepted,
  payment standing;
- 登记未缴: such an enrolment on the roster, not 参保 (never paid, reversed, or refused);
- 未登记: no enrolment of the year in the region. An enrolment elsewhere is outside what the report
  reads (core/scope.py), so the answer never depends on another region's data;
- left aside: departed by the as-of date (death, moving out, employee insurance, core/models/
  departure.py), or enrolled and since terminated — neither is expected to pay.

A household is listed when at least one member is 参保 and at least one is 登记未缴 or 未登记; the
row names the unpaid members (names only: the ID number shown is the head's, masked for roles
that do not see identities). Rows are per village (the household's address), then household.
"""

from itertools import groupby

from sqlalchemy import and_, case, func, literal, or_
from sqlmodel import select

from ..models import Departure, Household, HouseholdMember, Person, Region
from ..rules.cite import Cite
from . import counting
from .source import ReportSource
from .spec import Column, Kind, Report

PAID, REGISTERED, NOT_REGISTERED, ASIDE = "参保", "登记未缴", "未登记", "不计"

COLUMNS = (
    Column("village_code", "村（社区）代码"),
    Column("village", "村（社区）"),
    Column("household_id", "户编号", Kind.INT),
    Column("head_name", "户主"),
    Column("head_id_number", "户主身份证号码", Kind.ID_NUMBER),
    Column("paid_members", "已参保成员数", Kind.INT),
    Column("unpaid_members", "未参保成员数", Kind.INT),
    Column("unpaid_names", "未参保成员"),
)


# Each member's status as a small number first (`member_kinds`), named after (`member_status`):
# the counts compare numbers, and the status is worked out once per member.
PAID_KIND, REGISTERED_KIND, NOT_REGISTERED_KIND, ASIDE_KIND = 0, 1, 2, 3
KIND_NAMES = {
    PAID_KIND: PAID,
    REGISTERED_KIND: REGISTERED,
    NOT_REGISTERED_KIND: NOT_REGISTERED,
    ASIDE_KIND: ASIDE,
}


def member_kind(source: ReportSource, e, departed):
    """SQL: the kind of a member whose enrolment of the year is the row `e` (a subquery of
    `source.enrolments()`; all NULL for a member with none) and who is `departed` (SQL: true when
    departed by the source's day)."""
    day = source.as_of
    listed = and_(e.c.id.is_not(None), counting.on_roster_condition(e, day))
    return case(
        (departed, ASIDE_KIND),
        (and_(listed, counting.accepted_condition(e), counting.stands(source, e, day) == 1), PAID_KIND),
        (listed, REGISTERED_KIND),
        # enrolled by then and off the roster: terminated. One registered after the as-of date
        # was not registered yet that day.
        (and_(e.c.id.is_not(None), or_(e.c.enrolled_on.is_(None), e.c.enrolled_on <= day)), ASIDE_KIND),
        else_=NOT_REGISTERED_KIND,
    )


def departed(source: ReportSource, person_id):
    """The join condition of `Departure` on the person `person_id`: departed by the source's day."""
    return and_(Departure.person_id == person_id, Departure.departed_on <= source.as_of)


def departed_persons(source: ReportSource):
    """Ids (person_id) of the persons departed by the source's day: a few, against millions."""
    return select(Departure.person_id).where(Departure.departed_on <= source.as_of)


def member_kinds(source: ReportSource):
    """One row per member of the households addressed in the region: household_id, person_id,
    is_head, address region_code and kind (PAID_KIND, REGISTERED_KIND, NOT_REGISTERED_KIND or
    ASIDE_KIND)."""
    # Each member's enrolment of the year, which carries its payment (counting.stands), joined
    # once: a member has at most one enrolment a year and one departure (both unique per person),
    # so no join multiplies a row.
    e = source.enrolments()
    kind = member_kind(source, e, Departure.id.is_not(None))
    return (
        select(
            HouseholdMember.household_id,
            HouseholdMember.person_id,
            HouseholdMember.is_head,
            Household.address_region_code.label("region_code"),
            kind.label("kind"),
        )
        .join(Household, Household.id == HouseholdMember.household_id)
        .outerjoin(e, e.c.person_id == HouseholdMember.person_id)
        .outerjoin(Departure, departed(source, HouseholdMember.person_id))
        .where(source.in_region(Household.address_region_code))
        # OFFSET 0 keeps PostgreSQL from merging this subquery into the query reading it, which
        # would copy the CASE above into every figure and filter that reads `kind`: evaluated
        # four times per member of a city's million (bench/README.md).
        .offset(0)
        .subquery("member_kinds")
    )


def member_status(source: ReportSource):
    """One row per member of the households addressed in the region: household_id, person_id,
    is_head, address region_code and status (PAID, REGISTERED, NOT_REGISTERED or ASIDE)."""
    kinds = member_kinds(source)
    status = case({kind: literal(name) for kind, name in KIND_NAMES.items()}, value=kinds.c.kind)
    return select(
        kinds.c.household_id,
        kinds.c.person_id,
        kinds.c.is_head,
        kinds.c.region_code,
        status.label("status"),
    ).subquery("member_status")


def build(source: ReportSource):
    members = member_status(source)
    unpaid = members.c.status.in_((REGISTERED, NOT_REGISTERED))
    partial = (
        select(members.c.household_id)
        .group_by(members.c.household_id)
        .having(
            func.sum(case((members.c.status == PAID, 1), else_=0)) > 0,
            func.sum(case((unpaid, 1), else_=0)) > 0,
        )
        .subquery("partial")
    )
    # Only the members of the households listed come back, to be gathered into one row each.
    statement = (
        select(
            members.c.region_code,
            Region.name,
            members.c.household_id,
            members.c.is_head,
            Person.name,
            Person.id_number,
            members.c.status,
        )
        .join(partial, partial.c.household_id == members.c.household_id)
        .join(Person, Person.id == members.c.person_id)
        .join(Region, Region.code == members.c.region_code)
        .order_by(members.c.region_code, members.c.household_id, members.c.person_id)
    )
    for (code, village, household), rows in groupby(source.fetch(statement), key=lambda r: r[:3]):
        rows = list(rows)
        head = next((r for r in rows if r[3]), None)
        unpaid_rows = [r for r in rows if r[6] in (REGISTERED, NOT_REGISTERED)]
        yield (
            code,
            village,
            household,
            head[4] if head else None,
            head[5] if head else None,
            sum(r[6] == PAID for r in rows),
            len(unpaid_rows),
            "、".join(f"{r[4]}（{r[6]}）" for r in unpaid_rows),
        )


REPORT = Report(
    name="partially_paid_households",
    title="家庭成员未全部参保户清单",
    cite=Cite("东政办〔2021〕6号 五（二）；贵医保组〔2023〕1号", "三8"),
    columns=COLUMNS,
    build=build,
    description="Per village, as of a date: households some of whose members are insured (on the roster, "
    "accepted, paid) while others, not departed, are registered unpaid or not registered in the "
    "region; the unpaid members by name.",
)
