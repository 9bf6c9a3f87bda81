"""seed the regions named in the five notices (core/data/regions.csv)

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from yibao.core.regions import read_seed

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

region = sa.table(
    "region",
    sa.column("code", sa.String),
    sa.column("parent_code", sa.String),
    sa.column("level", sa.String),
    sa.column("name", sa.String),
    sa.column("path", sa.String),
)


def upgrade() -> None:
    op.bulk_insert(region, [seed.__dict__ for seed in read_seed()])


def downgrade() -> None:
    codes = [seed.code for seed in reversed(read_seed())]
    op.execute(region.delete().where(region.c.code.in_(codes)))
