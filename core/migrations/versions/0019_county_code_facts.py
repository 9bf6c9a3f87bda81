"""county code on the person's facts: category_fact and departure, read by a payment

A payment reads its person's hardship identities (category_fact, for the quote) and whether each
other member of the person's household has left (departure, for the household rule). On Citus both
would reach every shard without the distribution column (docs/scaling.md §3), so both carry
`county_code` now, as 0018 gave it to the tables the benchmark operations touch. Each row's county
is its person's (0018: the person's household's, else where they live): the facts sit on their
person's shard, and a statement that knows the person's county names it for them too.

Filled from each row's person. As in 0018: on PostgreSQL NOT NULL with no default (an INSERT that
does not state it fails, as a router without it would); on SQLite NOT NULL DEFAULT '' (SQLite
cannot add a NOT NULL column without a default). Neither table is partitioned.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

TABLES = ["category_fact", "departure"]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        if sqlite:
            op.execute(f"ALTER TABLE {table} ADD COLUMN county_code VARCHAR(6) NOT NULL DEFAULT ''")
        else:
            op.add_column(table, sa.Column("county_code", sa.String(length=6), nullable=True))
        op.execute(
            f"UPDATE {table} SET county_code = "
            f"(SELECT p.county_code FROM person p WHERE p.id = {table}.person_id)"
        )
        if not sqlite:
            op.alter_column(table, "county_code", existing_type=sa.String(length=6), nullable=False)


def downgrade() -> None:
    # SQLite drops a column in place (3.35+), as 0018's downgrade does.
    for table in reversed(TABLES):
        op.execute(f"ALTER TABLE {table} DROP COLUMN county_code")
