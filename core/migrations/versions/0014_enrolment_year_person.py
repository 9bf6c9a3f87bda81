"""enrolment by (coverage_year, person_id), covering what reports count: one person's enrolment from the index

Reports that start from persons rather than enrolments look each one's enrolment of the year up
by person: hardship coverage for each identity holder (80,000 of a city's million), the
households' reports for each member. `uq_enrolment_person_year` finds the row but cannot carry
the columns, so every lookup read the wide enrolment row with its snapshot from the heap (2.3 s
of the hardship statement at a million, bench/README.md). On PostgreSQL this index carries the
counting columns (core/models/enrolment.py REPORT_COLUMNS, region_code); on SQLite the INCLUDE
columns are ignored.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = [
    "id",
    "region_code",
    "status",
    "enrolled_on",
    "terminated_on",
    "amount_due_fen",
    "first_paid_on",
    "first_paid_fen",
    "ledger_reversed",
]


def upgrade() -> None:
    op.create_index(
        "ix_enrolment_year_person", "enrolment", ["coverage_year", "person_id"], postgresql_include=COLUMNS
    )


def downgrade() -> None:
    op.drop_index("ix_enrolment_year_person", table_name="enrolment")
