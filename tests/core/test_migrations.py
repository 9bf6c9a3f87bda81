"""The migrations build exactly the tables the models declare, on both backends."""

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import SQLModel

from tests.support.factories import id_number
from tests.support.partitions import not_a_partition, not_a_partitions_key, partitioned_metadata
from yibao.core.migrate import downgrade, upgrade


def test_migrated_schema_matches_the_models(engine):
    """On PostgreSQL, as the models say once each ledger key holds the year (tests/support/partitions.py)."""
    postgresql = engine.dialect.name == "postgresql"
    metadata = partitioned_metadata() if postgresql else SQLModel.metadata
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": not_a_partition,
                "include_object": not_a_partitions_key,
            },
        )
        assert compare_metadata(context, metadata) == []


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


# --- 0011: each enrolment carries its ledger's summary, kept exact by the database ---

_ENTRY = (
    "INSERT INTO payment (id, enrolment_id, kind, amount_fen, paid_on, channel, receipt_region_code, "
    "coverage_year, receipt_seq, receipt_number, idempotency_key, reverses_payment_id, replaces_reversal_id, "
    "created_at) VALUES (:id, :enrolment, :kind, :amount, :on, 'VILLAGE_CASH', '341721', 2022, :id, "
    ":receipt, :key, :reverses, :replaces, '2021-10-08')"
)


def _at_head(statement: str, head: bool) -> str:
    """The INSERT as a database at the head takes it: stating the row's county code (0018)."""
    if not head:
        return statement
    columns, values = statement.rsplit(") VALUES (", 1)
    return f"{columns}, county_code) VALUES ({values[:-1]}, '341721')"


def _enter(connection, pid, enrolment, kind, amount, on, reverses=None, replaces=None, head=False) -> None:
    values = {"id": pid, "enrolment": enrolment, "kind": kind, "amount": amount, "on": on}
    values |= {"reverses": reverses, "replaces": replaces, "receipt": f"R{pid}", "key": f"k{pid}"}
    connection.execute(text(_at_head(_ENTRY, head)), values)


def _enrol(connection, n: int, status: str = "ENROLLED", head: bool = False) -> None:
    connection.execute(
        text(_at_head(_PERSON, head)), {"id": n, "number": id_number(seq=n), "name": f"居民{n}"}
    )
    connection.execute(text(_at_head(_ENROLMENT, head)), {"id": n, "status": status, "key": f"e{n}"})


def _summaries(engine) -> list[tuple]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, first_paid_on, first_paid_fen, ledger_reversed FROM enrolment ORDER BY id")
        ).all()
    return [(n, on and str(on), fen, bool(reversed_)) for n, on, fen, reversed_ in rows]


def test_0011_fills_each_enrolments_summary_from_the_ledger_it_already_holds(engine):
    downgrade(engine, "0010")
    with engine.begin() as connection:
        for n in (1, 2, 3):
            _enrol(connection, n, "PAID" if n < 3 else "ENROLLED")
        _enter(connection, 1, 1, "PAYMENT", 32000, "2021-10-08")
        _enter(connection, 2, 1, "REVERSAL", -32000, "2021-10-09", reverses=1)
        _enter(connection, 3, 1, "PAYMENT", 30000, "2021-10-20", replaces=2)
        _enter(connection, 4, 2, "PAYMENT", 0, "2021-11-01")  # fully subsidised: 0.00 stands too
    upgrade(engine)
    assert _summaries(engine) == [
        (1, "2021-10-08", 32000, True),  # the first payment; the reversal sends reports to the ledger
        (2, "2021-11-01", 0, False),
        (3, None, None, False),
    ]


def test_0015_gives_each_enrolment_its_persons_household_and_0014_takes_it_away(engine):
    downgrade(engine, "0014")
    with engine.begin() as connection:
        for n in (1, 2, 3):
            _enrol(connection, n)
        connection.execute(
            text(
                "INSERT INTO household (id, address_region_code, created_at) "
                "VALUES (7, '341721', '2021-09-01')"
            )
        )
        for person, head in ((1, True), (2, False)):  # 居民3 is in no household
            connection.execute(
                text(
                    "INSERT INTO household_member (household_id, person_id, relation, is_head) "
                    "VALUES (7, :person, '家庭成员', :head)"
                ),
                {"person": person, "head": head},
            )
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, household_id FROM enrolment ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [(1, 7), (2, 7), (3, None)]
    downgrade(engine, "0014")
    assert "household_id" not in {c["name"] for c in inspect(engine).get_columns("enrolment")}
    # the column went in place: 0011's guard on the ledger summary still stands
    with engine.connect() as connection, pytest.raises(DBAPIError, match="ledger summary"):
        connection.execute(text("UPDATE enrolment SET first_paid_fen = 1 WHERE id = 1"))


