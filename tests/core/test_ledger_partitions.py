"""Migration 0013 on a filled ledger: rows, keys and triggers survive; PostgreSQL partitions by year.

A database at 0011 holding enrolments of 2022 and 2023 with payments (one reversed and paid again),
a refund, an entitlement, a settlement and a stated circumstance is upgraded: every row is where
it was, the rows naming an enrolment carry its year, and every money invariant still refuses what
it refused. On PostgreSQL each year held has its partition, and a year's partitions are added
later by `add_year_partitions` (what `yibao db upgrade` runs).
"""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from tests.support.factories import id_number
from yibao.core.db_errors import field_error
from yibao.core.migrate import downgrade, upgrade
from yibao.core.partitions import add_year_partitions, partitions

_PERSON = (
    "INSERT INTO person (id, id_number, name, birth_date, gender, hukou_region_code, created_at) "
    "VALUES (:id, :number, :name, '1980-05-17', 'M', '341721', '2021-09-01')"
)
_ENROLMENT = (
    "INSERT INTO enrolment (id, person_id, coverage_year, region_code, policy_id, tier, status, snapshot, "
    "idempotency_key, created_at) VALUES (:id, :person, :year, '341721', 'anhui/341721/2022', '1', 'PAID', "
    "'{}', :key, '2021-09-01')"
)
_PAYMENT = (
    "INSERT INTO payment (id, enrolment_id, kind, amount_fen, paid_on, channel, receipt_region_code, "
    "coverage_year, receipt_seq, receipt_number, idempotency_key, reverses_payment_id, replaces_reversal_id, "
    "created_at) VALUES (:id, :enrolment, :kind, :amount, '2021-10-08', 'VILLAGE_CASH', '341721', :year, "
    ":id, :receipt, :key, :reverses, :replaces, '2021-10-08')"
)


def _at_head(statement: str) -> str:
    """The INSERT as a database at the head takes it: stating the row's county code (0018)."""
    columns, values = statement.rsplit(") VALUES (", 1)
    return f"{columns}, county_code) VALUES ({values[:-1]}, '341721')"


_PAYMENT_AT_HEAD = _at_head(_PAYMENT)
# (id, enrolment, year, kind, amount, reverses, replaces)
_LEDGER = [
    (1, 1, 2022, "PAYMENT", 32000, None, None),
    (2, 1, 2022, "REVERSAL", -32000, 1, None),
    (3, 1, 2022, "PAYMENT", 30000, None, 2),
    (4, 2, 2023, "PAYMENT", 38000, None, None),
]


def _payment(connection, pid, enrolment, year, kind, amount, reverses=None, replaces=None) -> None:
    values = {"id": pid, "enrolment": enrolment, "year": year, "kind": kind, "amount": amount}
    values |= {"reverses": reverses, "replaces": replaces, "receipt": f"R{pid}", "key": f"k{pid}"}
    connection.execute(text(_PAYMENT), values)


def _filled_at_0011(engine) -> None:
    downgrade(engine, "0011")
    with engine.begin() as connection:
        for n, year in ((1, 2022), (2, 2023)):
            connection.execute(text(_PERSON), {"id": n, "number": id_number(seq=n), "name": f"居民{n}"})
            connection.execute(text(_ENROLMENT), {"id": n, "person": n, "year": year, "key": f"e{n}"})
        for entry in _LEDGER:
            _payment(connection, *entry)
        connection.execute(
            text(
                "INSERT INTO refund (enrolment_id, payment_id, kind, amount_fen, status, created_at) "
                "VALUES (1, 3, 'COLLECT_THEN_REFUND', 20000, 'OWED', '2021-10-20')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO entitlement (enrolment_id, person_id, start_date, end_date, reason) "
                "VALUES (2, 2, '2023-01-01', '2023-12-31', 'paid')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO settlement (enrolment_id, as_of, paid_fen, due_before_fen, due_after_fen, "
                "difference_fen, status, citation, created_at) "
                "VALUES (1, '2021-12-31', 30000, 30000, 32000, 2000, 'UNSETTLED', 'c', '2022-01-05')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO stated_circumstance (enrolment_id, person_id, kind, evidence_kind, "
                "evidence_number, evidence_issuer, evidence_date, actor, created_at) "
                "VALUES (2, 2, 'NEWBORN', 'BIRTH', 'N1', 'hospital', '2022-03-01', 'a', '2022-03-01')"
            )
        )


