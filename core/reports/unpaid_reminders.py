"""Who was insured last year and has not paid this year, per village, with a phone to remind them.

东政办〔2021〕6号 四（六）3: "通过与上年度参保信息比对及入户摸排等方式，对未参保的居民推送参保提示信息";
贵医保组〔2023〕1号 五（二）: "推行缴费结果查询和公示、未缴费提醒". Per village of last year's record, as
of the as-of date, every person who was 参保 last year in the region — yibao's paid enrolment, or a
PAID row of the imported 参保底表 for a year yibao holds no policy for — and is not 参保 this year in
the region (core/reports/counting.py): not registered, or registered unpaid. A person who has
departed (death, moved out, employee insurance) by then is left out. The phone number is masked for
roles that do not see identities, as the ID number is.
"""

from sqlalchemy import and_, case, exists, func, literal, union_all
from sqlmodel import select

from ..models import Departure, Payment, Person, Region
from ..rules.cite import Cite
from ..statuses import EnrolmentStatus, HistoryStatus
from . import counting
from .source import ReportSource
from .spec import Column, Kind, Report

REGISTER, HISTORY = "本系统", "参保底表"
NOT_REGISTERED, REGISTERED_UNPAID = "未登记参保", "登记未缴"

COLUMNS = (
    Column("village_code", "村（社区）代码"),
    Column("village", "村（社区）"),
    Column("name", "姓名"),
    Column("id_number", "身份证号码", Kind.ID_NUMBER),
    Column("phone", "联系电话", Kind.PHONE),
    Column("last_year_paid", "上年缴费金额（元）", Kind.MONEY),
    Column("last_year_source", "上年数据来源"),
    Column("this_year", "本年参保情况"),
)


def last_year_insured(source: ReportSource):
    """(person_id, region_code, paid_fen, origin) of last year's 参保 in the region: yibao's paid
    enrolments, else the 参保底表's PAID rows."""
    year = source.coverage_year - 1
    register, history = source.enrolments(year), source.history(year)
    paid = (
        select(Payment.enrolment_id, func.sum(Payment.amount_fen).label("fen"))
        .where(Payment.coverage_year == year)
        .group_by(Payment.enrolment_id)
        .subquery("paid_last_year")
    )
    return union_all(
        select(register.c.person_id, register.c.region_code, paid.c.fen, literal(REGISTER).label("origin"))
        .outerjoin(paid, paid.c.enrolment_id == register.c.id)
        .where(register.c.status == EnrolmentStatus.PAID),
        select(history.c.person_id, history.c.region_code, history.c.amount_paid_fen, literal(HISTORY)).where(
            history.c.status == HistoryStatus.PAID, history.c.person_id.not_in(select(register.c.person_id))
        ),
    ).subquery("last_year")


def build(source: ReportSource):
    last = last_year_insured(source)
    now = counting.roster_status(source)
    this_year = (
        select(now.c.person_id, func.max(now.c.insured).label("insured"))
        .group_by(now.c.person_id)
        .subquery("now")
    )
    departed = exists().where(Departure.person_id == last.c.person_id, Departure.departed_on <= source.as_of)
    statement = (
        select(
            last.c.region_code,
            Region.name,
            Person.name,
            Person.id_number,
            Person.phone,
            last.c.fen,
            last.c.origin,
            case((this_year.c.insured.is_(None), literal(NOT_REGISTERED)), else_=literal(REGISTERED_UNPAID)),
        )
        .join(Person, Person.id == last.c.person_id)
        .join(Region, Region.code == last.c.region_code)
        .outerjoin(this_year, this_year.c.person_id == last.c.person_id)
        .where(and_(~departed, func.coalesce(this_year.c.insured, 0) == 0))
        .order_by(last.c.region_code, Person.id)
    )
    yield from (tuple(row) for row in source.fetch(statement))


REPORT = Report(
    name="unpaid_reminders",
    title="上年参保本年未缴费人员提醒名单",
    cite=Cite("东政办〔2021〕6号 四（六）3；贵医保组〔2023〕1号", "五（二）"),
    columns=COLUMNS,
    build=build,
    description="Per village, as of a date: persons insured last year in the region (yibao's paid enrolment "
    "or the imported 参保底表) who are not insured this year, with a phone to remind them (masked for roles "
    "that do not see identities).",
)
