"""A person leaving resident insurance: death, moving away, joining employee insurance.

东政办〔2021〕6号 五（三） has villages note the changes (变动情况) on the collection roster, and
四 bases the count on each village's change table (变动表); a recorded departure takes the person
off the next collection roster and lists them as removed, with the reason.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from .. import audit
from ..audit import Actor
from ..errors import ErrorCode, FieldError, InputError
from ..models import Departure, Person
from ..models.departure import REASONS
from ..text import text_errors
from .persons import get_person
from .unit import unit_of_work

REASON_NAMES = {"DEATH": "死亡", "MOVED_OUT": "迁出", "EMPLOYEE_INSURANCE": "参加职工医保"}


@dataclass
class DepartureInput:
    person_id: int
    reason: str
    departed_on: date
    note: str | None = None


def record_departure(engine: Engine, actor: Actor, data: DepartureInput, today: date | None = None) -> Person:
    """Records the one departure a person can have; a second is refused as DUPLICATE."""
    today = today or date.today()
    try:
        with unit_of_work(engine, actor) as session:
            person = get_person(session, data.person_id)
            errors = _errors(data, person, today)
            if session.exec(select(Departure.id).where(Departure.person_id == person.id)).first():
                errors.append(FieldError("personId", ErrorCode.DUPLICATE, "该居民已登记减少"))
            if errors:
                raise InputError(errors)
            departure = Departure(
                person_id=person.id,
                reason=data.reason,
                departed_on=data.departed_on,
                note=data.note,
                county_code=person.county_code,  # on its person's shard (docs/scaling.md §3)
            )
            session.add(departure)
            audit.record(session, actor, "record_departure", departure)
            return person
    except IntegrityError as exc:  # a simultaneous copy of this request won the unique person_id
        if "departure" not in str(exc.orig):
            raise
        raise InputError.one("personId", ErrorCode.DUPLICATE, "该居民已登记减少") from None


def _errors(data: DepartureInput, person: Person, today: date) -> list[FieldError]:
    errors = text_errors("note", data.note, 200)
    if data.reason not in REASONS:
        choices = "、".join(f"{code} {name}" for code, name in REASON_NAMES.items())
        errors.append(
            FieldError("reason", ErrorCode.INVALID, f"减少原因 {data.reason} 无效（可选：{choices}）")
        )
    if data.departed_on > today:
        errors.append(FieldError("departedOn", ErrorCode.INVALID, "减少日期不能晚于今天"))
    elif data.departed_on < person.birth_date:
        errors.append(FieldError("departedOn", ErrorCode.INVALID, "减少日期早于出生日期"))
    return errors
