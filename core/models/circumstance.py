"""What a clerk stated at enrolment that the register cannot answer, with its evidence.

A life event (刑满释放, 退役, 职工医保中断, 动态新增困难群体, 退出其他制度保障, 高校毕业), being a migrant
worker or a college student, or a newborn's guardian insured outside the system: each opens a route
or spares a waiting period (贵医保组〔2023〕1号 三、四2、四3; 东政办〔2021〕6号 四（七）; 兴义府发〔2022〕3号
三（一）、四（三）). Facts the register holds are read from it; these are not, so each is kept with the
document that supports it — its kind, number, issuer and date — and the stated-facts report lists
the enrolments that rest on them (core/reports/stated_facts.py).
"""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from .base import utcnow

# Beyond the life events of core/rules/vocabulary.py EVENTS.
STATED_KINDS = ("MIGRANT_WORKER", "COLLEGE_STUDENT", "GUARDIAN_OUTSIDE_SYSTEM")


class StatedCircumstance(SQLModel, table=True):
    __tablename__ = "stated_circumstance"

    id: int | None = Field(default=None, primary_key=True)
    enrolment_id: int = Field(foreign_key="enrolment.id", index=True)
    # Its enrolment's year: the key of the enrolment it names on PostgreSQL (migration 0013).
    coverage_year: int
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: str = Field(max_length=40)
    happened_on: date | None = None  # the event's date; none for a status such as 外出务工
    evidence_kind: str = Field(max_length=40)  # e.g. 刑满释放证明书, 退役证, 居住证, 停保证明
    evidence_number: str = Field(max_length=64)
    evidence_issuer: str = Field(max_length=100)
    evidence_date: date
    actor: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