def test_the_ledger_summary_follows_every_entry_and_refuses_any_other_write(engine):
    with engine.begin() as connection:
        for n in (1, 2):
            _enrol(connection, n, head=True)
        _enter(connection, 1, 1, "PAYMENT", 32000, "2021-10-08", head=True)
    assert _summaries(engine) == [(1, "2021-10-08", 32000, False), (2, None, None, False)]
    with engine.begin() as connection:
        _enter(connection, 2, 1, "REVERSAL", -32000, "2021-10-09", reverses=1, head=True)
        _enter(connection, 3, 1, "PAYMENT", 30000, "2021-10-20", replaces=2, head=True)
        connection.execute(text("UPDATE enrolment SET status = 'PAID' WHERE id = 1"))  # other columns: free
    assert _summaries(engine) == [(1, "2021-10-08", 32000, True), (2, None, None, False)]

    refused = [
        "UPDATE enrolment SET first_paid_on = '2021-10-20' WHERE id = 1",
        "UPDATE enrolment SET first_paid_fen = 30000 WHERE id = 1",
        "UPDATE enrolment SET ledger_reversed = false WHERE id = 1",
        "UPDATE enrolment SET first_paid_on = '2021-10-08', first_paid_fen = 0 WHERE id = 2",
        "INSERT INTO enrolment (id, person_id, coverage_year, region_code, policy_id, tier, status, "
        "snapshot, idempotency_key, first_paid_on, first_paid_fen, created_at, county_code) VALUES "
        "(3, 2, 2023, '341721', 'anhui/341721/2022', '1', 'ENROLLED', '{}', 'e3', '2021-10-08', 32000, "
        "'2021-09-01', '341721')",
    ]
    for statement in refused:  # an update at once; the insert when it commits on PostgreSQL (0022)
        with engine.connect() as connection:
            with pytest.raises(DBAPIError, match="ledger summary"):
                connection.execute(text(statement))
                connection.commit()
            connection.rollback()
    assert _summaries(engine) == [(1, "2021-10-08", 32000, True), (2, None, None, False)]


# --- 0018: each row of the distributed tables carries its county code (docs/scaling.md §3) ---


def test_0018_fills_each_rows_county_from_what_it_already_says_and_keeps_the_ledger_append_only(engine):
    downgrade(engine, "0017")
    with engine.begin() as connection:
        for n in (1, 2):
            _enrol(connection, n)
        _enter(connection, 1, 1, "PAYMENT", 32000, "2021-10-08")
        # 居民3 is in no household and lives in 贵池区: a person's county is where they live
        connection.execute(
            text(_PERSON.replace("'341721'", "'341702'")),
            {"id": 3, "number": id_number(seq=3), "name": "居民3"},
        )
        connection.execute(
            text(
                "INSERT INTO household (id, address_region_code, created_at) "
                "VALUES (7, '341721', '2021-09-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO household_member (household_id, person_id, relation, is_head) "
                "VALUES (7, 1, '户主', true)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO entitlement (enrolment_id, coverage_year, person_id, start_date, end_date, "
                "reason) "
                "VALUES (1, 2022, 1, '2022-01-01', '2022-12-31', 'test')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO audit_event (at, actor, role, region_code, action, entity, entity_id) VALUES "
                "('2021-10-08', 'clerk', 'VILLAGE_CLERK', '341721001', 'x', 'person', '1'), "
                "('2021-10-08', 'system', 'system', NULL, 'x', 'person', '1')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO receipt_sequence (region_code, coverage_year, last_value) "
                "VALUES ('341721', 2022, 1)"
            )
        )
    upgrade(engine)

    def counties(table: str) -> list:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT county_code FROM {table} ORDER BY 1")).scalars().all()

    assert counties("person") == ["341702", "341721", "341721"]
    for table in ("household", "household_member", "enrolment", "payment", "entitlement", "receipt_sequence"):
        assert set(counties(table)) == {"341721"}, table
    assert counties("audit_event") == ["000000", "341721"]
    with engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("UPDATE payment SET county_code = '341702'"))
    if engine.dialect.name == "postgresql":  # stated or refused: there is no default to route by
        with engine.connect() as connection, pytest.raises(IntegrityError, match="county_code"):
            connection.execute(
                text(
                    "INSERT INTO household (address_region_code, created_at) VALUES ('341721', '2021-09-01')"
                )
            )
    downgrade(engine, "0017")
    assert "county_code" not in {c["name"] for c in inspect(engine).get_columns("payment")}
    upgrade(engine)


