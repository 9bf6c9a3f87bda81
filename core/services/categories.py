"""Recording a hardship identity (困难群体属性) for a person, as a department's roster asserts it."""

from collections.abc import Container
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine

from .. import audit
from ..audit import Actor
from ..departments import DEPARTMENT_CATEGORIES
from ..errors import ErrorCode, FieldError, InputError
from ..models import CategoryFact, Person
from .persons import get_person
from .unit import unit_of_work


@dataclass
class CategoryInput:
    person_id: int
    code: str
    since: date | None = None
    until: date | None = None
    grade: int | None = None


def record_category(
    engine: Engine, actor: Actor, data: CategoryInput, known: Container[str], department: str | None
) -> Person:
    """Returns the person. `department` limits the codes to its own (None: any code, for administrators)."""
    errors = []
    if data.code not in known:
        errors.append(FieldError("code", ErrorCode.INVALID, f"未知的困难类别 {data.code}"))
    elif department is not None and data.code not in DEPARTMENT_CATEGORIES.get(department, ()):
        errors.append(FieldError("code", ErrorCode.FORBIDDEN, f"{department} 无权认定 {data.code}"))
    if data.since and data.until and data.until < data.since:
        errors.append(FieldError("until", ErrorCode.INVALID, "终止日期早于认定日期"))
    if data.grade is not None and not 1 <= data.grade <= 4:
        errors.append(FieldError("grade", ErrorCode.INVALID, "残疾等级应为 1–4 级"))
    if errors:
        raise InputError(errors)
    with unit_of_work(engine, actor) as session:
        person = get_person(session, data.person_id)
        fact = CategoryFact(
            person_id=person.id,
            code=data.code,
            since=data.since,
            until=data.until,
            grade=data.grade,
            source=f"{department or actor.role}:{actor.name}"[:100],
            county_code=person.county_code,  # on its person's shard (docs/scaling.md §3)
        )
        session.add(fact)
        audit.record(session, actor, "record_category", fact)
        return person
