"""The migrations build exactly the tables the models declare, on both backends."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import SQLModel

from tests.support.factories import id_number
from yibao.core.migrate import downgrade, upgrade


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_upgrade_is_idempotent(engine):
    upgrade(engine)
    assert "payment" in inspect(engine).get_table_names()


# --- 0006: an existing ledger is numbered into the payment slots ---

_PERSON = (
    "INSERT INTO person (id, id_number, name, birth_date, gender, hukou_region_code, created_at) "
    "VALUES (:id, :number, :name, '1980-05-17', 'M', '341721', '2021-09-01')"
)
_ENROLMENT = (
    "INSERT INTO enrolment (id, person_id, coverage_year, region_code, policy_id, tier, status, snapshot, "
    "idempotency_key, created_at) VALUES (:id, :id, 2022, '341721', 'anhui/341721/2022', '1', :status, '{}', "
    ":key, '2021-09-01')"
)
_PAYMENT = (
    "INSERT INTO payment (id, enrolment_id, kind, amount_fen, paid_on, channel, receipt_region_code, "
    "coverage_year, receipt_seq, receipt_number, idempotency_key, reverses_payment_id, created_at) "
    "VALUES (:id, :enrolment, :kind, :amount, '2021-10-08', 'VILLAGE_CASH', '341721', 2022, :id, "
    ":receipt, :key, :reverses, '2021-10-08')"
)


def _ledger_before_0006(engine, *, doubled: bool) -> None:
    """Two enrolments at revision 0005: one paid, reversed and paid again (with a refund owed for
    the first payment); one paid once — or, `doubled`, twice, as the race of old could leave it."""
    downgrade(engine, "0005")
    payments = [
        (1, 1, "PAYMENT", 32000, None),
        (2, 1, "REVERSAL", -32000, 1),
        (3, 1, "PAYMENT", 32000, None),
        (4, 2, "PAYMENT", 32000, None),
    ]
    if doubled:
        payments.append((5, 2, "PAYMENT", 32000, None))
    with engine.begin() as connection:
        for n in (1, 2):
            connection.execute(text(_PERSON), {"id": n, "number": id_number(seq=n), "name": f"居民{n}"})
            connection.execute(text(_ENROLMENT), {"id": n, "status": "PAID", "key": f"e{n}"})
        for pid, enrolment, kind, amount, reverses in payments:
            values = {"id": pid, "enrolment": enrolment, "kind": kind, "amount": amount, "reverses": reverses}
            connection.execute(text(_PAYMENT), values | {"receipt": f"R{pid}", "key": f"k{pid}"})
        connection.execute(
            text(
                "INSERT INTO refund (enrolment_id, payment_id, kind, amount_fen, status, created_at) "
                "VALUES (1, 1, 'COLLECT_THEN_REFUND', 20000, 'OWED', '2021-10-08')"
            )
        )


def test_upgrading_a_ledger_numbers_each_later_payment_into_the_slot_a_reversal_freed(engine):
    _ledger_before_0006(engine, doubled=False)
    upgrade(engine)
    with engine.connect() as connection:
        slots = connection.execute(text("SELECT id, replaces_reversal_id FROM payment ORDER BY id")).all()
        refund = connection.execute(text("SELECT status, amount_fen, payment_id FROM refund")).one()
    assert slots == [(1, None), (2, None), (3, 2), (4, None)]
    assert tuple(refund) == ("OWED", 20000, 1)
    # The rebuilt ledger still refuses edits, and now a second standing payment too.
    with engine.connect() as connection:
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text("UPDATE payment SET amount_fen = 1"))
        connection.rollback()
        with pytest.raises(IntegrityError):
            connection.execute(
                text(_PAYMENT),
                {
                    "id": 9,
                    "enrolment": 2,
                    "kind": "PAYMENT",
                    "amount": 32000,
                    "reverses": None,
                    "receipt": "R9",
                    "key": "k9",
                },
            )
        connection.rollback()


def test_upgrading_a_ledger_that_collected_twice_stops_and_names_the_receipts(engine):
    _ledger_before_0006(engine, doubled=True)
    with pytest.raises(RuntimeError, match="R4, R5"):
        upgrade(engine)
    assert _revision(engine) == "0005"  # nothing of 0006 was applied
    assert "settlement" not in inspect(engine).get_table_names()


def _revision(engine) -> str:
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


# --- 0007: new tables beside rows already held; import jobs take HISTORY and LIST ---

_JOB = (
    "INSERT INTO import_job (id, kind, dedup_key, file_sha256, filename, region_code, actor, status, "
    "rows_done, imported, unchanged, refused, created_at) "
    "VALUES (:id, :kind, :key, 'x', 'f.csv', '341721', 'a', 'DONE', 1, 1, 0, 0, '2021-09-30')"
)


def test_0007_upgrades_a_database_holding_rows_and_downgrades_without_its_own(engine):
    downgrade(engine, "0006")
    with engine.begin() as connection:
        connection.execute(text(_PERSON), {"id": 1, "number": id_number(seq=1), "name": "居民1"})
        connection.execute(text(_JOB), {"id": 1, "kind": "ROSTER", "key": "k1"})
        connection.execute(
            text("INSERT INTO import_row (job_id, row_number, outcome, reason) VALUES (1, 2, 'IMPORTED', '')")
        )
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text(_JOB), {"id": 2, "kind": "HISTORY", "key": "k2"})
        connection.execute(
            text(
                "INSERT INTO enrolment_history (person_id, coverage_year, region_code, status, "
                "amount_paid_fen, import_job_id, created_at) "
                "VALUES (1, 2021, '341721', 'PAID', 32000, 2, '2021-09-30')"
            )
        )
        kept = connection.execute(text("SELECT kind FROM import_job ORDER BY id")).scalars().all()
        rows = connection.execute(text("SELECT count(*) FROM import_row")).scalar_one()
    assert kept == ["ROSTER", "HISTORY"] and rows == 1
    with engine.connect() as connection:
        with pytest.raises(IntegrityError):
            connection.execute(text(_JOB), {"id": 3, "kind": "EXPORT", "key": "k3"})
        connection.rollback()

    downgrade(engine, "0006")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT kind FROM import_job")).scalars().all() == ["ROSTER"]
    assert "enrolment_history" not in inspect(engine).get_table_names()
    upgrade(engine)
