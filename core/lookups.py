"""Batch lookups: many keys, one statement, answers in the keys' order (None or [] where absent).

The API's data loaders (nested fields, federation entities) call these, so a page of rows costs
one query per field, not one per row. Every lookup but `birth_dates` goes through the caller's
scope: a row outside it is absent, exactly like a missing one.
"""

from collections import defaultdict
from collections.abc import Hashable, Sequence

from sqlmodel import Session, SQLModel, col, select

from .models import Enrolment, Payment, Person
from .scope import Scope

EnrolmentKey = tuple[str, int]  # (ID number, coverage year): unique, one enrolment a person a year


def one_by(
    session: Session,
    scope: Scope,
    model: type[SQLModel],
    column,
    keys: Sequence[Hashable],
    options: Sequence = (),
) -> list:
    """The row whose `column` equals each key (`options`: the ORM's loader options, e.g. a deferral)."""
    statement = select(model).where(col(column).in_(keys), scope.visible(model)).options(*options)
    rows = session.exec(statement).all()
    by_key = {getattr(row, column.key): row for row in rows}
    return [by_key.get(key) for key in keys]


def many_by(
    session: Session,
    scope: Scope,
    model: type[SQLModel],
    column,
    order,
    keys: Sequence[Hashable],
    options: Sequence = (),
    where: Sequence = (),
) -> list[list]:
    """The rows whose `column` equals each key, in `order` (`options` as for `one_by`; `where`, more
    conditions, such as the coverage year that names a ledger partition)."""
    statement = select(model).where(col(column).in_(keys), *where, scope.visible(model)).options(*options)
    by_key: dict[Hashable, list] = defaultdict(list)
    for row in session.exec(statement.order_by(order)):
        by_key[getattr(row, column.key)].append(row)
    return [by_key.get(key, []) for key in keys]


def birth_dates(session: Session, person_ids: Sequence[int]) -> list:
    """Unscoped, and never answered to a caller: a person's birth date is what masking withholds
    from the dates and texts shown about them (api/graphql/masking.py)."""
    statement = select(Person.id, Person.birth_date).where(col(Person.id).in_(person_ids))
    found = dict(session.exec(statement).all())
    return [found.get(person_id) for person_id in person_ids]


def persons_by_id_number(session: Session, scope: Scope, numbers: Sequence[str]) -> list[Person | None]:
    return one_by(session, scope, Person, Person.id_number, numbers)


def enrolments_by_key(session: Session, scope: Scope, keys: Sequence[EnrolmentKey]) -> list[Enrolment | None]:
    """By (ID number, coverage year): the key a tax system holds."""
    # A superset by each part of the key, matched exactly below: portable to SQLite and
    # PostgreSQL alike, and still one statement for the whole batch.
    numbers, years = (sorted({key[i] for key in keys}) for i in range(2))
    statement = (
        select(Enrolment, Person.id_number)
        .join(Person, col(Person.id) == Enrolment.person_id)
        .where(
            col(Person.id_number).in_(numbers),
            col(Enrolment.coverage_year).in_(years),
            scope.visible(Enrolment),
        )
    )
    found = {(number, row.coverage_year): row for row, number in session.exec(statement)}
    return [found.get(key) for key in keys]


def enrolments_by_person_year(
    session: Session, scope: Scope, keys: Sequence[tuple[int, int]]
) -> list[Enrolment | None]:
    """By (person row id, coverage year): a person named by its federation key (api/graphql)."""
    persons, years = (sorted({key[i] for key in keys}) for i in range(2))
    statement = select(Enrolment).where(
        col(Enrolment.person_id).in_(persons),
        col(Enrolment.coverage_year).in_(years),
        scope.visible(Enrolment),
    )
    found = {(row.person_id, row.coverage_year): row for row in session.exec(statement)}
    return [found.get(key) for key in keys]


def payments_by_receipt(session: Session, scope: Scope, receipts: Sequence[str]) -> list[Payment | None]:
    return one_by(session, scope, Payment, Payment.receipt_number, receipts)
