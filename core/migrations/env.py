"""Alembic environment: the same migrations run on SQLite and PostgreSQL."""

from alembic import context
from sqlmodel import SQLModel

import yibao.core.models  # noqa: F401  (registers the tables)
from yibao.core.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by table copy
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as conn:
        run_migrations(conn)