# --- 0019: a person's hardship identities and departure lie on their person's shard ---


def test_0019_gives_each_fact_and_departure_its_persons_county(engine):
    downgrade(engine, "0018")
    with engine.begin() as connection:
        # 居民1 in 东至县 and 居民2 in 贵池区 (0018 gave each person its county)
        for n, county in ((1, "341721"), (2, "341702")):
            connection.execute(
                text(_at_head(_PERSON, True).replace("'341721')", f"'{county}')")),
                {"id": n, "number": id_number(seq=n), "name": f"居民{n}"},
            )
        connection.execute(
            text(
                "INSERT INTO category_fact (person_id, code, source, created_at) VALUES "
                "(1, 'MINIMUM_LIVING', 'test', '2021-09-01'), (2, 'MINIMUM_LIVING', 'test', '2021-09-01'), "
                "(2, 'SEVERE_DISABILITY', 'test', '2021-09-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO departure (person_id, reason, departed_on, created_at) "
                "VALUES (2, 'DEATH', '2021-09-01', '2021-09-01')"
            )
        )
    upgrade(engine)
    with engine.connect() as connection:
        facts = connection.execute(text("SELECT person_id, county_code FROM category_fact ORDER BY id")).all()
        departures = connection.execute(text("SELECT person_id, county_code FROM departure")).all()
    assert [tuple(row) for row in facts] == [(1, "341721"), (2, "341702"), (2, "341702")]
    assert [tuple(row) for row in departures] == [(2, "341702")]
    if engine.dialect.name == "postgresql":  # stated or refused: there is no default to route by
        with engine.connect() as connection, pytest.raises(IntegrityError, match="county_code"):
            connection.execute(
                text(
                    "INSERT INTO category_fact (person_id, code, source, created_at) "
                    "VALUES (1, 'MINIMUM_LIVING', 'x', '2021-09-01')"
                )
            )
    downgrade(engine, "0018")
    for table in ("category_fact", "departure"):
        assert "county_code" not in {c["name"] for c in inspect(engine).get_columns(table)}
    upgrade(engine)


# --- 0020: the ledger summary kept once per INSERT statement on PostgreSQL ---

# (id, enrolment, kind, amount, paid on, reverses, replaces)
_ENTRY_COLUMNS = _at_head(_ENTRY, True).split(" VALUES ")[0].removeprefix("INSERT INTO payment ")


def _insert_entries(connection, entries: list[tuple], table: str = "payment") -> None:
    """The entries in one INSERT statement, at the head (with the county code)."""
    values = ", ".join(
        f"({pid}, {enrolment}, '{kind}', {amount}, '{on}', 'VILLAGE_CASH', '341721', 2022, {pid}, 'R{pid}', "
        f"'k{pid}', {reverses or 'NULL'}, {replaces or 'NULL'}, '2021-10-08', '341721')"
        for pid, enrolment, kind, amount, on, reverses, replaces in entries
    )
    connection.execute(text(f"INSERT INTO {table} {_ENTRY_COLUMNS} VALUES {values}"))


def test_0020_the_summary_follows_an_insert_of_many_entries_through_the_table_or_its_partition(engine):
    with engine.begin() as connection:
        for n in (1, 2, 3):
            _enrol(connection, n, head=True)
        _insert_entries(
            connection,
            [  # 1 paid, reversed and paid again; 2 paid 0.00 (fully subsidised); 3 not paid
                (1, 1, "PAYMENT", 32000, "2021-10-08", None, None),
                (2, 2, "PAYMENT", 0, "2021-10-09", None, None),
                (3, 1, "REVERSAL", -32000, "2021-10-10", 1, None),
                (4, 1, "PAYMENT", 30000, "2021-10-20", None, 3),
            ],
        )
    expected = [(1, "2021-10-08", 32000, True), (2, "2021-10-09", 0, False), (3, None, None, False)]
    assert _summaries(engine) == expected
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:  # an INSERT naming the partition fires the partition's trigger
        _insert_entries(connection, [(5, 3, "PAYMENT", 38000, "2021-11-01", None, None)], "payment_y2022")
    assert _summaries(engine)[2] == (3, "2021-11-01", 38000, False)
    wrong_slot = [(6, 2, "REVERSAL", 0, "2021-11-02", 5, None)]  # reverses another enrolment's payment
    with engine.connect() as connection, pytest.raises(DBAPIError, match="payment slot"):
        _insert_entries(connection, wrong_slot)
    downgrade(engine, "0019")  # 0013's row trigger again, on the ledger as it stands
    with engine.begin() as connection:
        _insert_entries(connection, [(6, 2, "REVERSAL", 0, "2021-11-02", 2, None)])
    assert _summaries(engine)[1] == (2, "2021-10-09", 0, True)
    upgrade(engine)


