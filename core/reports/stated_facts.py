"""Enrolments that rest on what a clerk stated, per village, with the evidence given.

Facts the register holds are read from it; a life event, being a migrant worker or a college
student, or a newborn's guardian insured outside the system are not, and each opens a route or
spares a waiting period (贵医保组〔2023〕1号 三、四2、四3; 东政办〔2021〕6号 四（七）; 兴义府发〔2022〕3号
三（一）、四（三）). Every such statement was kept with its document (core/services/circumstances.py);
this lists them, one row per statement, for the year's enrolments in the region, so an office can
check the documents behind the routes its clerks opened.
"""

from sqlmodel import select

from ..models import Person, Region, StatedCircumstance
from ..rules.cite import Cite
from ..rules.vocabulary import EVENTS
from ..statuses import EnrolmentStatus
from .source import ReportSource
from .spec import Column, Kind, Report

KINDS = EVENTS | {
    "MIGRANT_WORKER": "外出务工人员",
    "COLLEGE_STUDENT": "在校大学生",
    "GUARDIAN_OUTSIDE_SYSTEM": "法定监护人在系统外参保",
}
STATUS = {
    EnrolmentStatus.ENROLLED: "登记未缴",
    EnrolmentStatus.PAID: "已缴费",
    EnrolmentStatus.TERMINATED: "已终止",
}

COLUMNS = (
    Column("village_code", "村（社区）代码"),
    Column("village", "村（社区）"),
    Column("name", "姓名"),
    Column("id_number", "身份证号码", Kind.ID_NUMBER),
    Column("circumstance", "陈述情形"),
    Column("happened_on", "发生日期", Kind.DATE),
    Column("evidence_kind", "证明材料"),
    Column("evidence_number", "证明编号"),
    Column("evidence_issuer", "出具单位"),
    Column("evidence_date", "出具日期", Kind.DATE),
    Column("enrolled_on", "登记日期", Kind.DATE),
    Column("status", "参保状态"),
    Column("clerk", "经办人"),
)


def build(source: ReportSource):
    e = source.enrolments()
    statement = (
        select(
            e.c.region_code,
            Region.name,
            Person.name,
            Person.id_number,
            StatedCircumstance.kind,
            StatedCircumstance.happened_on,
            StatedCircumstance.evidence_kind,
            StatedCircumstance.evidence_number,
            StatedCircumstance.evidence_issuer,
            StatedCircumstance.evidence_date,
            e.c.enrolled_on,
            e.c.status,
            StatedCircumstance.actor,
        )
        .join(e, e.c.id == StatedCircumstance.enrolment_id)
        .join(Person, Person.id == StatedCircumstance.person_id)
        .join(Region, Region.code == e.c.region_code)
        .order_by(e.c.region_code, Person.id, StatedCircumstance.id)
    )
    for row in source.fetch(statement):
        values = list(row)
        values[4] = KINDS.get(values[4], values[4])
        values[11] = STATUS.get(values[11], values[11])
        yield tuple(values)


REPORT = Report(
    name="stated_circumstances",
    title="依据经办人陈述情形参保人员清单",
    cite=Cite(
        "贵医保组〔2023〕1号 三、四2、四3；东政办〔2021〕6号 四（七）；兴义府发〔2022〕3号",
        "三（一）、四（三）",
    ),
    columns=COLUMNS,
    build=build,
    description="Per village: the year's enrolments resting on what a clerk stated (a life event, migrant "
    "worker, college student, a guardian insured outside the system), each with its evidence.",
)
