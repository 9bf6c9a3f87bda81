"""ledger partitioned by coverage year on PostgreSQL; refund, entitlement, settlement and stated
circumstances carry their enrolment's year on both backends

The campaign writes one coverage year and reads mostly that year; earlier years are read for
history and never rewritten (docs/scaling.md §2). On PostgreSQL `enrolment`, `payment`, `refund`,
`entitlement` and `settlement` become `PARTITION BY LIST (coverage_year)`: one partition per year
the ledger already holds (`<table>_y<year>`) and a DEFAULT partition (`<table>_default`), so a
year nobody prepared for still inserts. `yibao db upgrade` (core/partitions.py) adds the
partitions of every year an installed policy covers.

PostgreSQL requires every primary key and unique constraint of a partitioned table to include the
partition key, so on PostgreSQL:
- each primary key is `(id, coverage_year)` (ids still come from one sequence per table, so they
  stay unique across partitions; an id alone still finds its row through the key's index);
- each unique constraint and unique index gains `coverage_year`. Each was already per enrolment,
  per payment or per refund, and those are in one year, so nothing the database allowed once is
  allowed twice now — except `uq_enrolment_region_key`, an enrolment's idempotency key, which
  becomes unique per region *and year* (the service still refuses a key reused for another year,
  core/services/enrolments.py `_first_with_key`);
- every foreign key naming a ledger row names `(id, coverage_year)`: the referring rows carry the
  year, so `refund`, `entitlement`, `settlement` and `stated_circumstance` gain a `coverage_year`
  column, filled here from their enrolment (on both backends: the models declare it).
The triggers of 0001, 0006 and 0011 are created again on the partitioned tables (PostgreSQL 13+
clones row triggers to every partition), and the functions of 0006 and 0011 now look rows up with
their year, so each touches one partition.

SQLite keeps one table per ledger, its keys and constraints as they were, and gains only the
columns. Downgrade converts back on PostgreSQL and drops the columns on both.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

YEAR = "coverage_year"
LEDGER = ["enrolment", "payment", "refund", "entitlement", "settlement"]
# Tables whose rows name an enrolment and now carry its year (not partitioned: stated_circumstance).
GAINS_YEAR = ["refund", "entitlement", "settlement", "stated_circumstance"]

FIRST_SLOT = "(kind)::text = 'PAYMENT'::text AND replaces_reversal_id IS NULL"
# Unique constraints as 0011 left them; partitioned, each gains the year.
UNIQUE = {
    "enrolment": {
        "uq_enrolment_person_year": ["person_id", YEAR],
        "uq_enrolment_region_key": ["region_code", "idempotency_key"],
    },
    "payment": {
        "uq_payment_receipt": ["receipt_region_code", YEAR, "receipt_seq"],
        "uq_payment_enrolment_key": ["enrolment_id", "idempotency_key"],
        "uq_payment_receipt_number": ["receipt_number"],
        "uq_payment_reverses_payment_id": ["reverses_payment_id"],
        "uq_payment_replaces_reversal_id": ["replaces_reversal_id"],
    },
    "refund": {"uq_refund_recovers_refund_id": ["recovers_refund_id"]},
    "entitlement": {},
    "settlement": {"uq_settlement_enrolment_as_of": ["enrolment_id", "as_of"]},
}
# Partial unique indexes (table, columns, predicate).
UNIQUE_INDEXES = {
    "uq_payment_first_slot": ("payment", ["enrolment_id"], FIRST_SLOT),
    "uq_refund_one_per_payment": ("refund", ["payment_id"], "(kind)::text = 'COLLECT_THEN_REFUND'::text"),
    "uq_refund_one_termination": ("refund", ["enrolment_id"], "(kind)::text = 'TERMINATION'::text"),
}
# Foreign keys: (table, column, referenced table, its key); those naming a ledger row carry the year.
FOREIGN_KEYS = [
    ("enrolment", "person_id", "person", "id"),
    ("enrolment", "region_code", "region", "code"),
    ("payment", "enrolment_id", "enrolment", "id"),
    ("payment", "receipt_region_code", "region", "code"),
    ("payment", "reverses_payment_id", "payment", "id"),
    ("payment", "replaces_reversal_id", "payment", "id"),
    ("refund", "enrolment_id", "enrolment", "id"),
    ("refund", "payment_id", "payment", "id"),
    ("refund", "recovers_refund_id", "refund", "id"),
    ("refund", "batch_id", "refund_batch", "id"),
    ("entitlement", "enrolment_id", "enrolment", "id"),
    ("entitlement", "person_id", "person", "id"),
    ("settlement", "enrolment_id", "enrolment", "id"),
    ("stated_circumstance", "enrolment_id", "enrolment", "id"),
]

SUMMARY_MESSAGE = (
    "enrolment ledger summary: first_paid_on, first_paid_fen and ledger_reversed follow the payment ledger"
)
SLOT_MESSAGE = (
    "payment slot: a payment must replace a reversal, and a reversal reverse a payment, of the same enrolment"
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in GAINS_YEAR:
        _add_year(table, sqlite)
    if sqlite:
        return
    _refuse_year_mismatch()
    years = (
        op.get_bind()
        .execute(sa.text("SELECT DISTINCT coverage_year FROM enrolment ORDER BY 1"))
        .scalars()
        .all()
    )
    _drop_foreign_keys()
    for table in LEDGER:
        _rebuild(table, years)
    _functions(with_year=True)
    _create_foreign_keys(with_year=True)


def _add_year(table: str, sqlite: bool) -> None:
    """The column, filled from the row's enrolment, then NOT NULL (SQLite: by rebuilding the table,
    which has no triggers to lose)."""
    op.add_column(table, sa.Column(YEAR, sa.Integer(), nullable=True))
    op.execute(
        f"UPDATE {table} SET {YEAR} = (SELECT e.coverage_year FROM enrolment e WHERE e.id = {table}.enrolment_id)"
    )
    with op.batch_alter_table(table) as batch_op:
        batch_op.alter_column(YEAR, existing_type=sa.Integer(), nullable=False)


def _refuse_year_mismatch() -> None:
    """A payment's year is its enrolment's (it numbers the receipt): the composite key will hold it."""
    receipts = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT p.receipt_number FROM payment p JOIN enrolment e ON e.id = p.enrolment_id "
                "WHERE p.coverage_year <> e.coverage_year ORDER BY p.id LIMIT 20"
            )
        )
        .scalars()
        .all()
    )
    if receipts:
        raise RuntimeError(f"这些缴费的年度与其参保登记的年度不同，无法按年度分区：{', '.join(receipts)}")


def _fk_name(table: str, column: str, referred: str) -> str:
    return f"fk_{table}_{column}_{referred}"


def _drop_foreign_keys() -> None:
    for table, column, referred, _ in FOREIGN_KEYS:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {_fk_name(table, column, referred)}")


def _create_foreign_keys(with_year: bool) -> None:
    for table, column, referred, key in FOREIGN_KEYS:
        columns, keys = [column], [key]
        if with_year and referred in LEDGER:
            columns, keys = [column, YEAR], [key, YEAR]
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {_fk_name(table, column, referred)} "
            f"FOREIGN KEY ({', '.join(columns)}) REFERENCES {referred} ({', '.join(keys)})"
        )


def _rebuild(table: str, years: list[int] | None) -> None:
    """`table` made again with its rows: partitioned by year when `years` is a list (one partition
    each, and a DEFAULT one), a single table when it is None.

    Check constraints, NOT NULL and defaults (the id's sequence) come with LIKE; the non-unique
    indexes and the triggers are made again from their definitions; keys and unique constraints
    from UNIQUE and UNIQUE_INDEXES, with the year when partitioned.
    """
    bind = op.get_bind()
    indexes = (
        bind.execute(
            sa.text(
                "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = CAST(:t AS regclass) AND NOT i.indisunique ORDER BY 1"
            ),
            {"t": table},
        )
        .scalars()
        .all()
    )
    triggers = (
        bind.execute(
            sa.text(
                "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE tgrelid = CAST(:t AS regclass) AND NOT tgisinternal AND tgparentid = 0 ORDER BY tgname"
            ),
            {"t": table},
        )
        .scalars()
        .all()
    )
    old = f"{table}_before_0013"
    op.execute(f"ALTER SEQUENCE {table}_id_seq OWNED BY NONE")  # kept when the old table goes
    op.execute(f"ALTER TABLE {table} RENAME TO {old}")
    partitioned = years is not None
    op.execute(
        f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)"
        + (f" PARTITION BY LIST ({YEAR})" if partitioned else "")
    )
    if partitioned:
        for year in years:
            op.execute(f"CREATE TABLE {table}_y{year} PARTITION OF {table} FOR VALUES IN ({year})")
        op.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
    # Column order is LIKE's, so the rows copy as they are; no trigger exists yet to fire.
    op.execute(f"INSERT INTO {table} SELECT * FROM {old}")
    op.execute(f"DROP TABLE {old}")
    op.execute(f"ALTER SEQUENCE {table}_id_seq OWNED BY {table}.id")
    year = [YEAR] if partitioned else []
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({', '.join(['id', *year])})")
    for name, columns in UNIQUE[table].items():
        columns = columns + [c for c in year if c not in columns]
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE ({', '.join(columns)})")
    for name, (owner, columns, where) in UNIQUE_INDEXES.items():
        if owner == table:
            op.execute(f"CREATE UNIQUE INDEX {name} ON {table} ({', '.join(columns + year)}) WHERE {where}")
    # A partitioned table's index is defined `ON ONLY` the parent; the table made here takes it whole.
    for statement in [*indexes, *triggers]:
        op.execute(statement.replace(" ON ONLY ", " ON "))
    if partitioned:
        for partition in [*(f"{table}_y{year}" for year in years), f"{table}_default"]:
            _name_indexes(partition)


# Each partition's index, and the constraint it backs, named after its table's: `<name>_y<year>` or
# `<name>_default`, so that a violation reported by a partition still names the constraint the
# application knows (core/db_errors.py). core/partitions.py names a later year's the same way.
PARTITION_INDEXES = (
    "SELECT c.relname, p.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
    "JOIN pg_inherits i ON i.inhrelid = x.indexrelid JOIN pg_class p ON p.oid = i.inhparent "
    "WHERE x.indrelid = CAST(:t AS regclass)"
)


def _name_indexes(partition: str) -> None:
    suffix = partition[partition.rindex("_") :]
    for name, parent in op.get_bind().execute(sa.text(PARTITION_INDEXES), {"t": partition}).all():
        op.execute(f'ALTER INDEX "{name}" RENAME TO "{parent}{suffix}"')


def _functions(with_year: bool) -> None:
    """0006's slot check and 0011's summary, looking rows up by id and, partitioned, by year."""
    same = " AND {row}.coverage_year = NEW.coverage_year" if with_year else ""
    in_year = same.format(row="p")
    op.execute(
        "CREATE OR REPLACE FUNCTION payment_slot() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF (NEW.replaces_reversal_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM payment r "
        f"  WHERE r.id = NEW.replaces_reversal_id{same.format(row='r')} AND r.kind = 'REVERSAL' "
        "  AND r.enrolment_id = NEW.enrolment_id))"
        " OR (NEW.reverses_payment_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM payment p "
        f"  WHERE p.id = NEW.reverses_payment_id{in_year} AND p.kind = 'PAYMENT' "
        "  AND p.enrolment_id = NEW.enrolment_id)) "
        f"THEN RAISE EXCEPTION '{SLOT_MESSAGE}' USING ERRCODE = 'check_violation'; END IF; "
        "RETURN NEW; END $$"
    )
    enrolment = " AND coverage_year = NEW.coverage_year" if with_year else ""
    op.execute(
        "CREATE OR REPLACE FUNCTION payment_summary() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.kind = 'PAYMENT' AND NEW.replaces_reversal_id IS NULL THEN "
        "  UPDATE enrolment SET first_paid_on = NEW.paid_on, first_paid_fen = NEW.amount_fen "
        f"  WHERE id = NEW.enrolment_id{enrolment}; "
        "ELSIF NEW.kind = 'REVERSAL' THEN "
        "  UPDATE enrolment SET ledger_reversed = true "
        f"  WHERE id = NEW.enrolment_id{enrolment} AND NOT ledger_reversed; "
        "END IF; RETURN NULL; END $$"
    )
    first = f"p.enrolment_id = NEW.id{in_year} AND p.kind = 'PAYMENT' AND p.replaces_reversal_id IS NULL"
    reversal = f"p.enrolment_id = NEW.id{in_year} AND p.kind = 'REVERSAL'"
    differs = " OR ".join(
        [
            f"NEW.first_paid_on IS DISTINCT FROM (SELECT p.paid_on FROM payment p WHERE {first})",
            f"NEW.first_paid_fen IS DISTINCT FROM (SELECT p.amount_fen FROM payment p WHERE {first})",
            f"NEW.ledger_reversed IS DISTINCT FROM EXISTS (SELECT 1 FROM payment p WHERE {reversal})",
        ]
    )
    op.execute(
        "CREATE OR REPLACE FUNCTION enrolment_summary() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'INSERT' AND (NEW.first_paid_on IS NOT NULL OR NEW.first_paid_fen IS NOT NULL "
        "  OR NEW.ledger_reversed) "
        f"OR TG_OP = 'UPDATE' AND ({differs}) THEN "
        f"  RAISE EXCEPTION '{SUMMARY_MESSAGE}' USING ERRCODE = 'check_violation'; "
        "END IF; RETURN NEW; END $$"
    )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        _drop_foreign_keys()
        for table in LEDGER:
            _rebuild(table, None)
        _functions(with_year=False)
        _create_foreign_keys(with_year=False)
    for table in GAINS_YEAR:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column(YEAR)
