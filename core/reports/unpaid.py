"""Households still to pay: the reminder list per village, and how many per unit.

贵医保组〔2023〕1号 五（二） asks for "未缴费提醒" during the centralized window, and 东政办〔2021〕6号
四（六）3 has the townships visit the homes of those not yet insured ("入户摸排…对未参保的居民推送参保提示
信息"). A household is listed when at least one member is expected to pay and has not: 登记未缴
(on the roster, not 参保) or 未登记 (no enrolment of the year in the region). Members departed or
whose enrolment ended are left aside, as `partially_paid_households` does (core/reports/households.py
defines each member's status once for both).

`unpaid_households` names them per village (a village clerk's round); `unpaid_household_counts`
counts them per unit one level down (the asked region's children), so a county sees which township
has most doors left to knock on without listing tens of thousands of households.
"""

from itertools import groupby

from sqlalchemy import case, exists, func
from sqlmodel import col, select

from ..models import Departure, Household, HouseholdMember, Person, Region
from ..rules.cite import Cite
from .households import (
    ASIDE_KIND,
    NOT_REGISTERED,
    NOT_REGISTERED_KIND,
    PAID,
    REGISTERED,
    REGISTERED_KIND,
    departed,
    departed_persons,
    member_kind,
    member_status,
)
from .source import ReportSource
from .spec import Column, Kind, Report

CITE = Cite("贵医保组〔2023〕1号 五（二）；东政办〔2021〕6号", "四（六）3")

LIST_COLUMNS = (
    Column("village_code", "村（社区）代码"),
    Column("village", "村（社区）"),
    Column("household_id", "户编号", Kind.INT),
    Column("head_name", "户主"),
    Column("head_id_number", "户主身份证号码", Kind.ID_NUMBER),
    Column("paid_members", "已参保成员数", Kind.INT),
    Column("unpaid_members", "未参保成员数", Kind.INT),
    Column("unpaid_names", "未参保成员"),
)

COUNT_COLUMNS = (
    Column("unit_code", "代码"),
    Column("unit_name", "单位"),
    Column("households", "户数", Kind.INT),
    Column("unpaid_households", "未缴费户数", Kind.INT),
    Column("unpaid_persons", "未参保人数", Kind.INT),
    Column("registered_unpaid", "其中：登记未缴人数", Kind.INT),
)

UNPAID = (REGISTERED, NOT_REGISTERED)


def per_household(source: ReportSource):
    """Subquery per household addressed in the region: household_id, region_code, and its members
    counted — `counted` (not departed, not ended), `registered` (登记未缴) and `not_registered`.

    The same kinds as `member_kinds`, counted from both ends instead of member by member: the
    year's enrolments in the region per household (each carries its person's household, migration
    0015), and the members per household. A member with no enrolment there is 未登记 unless
    departed; the few departed without one are counted apart. A city's million members are never
    joined to its million enrolments by person (two seconds of the dashboard, bench/README.md).
    """
    members, enrolled, departed_unenrolled = _sizes(source), _enrolled(source), _departed_unenrolled(source)
    enrolled_count, departed_count = (
        func.coalesce(column, 0) for column in (enrolled.c.enrolled, departed_unenrolled.c.departed)
    )
    return (
        select(
            members.c.household_id,
            members.c.region_code,
            (members.c.members - func.coalesce(enrolled.c.aside, 0) - departed_count).label("counted"),
            func.coalesce(enrolled.c.registered, 0).label("registered"),
            (members.c.members - enrolled_count - departed_count + func.coalesce(enrolled.c.later, 0)).label(
                "not_registered"
            ),
        )
        .outerjoin(enrolled, enrolled.c.household_id == members.c.household_id)
        .outerjoin(departed_unenrolled, departed_unenrolled.c.household_id == members.c.household_id)
        .subquery("per_household")
    )


def _enrolled(source: ReportSource):
    """Per household: its members' enrolments of the year in the region (`enrolled`), and of them
    the ones `aside` (departed or ended), `registered` (登记未缴) and registered `later` than the
    as-of date (未登记 that day)."""
    e = source.enrolments()
    # Each enrolment's kind worked out once (OFFSET 0, as in `member_kinds`), in household order:
    # the index (coverage_year, household_id) gives that order, so the counts stream per household
    # and meet the members' counts in one merge, where hashing a city's 333,000 households spilled
    # to disk. A departure is looked up in the few departed, not joined to every enrolment.
    departed_here = e.c.person_id.in_(departed_persons(source))
    kinds = (
        select(e.c.household_id, member_kind(source, e, departed_here).label("kind"))
        .where(e.c.household_id.is_not(None))
        .order_by(e.c.household_id)
        .offset(0)
        .subquery("enrolment_kinds")
    )

    def counted(kind: int, name: str):
        return func.sum(case((kinds.c.kind == kind, 1), else_=0)).label(name)

    return (
        select(
            kinds.c.household_id,
            func.count().label("enrolled"),
            counted(ASIDE_KIND, "aside"),
            counted(REGISTERED_KIND, "registered"),
            counted(NOT_REGISTERED_KIND, "later"),
        )
        .group_by(kinds.c.household_id)
        .subquery("enrolled")
    )


