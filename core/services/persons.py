"""Registering and moving people: ID checks, cross-checks and duplicate checks."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from ..distribution import county_of_region
from ..errors import ErrorCode, FieldError, InputError
from ..idcard import InvalidIdNumber, parse_id_number
from ..models import Person, Region
from ..models.person import NO_ID_REASONS
from ..scope import get_visible, home_region, scope_of
from ..text import text_errors
from .elsewhere import ELSEWHERE_REGISTERED, note_elsewhere


@dataclass
class PersonInput:
    name: str
    hukou_region_code: str
    id_number: str | None = None
    no_id_reason: str | None = None
    birth_date: date | None = None
    gender: str | None = None
    residence_region_code: str | None = None
    phone: str | None = None


def check_person(session: Session, data: PersonInput) -> tuple[Person, list[FieldError]]:
    """Builds the row to insert and every problem with it, without writing anything."""
    errors: list[FieldError] = []
    birth_date, gender, id_number = data.birth_date, data.gender, None
    name = (data.name or "").strip()
    if not name:
        errors.append(FieldError("name", ErrorCode.REQUIRED, "请填写姓名"))
    errors += text_errors("name", data.name, 64) + text_errors("phone", data.phone, 20)

    if data.id_number:
        try:
            facts = parse_id_number(data.id_number)
        except InvalidIdNumber as exc:
            errors.append(FieldError("idNumber", ErrorCode.INVALID, f"身份证号码无效：{exc}"))
        else:
            id_number = facts.number
            if data.birth_date and data.birth_date != facts.birth_date:
                errors.append(
                    FieldError(
                        "birthDate",
                        ErrorCode.MISMATCH,
                        f"出生日期与身份证号码不符（身份证号码为 {facts.birth_date.isoformat()}）",
                    )
                )
            if data.gender and data.gender != facts.gender:
                errors.append(FieldError("gender", ErrorCode.MISMATCH, "性别与身份证号码不符"))
            birth_date, gender = facts.birth_date, facts.gender
            errors += _duplicate_errors(session, id_number, name)
        if data.no_id_reason:
            errors.append(
                FieldError(
                    "noIdReason",
                    ErrorCode.INVALID,
                    "已有身份证号码时不填无证原因",
                )
            )
    elif data.no_id_reason not in NO_ID_REASONS:
        errors.append(
            FieldError(
                "idNumber",
                ErrorCode.REQUIRED,
                "请填写身份证号码，或注明无证原因 NEWBORN/FOREIGNER/NO_HUKOU",
            )
        )
    else:
        if birth_date is None:
            errors.append(FieldError("birthDate", ErrorCode.REQUIRED, "无身份证号码时须填写出生日期"))
        if gender not in ("M", "F"):
            errors.append(FieldError("gender", ErrorCode.REQUIRED, "无身份证号码时须填写性别 M/F"))

    # A resident is registered where they live: the residence region's staff register someone
    # whose hukou lies elsewhere (东政办〔2021〕6号 三（四）; 贵医保组〔2023〕1号 二2;
    # 方政办明电〔2021〕35号 二（二）3), so the hukou region need only exist when a residence in the
    # caller's region is given.
    if data.residence_region_code:
        errors += region_errors(session, "hukouRegionCode", data.hukou_region_code, in_scope=False)
        errors += region_errors(session, "residenceRegionCode", data.residence_region_code)
    else:
        errors += region_errors(session, "hukouRegionCode", data.hukou_region_code)
    if birth_date and birth_date > date.today():
        errors.append(FieldError("birthDate", ErrorCode.INVALID, "出生日期不能晚于今天"))

    person = Person(
        id_number=id_number,
        no_id_reason=None if id_number else data.no_id_reason,
        name=name,
        birth_date=birth_date,
        gender=gender,
        hukou_region_code=data.hukou_region_code,
        residence_region_code=data.residence_region_code,
        phone=data.phone,
    )
    # Where it lives; a member's person takes its household's (core/services/households.py).
    person.county_code = county_of_region(home_region(person) or None)
    return person, errors


def _duplicate_errors(session: Session, id_number: str, name: str) -> list[FieldError]:
    existing = session.exec(select(Person).where(Person.id_number == id_number)).first()
    if existing is None:
        return []
    if get_visible(session, Person, existing.id) is None:
        # Neither the region, the other name nor the other id: only that it exists elsewhere.
        note_elsewhere(session, "register", {"idNumber": id_number, "name": name})
        return [FieldError("idNumber", ErrorCode.ELSEWHERE, ELSEWHERE_REGISTERED)]
    if existing.name == name:
        message = f"该居民已登记（居民编号 {existing.id}）"
    else:
        message = "该身份证号码已登记在另一姓名下，请核对"
    return [FieldError("idNumber", ErrorCode.DUPLICATE, message)]


def region_errors(session: Session, field: str, code: str | None, in_scope: bool = True) -> list[FieldError]:
    if not code:
        return [FieldError(field, ErrorCode.REQUIRED, "请选择行政区划")]
    if session.get(Region, code) is None:
        return [FieldError(field, ErrorCode.NOT_FOUND, f"行政区划代码 {code} 不存在")]
    if in_scope and not scope_of(session).covers(session, code):
        return [FieldError(field, ErrorCode.FORBIDDEN, f"行政区划 {code} 不在您的管辖范围")]
    return []


def get_person(session: Session, person_id: int, field: str = "personId") -> Person:
    person = get_visible(session, Person, person_id)
    if person is None:
        raise InputError.one(field, ErrorCode.NOT_FOUND, f"居民 {person_id} 不存在")
    return person


def person_id_of(session: Session, id_number: str) -> int | None:
    """The registered person with this ID number (spaces and a lower-case x forgiven), if any."""
    return session.exec(select(Person.id).where(Person.id_number == id_number.strip().upper())).first()
