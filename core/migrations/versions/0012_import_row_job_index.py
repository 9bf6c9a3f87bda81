"""import_row: drop ix_import_row_job_id, which the (job_id, row_number) unique index already serves

Every report row of an import updated three indexes besides its primary key: the job's rows are
found through uq_import_row_job_row (job_id, row_number) and duplicates through
ix_import_row_job_key (job_id, row_key), both led by job_id, so the index on job_id alone was
never the planner's only way and cost each of an import's rows one more index entry (issue 15,
bench/README.md "Roster and payment imports").

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_import_row_job_id", table_name="import_row")


def downgrade() -> None:
    op.create_index("ix_import_row_job_id", "import_row", ["job_id"], unique=False)
