"""enrolment ledger summary: each enrolment carries its first payment and whether one was reversed

Every report counting 参保 needs each enrolment's standing payment as of a date, and grouped the
payment ledger per enrolment to get it (three times in the dashboard's first view). An enrolment
holds at most one payment until one is reversed (the first slot, 0006), so without a reversal
its ledger is that one payment: `first_paid_on` and `first_paid_fen` say everything a report asks
of it, and only enrolments with `ledger_reversed` need their ledger read (bench/README.md, the
dashboard section).

The database keeps the columns exact, not the application:
- an AFTER INSERT trigger on `payment` writes them in the inserting transaction (a first-slot
  payment sets the date and amount, a reversal sets `ledger_reversed`); the ledger is
  append-only, so nothing else can change what they summarise;
- a trigger on `enrolment` refuses an INSERT that sets them and any UPDATE that would make them
  differ from the ledger, so no code path can make them drift.
An existing ledger fills them here, before the guard exists. On SQLite, a later migration that
rebuilds `enrolment` or `payment` (batch mode) must create these triggers again.

On PostgreSQL the report indexes INCLUDE the new columns, so reports count from the indexes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

FIRST = "p.enrolment_id = {e}.id AND p.kind = 'PAYMENT' AND p.replaces_reversal_id IS NULL"
REVERSAL = "p.enrolment_id = {e}.id AND p.kind = 'REVERSAL'"
# What the ledger says each column must hold, for the enrolment row `e`.
DERIVED = {
    "first_paid_on": f"(SELECT p.paid_on FROM payment p WHERE {FIRST})",
    "first_paid_fen": f"(SELECT p.amount_fen FROM payment p WHERE {FIRST})",
    "ledger_reversed": f"EXISTS (SELECT 1 FROM payment p WHERE {REVERSAL})",
}
MESSAGE = "enrolment ledger summary: first_paid_on, first_paid_fen and ledger_reversed follow the payment ledger"

OLD_REPORT = ["id", "person_id", "status", "enrolled_on", "terminated_on", "amount_due_fen"]
OLD_ID_ORDER = ["person_id", "region_code", "status", "enrolled_on", "terminated_on", "amount_due_fen"]
LEDGER = ["first_paid_on", "first_paid_fen", "ledger_reversed"]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # Plain ADD COLUMN on both backends: SQLite's batch mode would rebuild the table.
    op.add_column("enrolment", sa.Column("first_paid_on", sa.Date(), nullable=True))
    op.add_column("enrolment", sa.Column("first_paid_fen", sa.Integer(), nullable=True))
    op.add_column(
        "enrolment", sa.Column("ledger_reversed", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    _fill(sqlite)
    if sqlite:
        _sqlite_triggers()
    else:
        _postgresql_triggers()
    op.create_index(
        "ix_enrolment_reversed",
        "enrolment",
        ["coverage_year", "region_code"],
        sqlite_where=sa.text("ledger_reversed"),
        postgresql_where=sa.text("ledger_reversed"),
    )
    _report_indexes(OLD_REPORT + LEDGER, OLD_ID_ORDER + LEDGER)


def _fill(sqlite: bool) -> None:
    """Each enrolment with ledger rows gets what its ledger says."""
    if sqlite:
        assignments = ", ".join(f"{column} = {sql.format(e='enrolment')}" for column, sql in DERIVED.items())
        op.execute(
            f"UPDATE enrolment SET {assignments} "
            "WHERE EXISTS (SELECT 1 FROM payment p WHERE p.enrolment_id = enrolment.id)"
        )
        return
    # One pass over the ledger grouped per enrolment (a correlated lookup per row is slow on millions).
    op.execute(
        "UPDATE enrolment e SET first_paid_on = l.first_on, first_paid_fen = l.first_fen, "
        "ledger_reversed = l.reversed FROM ("
        " SELECT enrolment_id,"
        "  max(paid_on) FILTER (WHERE kind = 'PAYMENT' AND replaces_reversal_id IS NULL) AS first_on,"
        "  max(amount_fen) FILTER (WHERE kind = 'PAYMENT' AND replaces_reversal_id IS NULL) AS first_fen,"
        "  bool_or(kind = 'REVERSAL') AS reversed"
        " FROM payment GROUP BY enrolment_id) l "
        "WHERE l.enrolment_id = e.id"
    )


def _differs(row: str) -> str:
    """SQL: `row`'s summary is not what the ledger says (NULL-safe on both backends)."""
    return " OR ".join(f"{row}.{column} IS NOT {sql.format(e=row)}" for column, sql in DERIVED.items())


