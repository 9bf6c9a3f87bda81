"""enrolment ledger summary checked from the enrolment's own ledger rows (PostgreSQL)

0011's check (as 0013 re-created it per year) compares the summary an UPDATE writes with three
subqueries on `payment`, two of them `… AND p.replaces_reversal_id IS NULL`. Its plan is cached
for the connection's life from the statistics of the moment, and with none yet for the year's
payments (a year's partition at its first campaign, the bench's fresh database) PostgreSQL chose
the unique index on `replaces_reversal_id` for `IS NULL` — which every first payment is — and read
every payment of the year for each payment written: the payment import's batches grew from 160 to
620 ms over 3,000 rows (10.5 million index entries read for 3,000 payments; bench/README.md,
"Fourth round"). Each payment fires the check once (0011's `payment_summary` sets the summary).

The check now reads the enrolment's ledger rows once, by enrolment and year only, which leaves the
planner the (coverage_year, enrolment_id) index and nothing that scans, and derives the three
values from them: the same rule (the first-slot payment's day and amount; any reversal), the same
refusal. SQLite's triggers (0011) stay: its planner searches by enrolment there.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

MESSAGE = (
    "enrolment ledger summary: first_paid_on, first_paid_fen and ledger_reversed follow the payment ledger"
)
REFUSE = f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation'; "


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION enrolment_summary() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE entry record; first_on date; first_fen integer; reversed boolean := false; "
        "BEGIN "
        "IF TG_OP = 'INSERT' THEN "
        "  IF NEW.first_paid_on IS NOT NULL OR NEW.first_paid_fen IS NOT NULL OR NEW.ledger_reversed THEN "
        f"    {REFUSE}"
        "  END IF; "
        "  RETURN NEW; "
        "END IF; "
        # An enrolment's ledger is a few rows: read them all through the enrolment's index.
        "FOR entry IN SELECT p.kind, p.replaces_reversal_id, p.paid_on, p.amount_fen FROM payment p "
        "  WHERE p.enrolment_id = NEW.id AND p.coverage_year = NEW.coverage_year LOOP "
        "  IF entry.kind = 'PAYMENT' AND entry.replaces_reversal_id IS NULL THEN "
        "    first_on := entry.paid_on; first_fen := entry.amount_fen; "
        "  ELSIF entry.kind = 'REVERSAL' THEN "
        "    reversed := true; "
        "  END IF; "
        "END LOOP; "
        "IF NEW.first_paid_on IS DISTINCT FROM first_on OR NEW.first_paid_fen IS DISTINCT FROM first_fen "
        "  OR NEW.ledger_reversed IS DISTINCT FROM reversed THEN "
        f"  {REFUSE}"
        "END IF; "
        "RETURN NEW; END $$"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    first = (
        "p.enrolment_id = NEW.id AND p.coverage_year = NEW.coverage_year AND p.kind = 'PAYMENT' "
        "AND p.replaces_reversal_id IS NULL"
    )
    reversal = "p.enrolment_id = NEW.id AND p.coverage_year = NEW.coverage_year AND p.kind = 'REVERSAL'"
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
        f"  {REFUSE}"
        "END IF; RETURN NEW; END $$"
    )
