"""An import batch's bulk writes (COPY on PostgreSQL, driver executemany on SQLite) store what the
ORM would, and `among` selects what `IN` does."""

from datetime import UTC, date, datetime, timedelta, timezone

from sqlmodel import Session, select

from tests.support.factories import id_number
from yibao.core.db import transaction
from yibao.core.imports.bulk import among, custom_plans, insert_rows
from yibao.core.models import CategoryFact, Person

COLUMNS = ("person_id", "code", "since", "until", "grade", "source", "created_at")


def persons(engine, count: int) -> list[int]:
    with transaction(engine) as session:
        added = [
            Person(
                id_number=id_number("341721", date(1980, 1, 1), i),
                name=f"测试{i}",
                birth_date=date(1980, 1, 1),
                gender="M",  # id_number gives men by default
                hukou_region_code="341721",
            )
            for i in range(1, count + 1)
        ]
        session.add_all(added)
        session.flush()
        return [p.id for p in added]


def stored(engine) -> dict[str, tuple]:
    with Session(engine) as session:
        facts = session.exec(select(CategoryFact)).all()
    return {f.source: (f.person_id, f.code, f.since, f.until, f.grade, f.created_at) for f in facts}


def test_bulk_rows_read_back_as_the_orm_stores_them(engine):
    first, second = persons(engine, 2)
    # An aware time off UTC, a blank column, a text with a tab and a newline (COPY escapes them).
    at = datetime(2021, 9, 30, 20, 15, 1, 123456, tzinfo=timezone(timedelta(hours=8)))
    values = {
        "orm": (first, "MINIMUM_LIVING", date(2021, 1, 31), None, None, "orm", at),
        "bulk": (second, "SEVERE_DISABILITY", date(2020, 2, 29), date(2021, 12, 31), 2, "bulk\t民政\n", at),
    }
    with transaction(engine) as session:
        session.add(CategoryFact(**dict(zip(COLUMNS, values["orm"], strict=True))))
    with transaction(engine) as session:
        insert_rows(session, CategoryFact.__table__, COLUMNS, [values["bulk"]])

    rows = stored(engine)
    assert rows["orm"] == (first, "MINIMUM_LIVING", date(2021, 1, 31), None, None, at.astimezone(UTC))
    assert rows["bulk\t民政\n"] == (
        second,
        "SEVERE_DISABILITY",
        date(2020, 2, 29),
        date(2021, 12, 31),
        2,
        at.astimezone(UTC),
    )


def test_bulk_rows_roll_back_with_their_transaction(engine):
    (person,) = persons(engine, 1)
    try:
        with transaction(engine) as session:
            insert_rows(
                session,
                CategoryFact.__table__,
                COLUMNS,
                [(person, "MINIMUM_LIVING", None, None, None, "gone", datetime.now(UTC))],
            )
            raise RuntimeError("the batch fails after writing")
    except RuntimeError:
        pass
    assert stored(engine) == {}


def test_among_selects_the_given_values_only(engine):
    ids = persons(engine, 5)
    numbers = [id_number("341721", date(1980, 1, 1), i) for i in (2, 4)] + ["341721198001019999"]
    with transaction(engine) as session:
        custom_plans(session)
        found = session.exec(select(Person.id).where(among(session, Person.id_number, numbers))).all()
        none = session.exec(select(Person.id).where(among(session, Person.id, []))).all()
    assert sorted(found) == [ids[1], ids[3]]
    assert none == []
