"""dashboard indexes: the year's enrolments and its ledger in enrolment order, for merge joins

A dashboard's first view counts every enrolment's standing payment several times (progress,
hardship, unpaid households). With both in id order PostgreSQL merges the ledger into the
enrolments from the indexes alone instead of hashing a city's million rows and spilling to disk
(bench/README.md, the dashboard section). On SQLite the INCLUDE columns are ignored.

Revision ID: 0010
Revises: 0009_search
Create Date: 2026-12-07
"""

from alembic import op

revision = "0010"
down_revision = "0009_search"
branch_labels = None
depends_on = None

ENROLMENT_COLUMNS = ["person_id", "region_code", "status", "enrolled_on", "terminated_on", "amount_due_fen"]


def upgrade() -> None:
    op.create_index(
        "ix_enrolment_year_id", "enrolment", ["coverage_year", "id"], postgresql_include=ENROLMENT_COLUMNS
    )
    op.create_index(
        "ix_payment_year_enrolment",
        "payment",
        ["coverage_year", "enrolment_id"],
        postgresql_include=["paid_on", "kind", "amount_fen"],
    )


def downgrade() -> None:
    op.drop_index("ix_payment_year_enrolment", table_name="payment")
    op.drop_index("ix_enrolment_year_id", table_name="enrolment")