# --- 0021: the audit trail's images compressed with LZ4 on PostgreSQL ---


def _audit_compressions(engine) -> list[str | None]:
    """Writes an event large enough to be compressed; the method each event's `after` went by."""
    image = {"snapshot": {"citations": ["东政办〔2021〕6号 四（三）1"] * 60}}
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_event (at, actor, action, entity, entity_id, before, after, county_code) "
                "VALUES (now(), 'system', 'settle_status', 'enrolment', '1', CAST(:image AS json), "
                "CAST(:image AS json), '341721')"
            ),
            {"image": json.dumps(image)},
        )
        statement = "SELECT pg_column_compression(after) FROM audit_event ORDER BY id"
        return list(connection.execute(text(statement)).scalars())


def test_0021_compresses_new_audit_images_with_lz4_and_reads_the_older_alike(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite stores JSON as text, uncompressed")
    downgrade(engine, "0020")
    assert _audit_compressions(engine) == ["pglz"]
    upgrade(engine)
    assert _audit_compressions(engine) == ["pglz", "lz4"]
    with engine.connect() as connection:  # both read back as written
        afters = connection.execute(text("SELECT after FROM audit_event ORDER BY id")).scalars().all()
    assert afters[0] == afters[1] and len(afters[0]["snapshot"]["citations"]) == 60


# --- 0022: an enrolment written with its ledger summary, checked at the commit (PostgreSQL) ---


_STATED = _at_head(
    _ENROLMENT.replace("created_at)", "created_at, first_paid_on, first_paid_fen, ledger_reversed)").replace(
        "'2021-09-01')", "'2021-09-01', :on, :fen, :reversed)"
    ),
    True,
)


def _enrol_stated(connection, n: int, on: str, fen: int, reversed_: bool = False) -> None:
    """Enrolment `n` (and its person) inserted with the ledger summary `on`, `fen`, `reversed_`."""
    person = {"id": n, "number": id_number(seq=n), "name": f"居民{n}"}
    connection.execute(text(_at_head(_PERSON, True)), person)
    values = {"id": n, "status": "PAID", "key": f"e{n}", "on": on, "fen": fen, "reversed": reversed_}
    connection.execute(text(_STATED), values)


def _position(connection, n: int) -> str:
    """Where the enrolment's row version lies: an UPDATE writes a new one elsewhere."""
    return str(connection.execute(text("SELECT ctid FROM enrolment WHERE id = :id"), {"id": n}).scalar())


def test_0022_an_enrolment_written_with_the_summary_its_payment_gives_it_is_checked_at_the_commit(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's triggers fill the summary from each payment row, as before")
    with engine.begin() as connection:
        _enrol_stated(connection, 1, "2021-10-08", 32000)
        written = _position(connection, 1)
        _insert_entries(connection, [(1, 1, "PAYMENT", 32000, "2021-10-08", None, None)])
        assert _position(connection, 1) == written  # the payment's statement trigger left it alone
        _enrol_stated(connection, 2, "2021-10-01", 1)  # stated wrong: the payment's entry sets it right
        _insert_entries(connection, [(2, 2, "PAYMENT", 38000, "2021-10-09", None, None)])
    assert _summaries(engine) == [(1, "2021-10-08", 32000, False), (2, "2021-10-09", 38000, False)]

    # What the ledger does not give, at the commit: refused, and nothing of the transaction stored.
    not_given = [
        [],  # a payment stated, none entered
        [(3, 3, "PAYMENT", 30000, "2021-10-10", None, None)],  # a reversal stated, none entered
    ]
    for entries in not_given:
        with engine.connect() as connection:
            _enrol_stated(connection, 3, "2021-10-10", 30000, reversed_=bool(entries))
            if entries:
                _insert_entries(connection, entries)
            with pytest.raises(DBAPIError, match="ledger summary"):
                connection.commit()
    assert [row[0] for row in _summaries(engine)] == [1, 2]

    downgrade(engine, "0021")  # 0011's check again: refused as it is inserted
    with engine.connect() as connection, pytest.raises(DBAPIError, match="ledger summary"):
        _enrol_stated(connection, 3, "2021-10-10", 30000)
    upgrade(engine)
