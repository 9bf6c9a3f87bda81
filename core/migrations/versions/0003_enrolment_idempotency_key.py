"""enrolment idempotency key: a resent enrolment is answered, not stored twice

Existing enrolments get 'legacy-<id>', so the column can be required and unique at once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:00:00.000000
"""

from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

enrolment = sa.table("enrolment", sa.column("id", sa.Integer), sa.column("idempotency_key", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )

    op.execute(
        enrolment.update()
        .where(enrolment.c.idempotency_key.is_(None))
        .values(idempotency_key=sa.literal("legacy-") + sa.cast(enrolment.c.id, sa.String))
    )

    with _referenced_table_rebuild():
        with op.batch_alter_table("enrolment", schema=None) as batch_op:
            batch_op.alter_column(
                "idempotency_key", existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
            )
            batch_op.create_unique_constraint(batch_op.f("uq_enrolment_idempotency_key"), ["idempotency_key"])


def downgrade() -> None:
    with _referenced_table_rebuild():
        with op.batch_alter_table("enrolment", schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f("uq_enrolment_idempotency_key"), type_="unique")
            batch_op.drop_column("idempotency_key")


@contextmanager
def _referenced_table_rebuild():
    """SQLite alters a table by copying it and dropping the original, and that drop would
    orphan the payments, entitlements and refunds that point at an enrolment. So the rows step
    aside, with foreign keys checked only at commit, and come back under the same ids."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    op.execute("CREATE TEMP TABLE enrolment_rows AS SELECT * FROM enrolment WHERE 0")
    op.execute("INSERT INTO enrolment_rows SELECT * FROM enrolment")  # opens the transaction
    op.execute("PRAGMA defer_foreign_keys = ON")  # until this transaction ends
    op.execute("DELETE FROM enrolment")
    yield
    columns = ", ".join(column["name"] for column in sa.inspect(bind).get_columns("enrolment"))
    op.execute(f"INSERT INTO enrolment ({columns}) SELECT {columns} FROM enrolment_rows")
    op.execute("DROP TABLE enrolment_rows")
