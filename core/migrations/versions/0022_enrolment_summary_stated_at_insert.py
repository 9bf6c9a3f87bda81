"""an enrolment may be written with its ledger summary, checked at commit (PostgreSQL)

0011 refuses an enrolment inserted with a summary (first_paid_on, first_paid_fen,
ledger_reversed): the summary follows the payment ledger, and a new enrolment has no ledger yet.
So an import's batch wrote each enrolment bare, then its payment, whose statement trigger (0020)
updated every enrolment of the batch again. An enrolment's row is ~1.2 kB and ten indexes, four
of them INCLUDE the summary, so that no update of it is HOT: the UPDATE was 1.27 s of the server's
~6 s for 20,000 payments, the largest of its statements after the COPYs themselves (issue 15,
bench/README.md).

Now an enrolment may be inserted with the summary its payments will give it, in the same
transaction. The check moves to the commit: a constraint trigger, deferred, reads the enrolment
as it then stands and its ledger, and refuses the transaction if they disagree, with 0011's
message and error code. An enrolment inserted bare (every service, SQLite always) is not checked
at all: it has nothing to disagree with, and its updates are checked as before (0017). The
payment's statement trigger no longer updates an enrolment whose summary already says what its
new entries say.

The rule itself is unchanged: the first-slot payment's day and amount (0006's index keeps at
most one standing), and whether any reversal was entered. PostgreSQL clones the constraint
trigger to every partition, those made later too (core/partitions.py).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08
"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

MESSAGE = (
    "enrolment ledger summary: first_paid_on, first_paid_fen and ledger_reversed follow the payment ledger"
)
_FIRST = "kind = 'PAYMENT' AND replaces_reversal_id IS NULL"  # 0006's first slot
_STATED = "NEW.first_paid_on IS NOT NULL OR NEW.first_paid_fen IS NOT NULL OR NEW.ledger_reversed"


# 0020's UPDATE of the enrolments a statement's payments touch, and the condition it now has: only
# what the new entries change, not an enrolment written with the summary they give it.
_UPDATED_BEFORE = "(n.first OR n.reversed AND NOT e.ledger_reversed)"
_UPDATED = (
    "(n.first AND (e.first_paid_on, e.first_paid_fen) IS DISTINCT FROM (n.first_on, n.first_fen) "
    "OR n.reversed AND NOT e.ledger_reversed)"
)


def _payment_summary_updates(old: str, new: str) -> None:
    """0020's statement trigger function again, its UPDATE's condition `old` replaced by `new`
    and the rest of its text as 0020 wrote it (PostgreSQL keeps a function's body verbatim)."""
    op.execute(
        "DO $$ DECLARE definition text := pg_get_functiondef('payment_summary_of_statement'::regproc); "
        f"BEGIN IF position('{old}' IN definition) = 0 THEN "
        "  RAISE EXCEPTION 'payment_summary_of_statement() is not as migration 0020 wrote it'; END IF; "
        f"EXECUTE replace(definition, '{old}', '{new}'); END $$"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION enrolment_summary_stated() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE stands record; ledger record; "
        "BEGIN "
        # As the enrolment stands at the commit (NEW is the row as inserted), if it still does.
        "SELECT first_paid_on, first_paid_fen, ledger_reversed INTO stands FROM enrolment "
        "  WHERE id = NEW.id AND coverage_year = NEW.coverage_year; "
        "IF NOT FOUND THEN RETURN NULL; END IF; "
        f"SELECT max(paid_on) FILTER (WHERE {_FIRST}) AS first_on, "
        f"  max(amount_fen) FILTER (WHERE {_FIRST}) AS first_fen, "
        "  coalesce(bool_or(kind = 'REVERSAL'), false) AS reversed "
        "  INTO ledger FROM payment WHERE enrolment_id = NEW.id AND coverage_year = NEW.coverage_year; "
        "IF (stands.first_paid_on, stands.first_paid_fen, stands.ledger_reversed) "
        "  IS DISTINCT FROM (ledger.first_on, ledger.first_fen, ledger.reversed) THEN "
        f"  RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation'; "
        "END IF; "
        "RETURN NULL; END $$"
    )
    op.execute("DROP TRIGGER enrolment_summary_insert ON enrolment")  # and its clones on the partitions
    op.execute(
        "CREATE CONSTRAINT TRIGGER enrolment_summary_stated AFTER INSERT ON enrolment "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({_STATED}) "
        "EXECUTE FUNCTION enrolment_summary_stated()"
    )
    _payment_summary_updates(_UPDATED_BEFORE, _UPDATED)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _payment_summary_updates(_UPDATED, _UPDATED_BEFORE)
    op.execute("DROP TRIGGER enrolment_summary_stated ON enrolment")
    op.execute("DROP FUNCTION enrolment_summary_stated()")
    op.execute(
        "CREATE TRIGGER enrolment_summary_insert BEFORE INSERT ON enrolment "
        "FOR EACH ROW EXECUTE FUNCTION enrolment_summary()"
    )
