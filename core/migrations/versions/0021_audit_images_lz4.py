"""the audit trail's images compressed with LZ4 on PostgreSQL

An audit event whose before and after together pass the row's ~2 kB limit is compressed by
PostgreSQL when it is written: a payment's `settle_status` and `decide_quote` events each carry
the enrolment twice, its snapshot in both. pglz, the default method, cost a 10,000-payment import
about a third of the time its audit events took to write: copying its 50,000 events took
907-970 ms with pglz and 623-677 ms with LZ4, for the same size on disk (78 and 81 MB; issue
15, bench/README.md). Reads decompress faster too.

Only rows written from now on use it; rows already stored stay as they were, both are read alike.
A server built without LZ4 (`default_toast_compression` does not offer it) keeps pglz. SQLite
stores JSON as text and is unchanged.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from alembic import op
from sqlalchemy import text

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_COLUMNS = ("before", "after")


def _compress(method: str) -> None:
    columns = ", ".join(f'ALTER COLUMN "{name}" SET COMPRESSION {method}' for name in _COLUMNS)
    op.execute(f"ALTER TABLE audit_event {columns}")


def _lz4_built_in() -> bool:
    offered = text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    return "lz4" in (op.get_bind().execute(offered).scalar() or [])


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql" and _lz4_built_in():
        _compress("lz4")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _compress("pglz")
