"""What a clerk states at enrolment, checked and kept with its evidence; what the register answers.

A circumstance that opens a route or spares a waiting period — a life event (刑满释放, 退役, 职工医保中断,
动态新增困难群体, 退出其他制度保障, 高校毕业), being a migrant worker or a college student — rests on the
clerk's word, so it must come with the document that supports it: its kind, number, issuer and date.
Each becomes a `StatedCircumstance` row, which the stated-facts report lists per village.

A newborn following a guardian (兴义府发〔2022〕3号 三（一） "不独立参保且其法定监护人当年已参加居民医保
缴费的新生儿，自出生之日起自动随法定监护人参保") is free only when a guardian has paid for the year. The
register answers that: a member of the newborn's household (the guardian named, or any member) with
an enrolment of the year whose payment stands. The clerk's word is taken only for a guardian insured
outside the system (another pooling region, employee insurance elsewhere), and then with evidence.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from ..errors import ErrorCode, FieldError
from ..models import Enrolment, HouseholdMember, Payment, Person, StatedCircumstance
from ..rules.vocabulary import EVENTS
from ..scope import get_visible, scope_of
from ..statuses import EnrolmentStatus, PaymentKind
from ..text import text_errors


@dataclass(frozen=True)
class Evidence:
    kind: str  # e.g. 刑满释放证明书, 退役证, 居住证, 学生证, 职工医保停保证明
    number: str
    issuer: str
    issued_on: date


@dataclass(frozen=True)
class StatedEvent:
    kind: str  # core/rules/vocabulary.py EVENTS
    on: date
    prior_continuous_months: int | None = None
    evidence: Evidence | None = None


@dataclass(frozen=True)
class Guardian:
    """Whom a newborn follows: a registered household member, or one insured outside the system."""

    person_id: int | None = None  # None: any member of the newborn's household
    outside_system: bool = False
    evidence: Evidence | None = None  # required when outside_system


@dataclass(frozen=True)
class Circumstances:
    events: tuple[StatedEvent, ...] = ()
    college_student: bool = False
    college_student_evidence: Evidence | None = None
    migrant_worker: bool = False
    migrant_worker_evidence: Evidence | None = None
    guardian: Guardian | None = None
    repair_years: int = 0  # 缴费修复 (国办发〔2024〕38号), at most the years lapsed


@dataclass
class Checked:
    """The facts the snapshot keeps, the rows to store once the enrolment exists, and refusals."""

    facts: dict
    stated: list[tuple[str, date | None, Evidence]] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)


def check(
    session: Session, circumstances: Circumstances | None, person: Person, coverage_year: int, prefix: str
) -> Checked:
    given = circumstances or Circumstances()
    result = Checked(facts={})
    events = []
    for index, event in enumerate(given.events):
        where = f"{prefix}.events.{index}"
        if event.kind not in EVENTS:
            result.errors.append(FieldError(f"{where}.kind", ErrorCode.INVALID, f"未知的事件 {event.kind}"))
        _evidence(result, event.evidence, f"{where}.evidence", event.kind, event.on)
        events.append(
            {
                "kind": event.kind,
                "on": event.on.isoformat(),
                "priorContinuousMonths": event.prior_continuous_months,
            }
        )
    if given.college_student:
        _evidence(
            result, given.college_student_evidence, f"{prefix}.collegeStudentEvidence", "COLLEGE_STUDENT"
        )
    if given.migrant_worker:
        _evidence(result, given.migrant_worker_evidence, f"{prefix}.migrantWorkerEvidence", "MIGRANT_WORKER")
    guardian_enrolled, guardian_from = False, None
    if given.guardian is not None:
        guardian_enrolled, guardian_from = _guardian(
            session, result, given.guardian, person, coverage_year, f"{prefix}.guardian"
        )
    if given.repair_years < 0:
        result.errors.append(FieldError(f"{prefix}.repairYears", ErrorCode.INVALID, "修复年数不能为负"))
    result.facts = {
        "events": events,
        "collegeStudent": given.college_student,
        "migrantWorker": given.migrant_worker,
        "guardianEnrolled": guardian_enrolled,
    }
    if guardian_from:
        result.facts["guardian"] = guardian_from
    return result


def _evidence(
    result: Checked, evidence: Evidence | None, where: str, kind: str, on: date | None = None
) -> None:
    if evidence is None:
        result.errors.append(
            FieldError(
                where,
                ErrorCode.REQUIRED,
                "经办人陈述的情形须附证明材料：种类、编号、出具单位、出具日期",
            )
        )
        return
    for name, value, width in (
        ("kind", evidence.kind, 40),
        ("number", evidence.number, 64),
        ("issuer", evidence.issuer, 100),
    ):
        if not (value or "").strip():
            result.errors.append(FieldError(f"{where}.{name}", ErrorCode.REQUIRED, "必填"))
        else:
            result.errors += text_errors(f"{where}.{name}", value, width)
    if evidence.issued_on > date.today():
        result.errors.append(FieldError(f"{where}.issuedOn", ErrorCode.INVALID, "出具日期不能晚于今天"))
    result.stated.append((kind, on, evidence))


def _guardian(
    session: Session, result: Checked, guardian: Guardian, person: Person, coverage_year: int, where: str
) -> tuple[bool, dict | None]:
    """(guardian enrolled, where that was learned) — from the register unless outside the system."""
    if guardian.outside_system:
        if guardian.person_id is not None:
            result.errors.append(
                FieldError(
                    f"{where}.personId",
                    ErrorCode.INVALID,
                    "系统内登记的监护人以登记记录为准，不能同时陈述为系统外参保",
                )
            )
            return False, None
        _evidence(result, guardian.evidence, f"{where}.evidence", "GUARDIAN_OUTSIDE_SYSTEM")
        return True, {"from": "STATED"}
    mates = household_mates(session, person.id)
    if guardian.person_id is not None:
        if get_visible(session, Person, guardian.person_id) is None or guardian.person_id not in mates:
            result.errors.append(
                FieldError(
                    f"{where}.personId",
                    ErrorCode.INVALID,
                    "监护人须是新生儿同户的已登记成员",
                )
            )
            return False, None
        mates = [guardian.person_id]
    paid = paid_members(session, mates, coverage_year)
    if not paid:
        result.errors.append(
            FieldError(
                where,
                ErrorCode.NOT_ENROLLED,
                f"法定监护人尚未缴纳{coverage_year}年度居民医保费，新生儿不能随其参保；可独立参保缴费，"
                "或待监护人缴费后再登记（兴义府发〔2022〕3号 三（一））",
            )
        )
        return False, None
    return True, {"from": "REGISTER", "personId": paid[0]}


def household_mates(session: Session, person_id: int) -> list[int]:
    """The other members of the person's household."""
    household = select(HouseholdMember.household_id).where(HouseholdMember.person_id == person_id)
    return list(
        session.exec(
            select(HouseholdMember.person_id)
            .where(col(HouseholdMember.household_id).in_(household), HouseholdMember.person_id != person_id)
            .order_by(HouseholdMember.person_id)
        ).all()
    )


