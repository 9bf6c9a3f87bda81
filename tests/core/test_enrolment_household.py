"""Each enrolment carries its person's household (migration 0015), kept by the database.

The column is derived: whatever a service, an import or a hand-written statement writes, it reads
back as the household the person is a member of now, on both backends.
"""

import threading
import time

import pytest
from sqlalchemy import text

from tests.support.dongzhi import COUNTY, OTHER, VILLAGE, enrolled, household, seed_regions
from tests.support.factories import id_number
from yibao.core.db import WRITE
from yibao.core.services.households import move_person


def household_on(engine, enrolment_id: int) -> int | None:
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT household_id FROM enrolment WHERE id = :id"), {"id": enrolment_id}
        ).scalar_one()


def household_of(engine, person_id: int) -> int:
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT household_id FROM household_member WHERE person_id = :p"), {"p": person_id}
        ).scalar_one()


def write(engine, statement: str, **values) -> None:
    with engine.begin() as connection:
        connection.execute(text(statement), values)


ENROLMENT = (
    "INSERT INTO enrolment (person_id, coverage_year, region_code, policy_id, tier, status, snapshot, "
    "idempotency_key, created_at, household_id, county_code) VALUES (:person, :year, :region, "
    "'anhui/341721/2022', '1', 'ENROLLED', '{}', :key, '2021-09-01', :household, '341721')"
)


def test_an_enrolment_carries_the_household_of_its_person_and_follows_a_move(engine):
    seed_regions(engine)
    _, wang, *_ = household(engine, "王")
    zhao, *_ = household(engine, "赵")
    enrolment = enrolled(engine, wang)
    assert household_on(engine, enrolment.id) == household_of(engine, wang)
    # a later year's enrolment, written by hand: the person's household all the same
    write(engine, ENROLMENT, person=wang, year=2023, region=VILLAGE, key="by-hand", household=None)
    with engine.connect() as connection:
        later = connection.execute(
            text("SELECT id FROM enrolment WHERE person_id = :p AND coverage_year = 2023"), {"p": wang}
        ).scalar_one()
    target = household_of(engine, zhao)
    move_person(engine, COUNTY, wang, target)
    assert household_on(engine, enrolment.id) == target
    assert household_on(engine, later) == target


def test_no_statement_can_make_the_column_differ_from_the_membership(engine):
    seed_regions(engine)
    wang, wang1, *_ = household(engine, "王")
    zhao, *_ = household(engine, "赵")
    enrolment = enrolled(engine, wang1)
    own, other = household_of(engine, wang1), household_of(engine, zhao)
    write(engine, "UPDATE enrolment SET household_id = :h WHERE id = :id", h=other, id=enrolment.id)
    assert household_on(engine, enrolment.id) == own
    write(engine, "UPDATE enrolment SET household_id = NULL WHERE id = :id", id=enrolment.id)
    assert household_on(engine, enrolment.id) == own
    # a change of the enrolment's person takes the new person's household
    write(engine, "UPDATE enrolment SET person_id = :p WHERE id = :id", p=zhao, id=enrolment.id)
    assert household_on(engine, enrolment.id) == other


def test_a_person_in_no_household_has_none_until_added_and_after_removal(engine):
    seed_regions(engine)
    zhao, *_ = household(engine, "赵")
    number = id_number("341721", seq=9001)
    write(
        engine,
        "INSERT INTO person (id_number, name, birth_date, gender, hukou_region_code, created_at, "
        "county_code) VALUES (:n, '孙0', '1980-05-17', 'M', :r, '2021-09-01', '341721')",
        n=number,
        r=OTHER,
    )
    with engine.connect() as connection:
        sun = connection.execute(
            text("SELECT id FROM person WHERE id_number = :n"), {"n": number}
        ).scalar_one()
    # an enrolment stating a household its person is not in
    write(
        engine,
        ENROLMENT,
        person=sun,
        year=2022,
        region=OTHER,
        key="sun",
        household=household_of(engine, zhao),
    )
    with engine.connect() as connection:
        enrolment = connection.execute(
            text("SELECT id FROM enrolment WHERE person_id = :p"), {"p": sun}
        ).scalar_one()
    assert household_on(engine, enrolment) is None
    target = household_of(engine, zhao)
    write(
        engine,
        "INSERT INTO household_member (household_id, person_id, relation, is_head, county_code) "
        "VALUES (:h, :p, '家庭成员', false, '341721')",
        h=target,
        p=sun,
    )
    assert household_on(engine, enrolment) == target
    write(engine, "DELETE FROM household_member WHERE person_id = :p", p=sun)
    assert household_on(engine, enrolment) is None


MOVE = "UPDATE household_member SET household_id = :household WHERE person_id = :person"


def _blocked_or_done(engine, other: threading.Thread) -> None:
    """Returns once `other` waits on a lock (PostgreSQL says so) or has finished. SQLite has no such
    view: there the other writer cannot pass BEGIN IMMEDIATE, so a short wait shows the same."""
    deadline = time.monotonic() + 10
    while other.is_alive() and time.monotonic() < deadline:
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                waiting = connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ).scalar_one()
            if waiting:
                return
        elif time.monotonic() > deadline - 9.5:
            return
        time.sleep(0.02)


@pytest.mark.parametrize("first", ["enrolment", "move"])
def test_a_move_and_a_new_enrolment_of_one_person_cannot_pass_each_other(engine, first):
    """Each transaction starts before the other commits; whichever order, the enrolment ends with
    the household its person moved to (0016's locks: on PostgreSQL each side read the other as last
    committed, and the enrolment kept the household its person had left)."""
    seed_regions(engine)
    _, wang, *_ = household(engine, "王")
    zhao, *_ = household(engine, "赵")
    target = household_of(engine, zhao)
    enrol = {"person": wang, "year": 2022, "region": VILLAGE, "key": "race", "household": None}
    move = {"household": target, "person": wang}
    statements = [(ENROLMENT, enrol), (MOVE, move)]
    (held, held_values), (other, other_values) = statements if first == "enrolment" else statements[::-1]

    def second() -> None:
        with engine.connect().execution_options(**{WRITE: True}) as connection, connection.begin():
            connection.execute(text(other), other_values)

    with engine.connect().execution_options(**{WRITE: True}) as connection:
        with connection.begin():
            connection.execute(text(held), held_values)
            racer = threading.Thread(target=second)
            racer.start()
            _blocked_or_done(engine, racer)
        racer.join(timeout=30)
    with engine.connect() as connection:
        enrolment = connection.execute(
            text("SELECT id FROM enrolment WHERE idempotency_key = 'race'")
        ).scalar_one()
    assert household_of(engine, wang) == target
    assert household_on(engine, enrolment) == target
