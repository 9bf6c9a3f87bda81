"""Everything stored, as plain data: comparing two of these proves a refusal changed nothing."""

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import core.models  # noqa: F401


def stored(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            table.name: sorted(tuple(map(repr, row)) for row in connection.execute(select(table)))
            for table in SQLModel.metadata.sorted_tables
        }