def paid_members(session: Session, person_ids: list[int], coverage_year: int) -> list[int]:
    """Of these persons, those with a visible enrolment of the year, not terminated, whose payment
    stands (payments less reversals above zero): 当年已参加居民医保缴费."""
    if not person_ids:
        return []
    standing = func.sum(case((Payment.kind == PaymentKind.PAYMENT, 1), else_=-1))
    return list(
        session.exec(
            select(Enrolment.person_id)
            .join(Payment, Payment.enrolment_id == Enrolment.id)
            .where(
                col(Enrolment.person_id).in_(person_ids),
                Enrolment.coverage_year == coverage_year,
                Enrolment.status != EnrolmentStatus.TERMINATED,
                scope_of(session).visible(Enrolment),
            )
            .group_by(Enrolment.person_id)
            .having(standing > 0)
            .order_by(Enrolment.person_id)
        ).all()
    )


def record(session: Session, enrolment: Enrolment, checked: Checked, actor_name: str) -> None:
    """One row per stated circumstance, in the enrolment's transaction."""
    for kind, on, evidence in checked.stated:
        session.add(
            StatedCircumstance(
                enrolment_id=enrolment.id,
                coverage_year=enrolment.coverage_year,
                person_id=enrolment.person_id,
                kind=kind,
                happened_on=on,
                evidence_kind=evidence.kind.strip(),
                evidence_number=evidence.number.strip(),
                evidence_issuer=evidence.issuer.strip(),
                evidence_date=evidence.issued_on,
                actor=actor_name[:64],
            )
        )
