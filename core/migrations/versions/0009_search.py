"""search: the indexes a clerk's search and the lists' sort orders read (core/search.py)

- person.name, with id: a name's beginning is a range of the index, and the NAME order reads it
  in order. On PostgreSQL the index compares by code point (COLLATE "C"), as the query does, so a
  range match is exact whatever collation the database was created with;
- the last four characters of person.id_number (sequence and check digit): a masked number
  (3417**********0231) is found through them; whole numbers already have the unique index;
- person.phone; payment.paid_on (the payments list's date range and its PAID_ON order).

Revision ID: 0009_search
Revises: 0008
Create Date: 2026-12-10 10:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '0009_search'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('CREATE INDEX ix_person_name ON person (name COLLATE "C", id)')
    else:
        op.create_index("ix_person_name", "person", ["name", "id"])
    op.create_index("ix_person_id_suffix", "person", [sa.text("substr(id_number, 15)")])
    op.create_index("ix_person_phone", "person", ["phone"])
    op.create_index("ix_payment_paid_on", "payment", ["paid_on"])


def downgrade() -> None:
    op.drop_index("ix_payment_paid_on", table_name="payment")
    op.drop_index("ix_person_phone", table_name="person")
    op.drop_index("ix_person_id_suffix", table_name="person")
    op.drop_index("ix_person_name", table_name="person")