def _refused(engine, statement: str, values: dict | None = None) -> Exception:
    with engine.connect() as connection:
        with pytest.raises((IntegrityError, DBAPIError)) as caught:
            connection.execute(text(statement), values or {})
        connection.rollback()
    return caught.value


def test_a_filled_ledger_upgrades_with_its_rows_keys_and_triggers(engine):
    _filled_at_0011(engine)
    upgrade(engine)
    with engine.connect() as connection:
        ledger = connection.execute(
            text(
                "SELECT id, enrolment_id, coverage_year, kind, amount_fen, reverses_payment_id, "
                "replaces_reversal_id FROM payment ORDER BY id"
            )
        ).all()
        years = {
            table: connection.execute(text(f"SELECT enrolment_id, coverage_year FROM {table}")).all()
            for table in ("refund", "entitlement", "settlement", "stated_circumstance")
        }
        summary = connection.execute(
            text("SELECT id, first_paid_fen, ledger_reversed FROM enrolment ORDER BY id")
        ).all()
    assert [tuple(row) for row in ledger] == _LEDGER and [tuple(r) for r in summary] == [
        (1, 32000, True),
        (2, 38000, False),
    ]
    assert {table: [tuple(r) for r in rows] for table, rows in years.items()} == {
        "refund": [(1, 2022)],
        "entitlement": [(2, 2023)],
        "settlement": [(1, 2022)],
        "stated_circumstance": [(2, 2023)],
    }

    # The money invariants refuse what they refused at 0011.
    second = {"id": 9, "enrolment": 2, "year": 2023, "kind": "PAYMENT", "amount": 38000}
    values = second | {"reverses": None, "replaces": None, "receipt": "R9", "key": "k9"}
    assert (
        field_error(_refused(engine, _PAYMENT_AT_HEAD, values)).field == "enrolmentId"
    )  # uq_payment_first_slot
    assert "append-only" in str(_refused(engine, "UPDATE payment SET amount_fen = 1 WHERE id = 4"))
    assert "ledger summary" in str(_refused(engine, "UPDATE enrolment SET first_paid_fen = 1 WHERE id = 2"))
    slot = values | {"kind": "PAYMENT", "replaces": 2}  # a reversal of another enrolment frees no slot here
    assert isinstance(_refused(engine, _PAYMENT_AT_HEAD, slot), DBAPIError)
    # A reversal reverses a payment once.
    again = values | {"id": 10, "enrolment": 1, "year": 2022, "kind": "REVERSAL", "amount": -32000}
    assert field_error(
        _refused(engine, _PAYMENT_AT_HEAD, again | {"reverses": 1, "receipt": "R10", "key": "k10"})
    )

    # New rows still take their ids from the sequences the old tables used.
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            owned = [
                connection.execute(text(f"SELECT pg_get_serial_sequence('{t}', 'id')")).scalar_one()
                for t in ("enrolment", "payment", "refund", "entitlement", "settlement")
            ]
        assert owned == [
            f"public.{t}_id_seq" for t in ("enrolment", "payment", "refund", "entitlement", "settlement")
        ]


