"""Reconciling other departments' lists with the year's enrolments in the region.

The lists (core/services/department_lists.py) speak about the region they were imported for and
what lies below it. Each report reads, per list region, the latest list of its kind dated on or
before the as-of date — so run monthly, as 筑医保通〔2021〕34号 四（三） asks ("每月调度"), each month's
roll replaces the last — and compares it with the year's enrolments in the asked region, counted as
every report counts them (core/reports/counting.py). An enrolment elsewhere is outside what a report
reads (core/scope.py): "not enrolled" means not enrolled here.

- students_not_enrolled: pupils on the education bureau's roll who are not 参保 (not registered, or
  registered unpaid), per school and class (筑医保通〔2021〕34号 四（三）; 贵医保组〔2023〕1号 六11);
- students_by_school: per school, pupils on the roll, 参保, not enrolled, and the share enrolled;
- pension_not_enrolled: residents on the resident-pension list who are not 参保 (贵医保组〔2023〕1号 六12);
- employees_enrolled_as_residents: persons on the employee-insurance list, insured on the as-of date,
  who also hold a resident enrolment of the year on the roster — 不得重复参保 (东政办〔2021〕6号 三;
  贵医保组〔2023〕1号 一 "一人一保"). New enrolments of such persons are refused (core/services/
  lists_in_force.py); these came before the list.
"""

from sqlalchemy import and_, case, func, literal, or_
from sqlmodel import col, select

from ..models import ListEntry, Person, Region
from ..rules.cite import Cite
from ..statuses import ListSource
from . import counting
from .source import ReportSource, rate
from .spec import Column, Kind, Report

NOT_REGISTERED, REGISTERED_UNPAID = "未登记参保", "登记未缴"


def list_regions(source: ReportSource) -> list[str]:
    """The asked region's ancestors (a county's list speaks about its townships) and everything below."""
    ancestors = [code for code in source.region.path.split("/") if code]
    below = [row[0] for row in source.fetch(source.region_codes())]
    return sorted(set(ancestors) | set(below))


def latest(source: ReportSource, kind: str):
    """The rows of the latest list of `kind` per list region dated on or before the as-of date."""
    regions = list_regions(source)
    newest = (
        select(ListEntry.region_code, func.max(ListEntry.as_of).label("as_of"))
        .where(
            ListEntry.source == kind, col(ListEntry.region_code).in_(regions), ListEntry.as_of <= source.as_of
        )
        .group_by(ListEntry.region_code)
        .subquery("newest")
    )
    return (
        select(ListEntry)
        .join(newest, and_(newest.c.region_code == ListEntry.region_code, newest.c.as_of == ListEntry.as_of))
        .where(ListEntry.source == kind)
        .subquery("listed")
    )


def with_status(source: ReportSource, kind: str):
    """The latest list's rows with `status`: 参保 (1), registered unpaid (0), or none (NULL)."""
    listed = latest(source, kind)
    roster = counting.roster_status(source)
    status = (
        select(roster.c.person_id, func.max(roster.c.insured).label("insured"))
        .group_by(roster.c.person_id)
        .subquery("status")
    )
    return listed, status


def not_enrolled(source: ReportSource, kind: str):
    listed, status = with_status(source, kind)
    statement = (
        select(
            listed.c.unit,
            listed.c.class_name,
            listed.c.name,
            listed.c.id_number,
            case((status.c.insured.is_(None), literal(NOT_REGISTERED)), else_=literal(REGISTERED_UNPAID)),
            listed.c.as_of,
        )
        .outerjoin(Person, Person.id_number == listed.c.id_number)
        .outerjoin(status, status.c.person_id == Person.id)
        .where(or_(status.c.insured.is_(None), status.c.insured == 0))
        .order_by(listed.c.unit, listed.c.class_name, listed.c.id_number)
    )
    return source.fetch(statement)


STUDENT_COLUMNS = (
    Column("school", "学校"),
    Column("class_name", "年级班级"),
    Column("name", "姓名"),
    Column("id_number", "身份证号码", Kind.ID_NUMBER),
    Column("status", "参保情况"),
    Column("roll_date", "名册日期", Kind.DATE),
)


def build_students(source: ReportSource):
    yield from (tuple(row) for row in not_enrolled(source, ListSource.EDUCATION_STUDENTS))


