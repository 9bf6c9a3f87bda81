"""the ledger summary kept per statement on PostgreSQL, and the slot check only where a slot is named

0011 keeps each enrolment's summary (first_paid_on, first_paid_fen, ledger_reversed) from its
payments with a trigger that runs for every payment row: one UPDATE of the enrolment, each planned
and run through PL/pgSQL on its own. An import's batch writes 500 payments with one COPY, and those
500 UPDATEs were a third of the batch's time on the server (88–101 ms of the COPY's, against 46–58
with one UPDATE per statement; issue 15, bench/README.md). Here one UPDATE per INSERT statement
sets the summary of every enrolment its new rows (a transition table) touch, at the same moment
as before: the end of the statement. Each enrolment is updated once with all of its new entries
(at most one first payment stands, 0006's first-slot index), where the row trigger updated it
once per entry, and 0017's check, which runs at each update and reads the whole ledger, refused
a statement that paid and reversed one enrolment at once: its first update set the payment while
the ledger already held the reversal.

A statement-level trigger fires for the table the statement names only (row triggers are cloned
to partitions; statement triggers are not), so each partition of `payment` gets the same trigger,
for an INSERT into the partition itself; core/partitions.py gives it to each year's new partition.

0006's slot check (`payment_slot`) refuses only rows that name a reversal they replace or a
payment they reverse; it now runs only for those (a WHEN clause, as on SQLite), not for every
first payment. SQLite is unchanged: its triggers are per row and run inside the engine.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# A payment in the enrolment's first slot (0006's `uq_payment_first_slot`: at most one stands).
_FIRST = "kind = 'PAYMENT' AND replaces_reversal_id IS NULL"
_SLOT_NAMED = "NEW.replaces_reversal_id IS NOT NULL OR NEW.reverses_payment_id IS NOT NULL"
_PARTITIONS = "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'payment'::regclass"
SUMMARY_TRIGGER = (
    "CREATE TRIGGER payment_summary AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_payments "
    "FOR EACH STATEMENT EXECUTE FUNCTION payment_summary_of_statement()"
)


def _partitions() -> list[str]:
    return list(op.get_bind().exec_driver_sql(_PARTITIONS).scalars())


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION payment_summary_of_statement() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE enrolment e SET "
        "  first_paid_on = CASE WHEN n.first THEN n.first_on ELSE e.first_paid_on END, "
        "  first_paid_fen = CASE WHEN n.first THEN n.first_fen ELSE e.first_paid_fen END, "
        "  ledger_reversed = e.ledger_reversed OR n.reversed "
        "FROM (SELECT enrolment_id, coverage_year, "
        f"    bool_or({_FIRST}) AS first, "
        f"    max(paid_on) FILTER (WHERE {_FIRST}) AS first_on, "
        f"    max(amount_fen) FILTER (WHERE {_FIRST}) AS first_fen, "
        "    bool_or(kind = 'REVERSAL') AS reversed "
        "  FROM new_payments GROUP BY enrolment_id, coverage_year) n "
        "WHERE e.id = n.enrolment_id AND e.coverage_year = n.coverage_year "
        "  AND (n.first OR n.reversed AND NOT e.ledger_reversed); "
        "RETURN NULL; END $$"
    )
    op.execute("DROP TRIGGER payment_summary ON payment")  # and its clones on the partitions
    for table in ["payment", *_partitions()]:
        op.execute(SUMMARY_TRIGGER.format(table=table))
    op.execute("DROP TRIGGER payment_slot ON payment")
    op.execute(
        f"CREATE TRIGGER payment_slot BEFORE INSERT ON payment FOR EACH ROW WHEN ({_SLOT_NAMED}) "
        "EXECUTE FUNCTION payment_slot()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER payment_slot ON payment")
    op.execute("CREATE TRIGGER payment_slot BEFORE INSERT ON payment FOR EACH ROW EXECUTE FUNCTION payment_slot()")
    for table in [*_partitions(), "payment"]:
        op.execute(f"DROP TRIGGER payment_summary ON {table}")
    op.execute(
        "CREATE TRIGGER payment_summary AFTER INSERT ON payment FOR EACH ROW EXECUTE FUNCTION payment_summary()"
    )
    op.execute("DROP FUNCTION payment_summary_of_statement()")