def _sizes(source: ReportSource):
    """Per household addressed in the region: its region_code and its `members`."""
    address = Household.address_region_code
    addressed = select(Household.id).where(source.in_region(address))
    sizes = (
        select(HouseholdMember.household_id, func.count().label("members"))
        .where(col(HouseholdMember.household_id).in_(addressed))
        .group_by(HouseholdMember.household_id)
        .subquery("sizes")
    )
    # The region is asked on both sides: inside, it keeps the members' scan to the region's
    # households; here, the households' own scan (PostgreSQL then merges the two in id order).
    return (
        select(Household.id.label("household_id"), address.label("region_code"), sizes.c.members)
        .join(sizes, sizes.c.household_id == Household.id)
        .where(source.in_region(address))
        .subquery("members")
    )


def _departed_unenrolled(source: ReportSource):
    """Per household addressed in the region: its members departed by the as-of date who have no
    enrolment of the year in the region (`departed`) — left aside, not 未登记."""
    enrolled_here = source.enrolments()
    return (
        select(HouseholdMember.household_id, func.count().label("departed"))
        .join(Departure, departed(source, HouseholdMember.person_id))
        .join(Household, Household.id == HouseholdMember.household_id)
        .where(
            source.in_region(Household.address_region_code),
            ~exists().where(enrolled_here.c.person_id == HouseholdMember.person_id),
        )
        .group_by(HouseholdMember.household_id)
        .subquery("departed_unenrolled")
    )


def build_list(source: ReportSource):
    members = member_status(source)
    owing = (
        select(members.c.household_id)
        .group_by(members.c.household_id)
        .having(func.sum(case((members.c.status.in_(UNPAID), 1), else_=0)) > 0)
        .subquery("owing")
    )
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
        .join(owing, owing.c.household_id == members.c.household_id)
        .join(Person, Person.id == members.c.person_id)
        .join(Region, Region.code == members.c.region_code)
        .order_by(members.c.region_code, members.c.household_id, members.c.person_id)
    )
    for (code, village, household), rows in groupby(source.fetch(statement), key=lambda r: r[:3]):
        rows = list(rows)
        head = next((r for r in rows if r[3]), None)
        unpaid = [r for r in rows if r[6] in UNPAID]
        yield (
            code,
            village,
            household,
            head[4] if head else None,
            head[5] if head else None,
            sum(r[6] == PAID for r in rows),
            len(unpaid),
            "、".join(f"{r[4]}（{r[6]}）" for r in unpaid),
        )


FIGURES = ("households", "unpaid_households", "unpaid_persons", "registered_unpaid")


def build_counts(source: ReportSource):
    households = per_household(source)
    unpaid = households.c.registered + households.c.not_registered
    # Counted per address first, then rolled up to the units: the roll-up then joins a few hundred
    # villages to their units, not a city's households (which PostgreSQL, misjudging the units,
    # matched against each unit in turn).
    per_region = (
        select(
            households.c.region_code,
            func.sum(case((households.c.counted > 0, 1), else_=0)).label("households"),
            func.sum(case((unpaid > 0, 1), else_=0)).label("unpaid_households"),
            func.sum(unpaid).label("unpaid_persons"),
            func.sum(households.c.registered).label("registered_unpaid"),
        )
        .group_by(households.c.region_code)
        .subquery("per_region")
    )
    rolled = source.roll_up(per_region, *(func.sum(per_region.c[name]).label(name) for name in FIGURES))
    listed = source.unit_list().subquery("listed")
    statement = (
        select(
            listed.c.unit_code,
            listed.c.unit_name,
            *(func.coalesce(rolled.c[name], 0) for name in FIGURES),
        )
        .outerjoin(rolled, rolled.c.unit_code == listed.c.unit_code)
        .order_by(listed.c.unit_code)
    )
    for row in source.fetch(statement):
        yield row[0], row[1], *(int(value) for value in row[2:])


LIST = Report(
    name="unpaid_households",
    title="未缴费户清单",
    cite=CITE,
    columns=LIST_COLUMNS,
    build=build_list,
    description="Per village, as of a date: households with a member expected to pay who has not "
    "(registered unpaid or not registered in the region; departed and ended members aside), the unpaid "
    "members by name — the reminder list (未缴费提醒).",
)

COUNTS = Report(
    name="unpaid_household_counts",
    title="未缴费户统计",
    cite=CITE,
    columns=COUNT_COLUMNS,
    build=build_counts,
    description="Per unit one level down, as of a date: households addressed there, those with a member "
    "still to pay, and the persons still to pay (of whom registered unpaid).",
)