STUDENTS = Report(
    name="students_not_enrolled",
    title="在册学生未参保名单",
    cite=Cite("筑医保通〔2021〕34号 四（三）；贵医保组〔2023〕1号", "六11"),
    columns=STUDENT_COLUMNS,
    build=build_students,
    description="Per school and class, as of a date: pupils on the latest roll of the education bureau who "
    "are not insured (参保) in the region for the year — not registered, or registered unpaid.",
)


def build_by_school(source: ReportSource):
    listed, status = with_status(source, ListSource.EDUCATION_STUDENTS)
    insured = func.sum(case((status.c.insured == 1, 1), else_=0))
    statement = (
        select(listed.c.unit, func.count(), insured)
        .outerjoin(Person, Person.id_number == listed.c.id_number)
        .outerjoin(status, status.c.person_id == Person.id)
        .group_by(listed.c.unit)
        .order_by(listed.c.unit)
    )
    for school, on_roll, paid in source.fetch(statement):
        paid = int(paid or 0)
        yield school, on_roll, paid, on_roll - paid, rate(paid, on_roll)


BY_SCHOOL = Report(
    name="students_by_school",
    title="在册学生参保完成情况（按学校）",
    cite=Cite("筑医保通〔2021〕34号", "四（三）"),
    columns=(
        Column("school", "学校"),
        Column("on_roll", "在册学生数", Kind.INT),
        Column("paid", counting.INSURED, Kind.INT),
        Column("not_enrolled", "未参保人数", Kind.INT),
        Column("rate", "参保率", Kind.RATE),
    ),
    build=build_by_school,
    description="Per school, as of a date: pupils on the latest roll, how many are insured (参保) in the "
    "region for the year, how many not, and the share — the monthly follow-up of 四（三）.",
)


def build_pension(source: ReportSource):
    for _, _, name, id_number, status, as_of in not_enrolled(source, ListSource.HR_RESIDENT_PENSION):
        yield name, id_number, status, as_of


PENSION = Report(
    name="pension_not_enrolled",
    title="城乡居民养老保险参保人员未参加居民医保名单",
    cite=Cite("贵医保组〔2023〕1号", "六12"),
    columns=(
        Column("name", "姓名"),
        Column("id_number", "身份证号码", Kind.ID_NUMBER),
        Column("status", "参保情况"),
        Column("list_date", "名单日期", Kind.DATE),
    ),
    build=build_pension,
    description="As of a date: residents on the latest resident-pension list of the human-resources "
    "bureau who are not insured (参保) in the region for the year.",
)


def build_employees(source: ReportSource):
    listed = latest(source, ListSource.HR_EMPLOYEE_INSURANCE)
    roster = counting.roster_status(source)
    day = source.as_of
    statement = (
        select(
            roster.c.region_code,
            Region.name,
            Person.name,
            Person.id_number,
            listed.c.unit,
            listed.c.since,
            listed.c.until,
            case((roster.c.insured == 1, literal("参保")), else_=literal(REGISTERED_UNPAID)),
            listed.c.as_of,
        )
        .join(Person, Person.id_number == listed.c.id_number)
        .join(roster, roster.c.person_id == Person.id)
        .join(Region, Region.code == roster.c.region_code)
        .where(
            or_(listed.c.since.is_(None), listed.c.since <= day),
            or_(listed.c.until.is_(None), listed.c.until >= day),
        )
        .order_by(roster.c.region_code, Person.id)
    )
    yield from (tuple(row) for row in source.fetch(statement))


EMPLOYEES = Report(
    name="employees_enrolled_as_residents",
    title="职工医保参保人员重复参加居民医保名单",
    cite=Cite("东政办〔2021〕6号 三；贵医保组〔2023〕1号", "一、二1、六12"),
    columns=(
        Column("village_code", "村（社区）代码"),
        Column("village", "村（社区）"),
        Column("name", "姓名"),
        Column("id_number", "身份证号码", Kind.ID_NUMBER),
        Column("employer", "职工医保参保单位"),
        Column("employee_since", "职工医保参保日期", Kind.DATE),
        Column("employee_until", "职工医保停保日期", Kind.DATE),
        Column("status", "居民医保参保情况"),
        Column("list_date", "名单日期", Kind.DATE),
    ),
    build=build_employees,
    description="Per village, as of a date: persons on the latest employee-insurance list, insured as "
    "employees that day, who also hold a resident enrolment of the year on the roster (不得重复参保).",
)

REPORTS = (STUDENTS, BY_SCHOOL, PENSION, EMPLOYEES)