def test_a_filled_ledger_downgrades_to_0011_and_upgrades_again_with_its_rows(engine):
    _filled_at_0011(engine)
    upgrade(engine)
    downgrade(engine, "0011")
    query = (
        "SELECT id, enrolment_id, coverage_year, kind, amount_fen, reverses_payment_id, replaces_reversal_id"
    )
    with engine.connect() as connection:
        assert [tuple(r) for r in connection.execute(text(f"{query} FROM payment ORDER BY id"))] == _LEDGER
        assert "coverage_year" not in list(connection.execute(text("SELECT * FROM refund")).keys())
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            assert partitions(connection, "enrolment") == []
    upgrade(engine)
    with engine.connect() as connection:
        assert [tuple(r) for r in connection.execute(text(f"{query} FROM payment ORDER BY id"))] == _LEDGER
        assert connection.execute(text("SELECT coverage_year FROM refund")).scalars().all() == [2022]


def test_postgresql_holds_each_year_in_its_own_partition(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps one table per ledger")
    _filled_at_0011(engine)
    upgrade(engine)
    with engine.connect() as connection:
        assert {"enrolment_y2022", "enrolment_y2023", "enrolment_default"} <= set(
            partitions(connection, "enrolment")
        )
        held = {
            year: connection.execute(text(f"SELECT id FROM payment_y{year} ORDER BY id")).scalars().all()
            for year in (2022, 2023)
        }
        assert held == {2022: [1, 2, 3], 2023: [4]}
        assert connection.execute(text("SELECT count(*) FROM refund_y2022")).scalar_one() == 1
    # A refund naming a payment under another year is refused: the foreign key holds the year.
    refund = (
        "INSERT INTO refund (enrolment_id, coverage_year, payment_id, kind, amount_fen, status, created_at) "
        "VALUES (2, 2023, 3, 'COLLECT_THEN_REFUND', 1, 'OWED', '2022-01-01')"
    )
    assert "fk_refund_payment_id_payment" in str(_refused(engine, refund))


def test_a_new_years_partitions_are_added_and_a_year_already_in_the_default_is_left_there(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps one table per ledger")
    with engine.begin() as connection:
        connection.execute(text(_at_head(_PERSON)), {"id": 1, "number": id_number(seq=1), "name": "居民1"})
        connection.execute(
            text(_at_head(_ENROLMENT)), {"id": 1, "person": 1, "year": 2030, "key": "e1"}
        )  # no policy yet
        skipped = add_year_partitions(connection, [2030, 2031])
        assert "enrolment" in skipped[2030] and list(skipped) == [2030]
        names = partitions(connection, "payment")
        indexes = (
            connection.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'payment_y2031'"))
            .scalars()
            .all()
        )
        in_default = connection.execute(text("SELECT count(*) FROM enrolment_default")).scalar_one()
    assert "payment_y2031" in names and "payment_y2030" not in names and in_default == 1
    assert {"pk_payment_y2031", "uq_payment_first_slot_y2031"} <= set(indexes)
    # The new year's violations name the constraint the application knows.
    with engine.begin() as connection:
        connection.execute(text(_at_head(_PERSON)), {"id": 2, "number": id_number(seq=2), "name": "居民2"})
        connection.execute(text(_at_head(_ENROLMENT)), {"id": 2, "person": 2, "year": 2031, "key": "e2"})
    duplicate = {"id": 3, "person": 2, "year": 2031, "key": "e3"}
    assert field_error(_refused(engine, _at_head(_ENROLMENT), duplicate)).field == "coverageYear"
    # A payment written into the new partition by name still keeps its enrolment's summary
    # (migration 0020's statement trigger, which PostgreSQL does not clone to a new partition).
    with engine.begin() as connection:
        entry = {"id": 1, "enrolment": 2, "year": 2031, "kind": "PAYMENT", "amount": 38000}
        entry |= {"reverses": None, "replaces": None, "receipt": "R1", "key": "k1"}
        connection.execute(text(_PAYMENT_AT_HEAD.replace("INTO payment ", "INTO payment_y2031 ")), entry)
        summary = connection.execute(text("SELECT first_paid_fen FROM enrolment WHERE id = 2")).scalar_one()
    assert summary == 38000
