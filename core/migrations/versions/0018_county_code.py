"""county code: the distribution column of a province on Citus, on the tables the hot statements touch

A province on distributed PostgreSQL (Citus) shards the tables that grow with residents by county
(docs/scaling.md §3). Citus routes a statement to one shard only when the statement itself names
the distribution column's value — an INSERT among its values, a SELECT/UPDATE/DELETE as an
equality in its WHERE — so a column the rows reach only through a join (a payment's county through
its enrolment) or that a trigger fills is not enough. This adds `county_code` (the first 6 digits
of a region code, core/regions.py `county_code_of`) to the distributed tables the benchmark
operations touch (core/distribution.py `DISTRIBUTED`), filled from what each row already says:

- household: its address; receipt_sequence: its region; enrolment: its region;
- household_member: its household's; person: its household's, else where they live (residence,
  else hukou) — a member's person and its member row must be on one shard for the page's join;
- payment and entitlement: their enrolment's (the ledger follows the enrolment);
- audit_event: the actor's region ("000000" for an actor without one: the system).

On PostgreSQL the column is NOT NULL with no default: an INSERT that does not state it fails,
which is what a router without it would do. SQLite cannot add a NOT NULL column without a default
(nor alter one without rebuilding the table and losing its triggers), so there it is NOT NULL
DEFAULT ''. The ledger tables are partitioned on PostgreSQL (0013): a column added to the parent
is added to every partition. Payment is append-only (0001): its trigger is set aside for the
backfill and created again, within this migration's transaction.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

NO_REGION = "000000"

# Table → the county of each row, as SQL over the table's own row (named by the table).
BACKFILL = {
    "household": "substr(household.address_region_code, 1, 6)",
    "receipt_sequence": "substr(receipt_sequence.region_code, 1, 6)",
    "enrolment": "substr(enrolment.region_code, 1, 6)",
    "household_member": "(SELECT h.county_code FROM household h WHERE h.id = household_member.household_id)",
    "person": (
        "coalesce((SELECT h.county_code FROM household_member m JOIN household h ON h.id = m.household_id"
        " WHERE m.person_id = person.id),"
        " substr(coalesce(person.residence_region_code, person.hukou_region_code), 1, 6))"
    ),
    "payment": (
        "(SELECT e.county_code FROM enrolment e"
        " WHERE e.id = payment.enrolment_id AND e.coverage_year = payment.coverage_year)"
    ),
    "entitlement": (
        "(SELECT e.county_code FROM enrolment e"
        " WHERE e.id = entitlement.enrolment_id AND e.coverage_year = entitlement.coverage_year)"
    ),
    "audit_event": f"coalesce(substr(audit_event.region_code, 1, 6), '{NO_REGION}')",
}
TABLES = list(BACKFILL)  # in this order: each row's source is filled before it is read

_LEDGER_MESSAGE = "payment ledger is append-only: record a reversal instead"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        if sqlite:
            op.execute(f"ALTER TABLE {table} ADD COLUMN county_code VARCHAR(6) NOT NULL DEFAULT ''")
        else:
            op.add_column(table, sa.Column("county_code", sa.String(length=6), nullable=True))
    _allow_payment_update(sqlite)
    for table in TABLES:
        op.execute(f"UPDATE {table} SET county_code = {BACKFILL[table]}")
    _forbid_payment_update(sqlite)
    if not sqlite:
        for table in TABLES:
            op.alter_column(table, "county_code", existing_type=sa.String(length=6), nullable=False)


def _allow_payment_update(sqlite: bool) -> None:
    if sqlite:
        op.execute("DROP TRIGGER payment_no_update")
    else:  # dropped from the partitioned table, it goes from every partition; created, it comes back
        op.execute("DROP TRIGGER payment_append_only ON payment")


def _forbid_payment_update(sqlite: bool) -> None:
    """0001's trigger, as it was."""
    if sqlite:
        op.execute(
            "CREATE TRIGGER payment_no_update BEFORE UPDATE ON payment "
            f"BEGIN SELECT RAISE(ABORT, '{_LEDGER_MESSAGE}'); END"
        )
    else:
        op.execute(
            "CREATE TRIGGER payment_append_only BEFORE UPDATE OR DELETE ON payment "
            "FOR EACH ROW EXECUTE FUNCTION payment_append_only()"
        )


def downgrade() -> None:
    # SQLite drops a column in place (3.35+): batch mode would rebuild the table and lose its triggers.
    for table in reversed(TABLES):
        op.execute(f"ALTER TABLE {table} DROP COLUMN county_code")