def _sqlite_triggers() -> None:
    op.execute(
        "CREATE TRIGGER payment_summary_first AFTER INSERT ON payment "
        "WHEN NEW.kind = 'PAYMENT' AND NEW.replaces_reversal_id IS NULL BEGIN "
        "UPDATE enrolment SET first_paid_on = NEW.paid_on, first_paid_fen = NEW.amount_fen "
        "WHERE id = NEW.enrolment_id; END"
    )
    op.execute(
        "CREATE TRIGGER payment_summary_reversal AFTER INSERT ON payment "
        "WHEN NEW.kind = 'REVERSAL' BEGIN "
        "UPDATE enrolment SET ledger_reversed = 1 WHERE id = NEW.enrolment_id AND NOT ledger_reversed; END"
    )
    op.execute(
        "CREATE TRIGGER enrolment_summary_insert BEFORE INSERT ON enrolment "
        "WHEN NEW.first_paid_on IS NOT NULL OR NEW.first_paid_fen IS NOT NULL OR NEW.ledger_reversed "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    changed = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in LEDGER)
    op.execute(
        "CREATE TRIGGER enrolment_summary_update BEFORE UPDATE ON enrolment "
        f"WHEN ({changed}) AND ({_differs('NEW')}) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )


def _postgresql_triggers() -> None:
    op.execute(
        "CREATE FUNCTION payment_summary() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.kind = 'PAYMENT' AND NEW.replaces_reversal_id IS NULL THEN "
        "  UPDATE enrolment SET first_paid_on = NEW.paid_on, first_paid_fen = NEW.amount_fen "
        "  WHERE id = NEW.enrolment_id; "
        "ELSIF NEW.kind = 'REVERSAL' THEN "
        "  UPDATE enrolment SET ledger_reversed = true WHERE id = NEW.enrolment_id AND NOT ledger_reversed; "
        "END IF; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER payment_summary AFTER INSERT ON payment FOR EACH ROW EXECUTE FUNCTION payment_summary()"
    )
    differs = _differs("NEW").replace(" IS NOT ", " IS DISTINCT FROM ")
    op.execute(
        "CREATE FUNCTION enrolment_summary() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'INSERT' AND (NEW.first_paid_on IS NOT NULL OR NEW.first_paid_fen IS NOT NULL "
        "  OR NEW.ledger_reversed) "
        f"OR TG_OP = 'UPDATE' AND ({differs}) THEN "
        f"  RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation'; "
        "END IF; RETURN NEW; END $$"
    )
    changed = " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in LEDGER)
    op.execute(
        "CREATE TRIGGER enrolment_summary_insert BEFORE INSERT ON enrolment "
        "FOR EACH ROW EXECUTE FUNCTION enrolment_summary()"
    )
    op.execute(
        f"CREATE TRIGGER enrolment_summary_update BEFORE UPDATE ON enrolment FOR EACH ROW WHEN ({changed}) "
        "EXECUTE FUNCTION enrolment_summary()"
    )


def _report_indexes(report: list[str], id_order: list[str]) -> None:
    """PostgreSQL's report indexes INCLUDE `report` and `id_order` (SQLite has no INCLUDE)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_enrolment_year_region", table_name="enrolment")
    op.create_index(
        "ix_enrolment_year_region", "enrolment", ["coverage_year", "region_code"], postgresql_include=report
    )
    op.drop_index("ix_enrolment_year_id", table_name="enrolment")
    op.create_index("ix_enrolment_year_id", "enrolment", ["coverage_year", "id"], postgresql_include=id_order)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _report_indexes(OLD_REPORT, OLD_ID_ORDER)
    op.drop_index("ix_enrolment_reversed", table_name="enrolment")
    for trigger, table in (
        ("payment_summary_first", "payment"),
        ("payment_summary_reversal", "payment"),
        ("payment_summary", "payment"),
        ("enrolment_summary_insert", "enrolment"),
        ("enrolment_summary_update", "enrolment"),
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}" + ("" if sqlite else f" ON {table}"))
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS payment_summary()")
        op.execute("DROP FUNCTION IF EXISTS enrolment_summary()")
    with op.batch_alter_table("enrolment") as batch_op:
        for column in reversed(LEDGER):
            batch_op.drop_column(column)
