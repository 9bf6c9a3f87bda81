"""Bring a database to the newest schema (what `yibao db upgrade` and `yibao serve` run)."""

from collections.abc import Iterable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from .db import WRITE
from .partitions import add_year_partitions

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return config


def upgrade(engine: Engine, revision: str = "head", years: Iterable[int] = ()) -> dict[int, str]:
    """Migrates, then (PostgreSQL) gives each of `years` — the coverage years the installed policies
    cover — its own ledger partitions (core/partitions.py). Returns the years left in the DEFAULT
    partitions, and why."""
    skipped: dict[int, str] = {}

    def step(config, revision):
        command.upgrade(config, revision)
        skipped.update(add_year_partitions(config.attributes["connection"], years))

    _migrate(engine, step, revision)
    return skipped


def policy_years(registry) -> set[int]:
    """The coverage years the registry's policies cover: each gets its partitions ahead of its rows."""
    return {policy.coverage_year for policy in registry.policies()}


def installed_years() -> set[int]:
    """`policy_years` of the installed plugins: what `yibao db upgrade` partitions (the benches
    migrate their throwaway databases as production does)."""
    from .plugins import load_registry

    return policy_years(load_registry())


def downgrade(engine: Engine, revision: str) -> None:
    """Back to an older schema: for the tests that upgrade a database holding older rows."""
    _migrate(engine, command.downgrade, revision)


def _migrate(engine: Engine, step, revision: str) -> None:
    config = alembic_config(engine)
    sqlite = engine.dialect.name == "sqlite"
    # As a unit of work: on SQLite the write lock is taken at once, so two workers starting
    # together migrate one after the other (core/db.py).
    with engine.connect().execution_options(**{WRITE: True}) as connection:
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one, which must not cascade
            # into or be refused by the rows that refer to it; the pragma only changes outside a
            # transaction. Every reference is checked again before the pragma is restored.
            _pragma(connection, "foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                step(config, revision)
                if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                    raise RuntimeError(f"迁移后外键不一致：{broken[:5]}")
        finally:
            if sqlite:
                _pragma(connection, "foreign_keys=ON")


def _pragma(connection, setting: str) -> None:
    """On the driver's connection itself, outside any transaction SQLAlchemy would begin."""
    connection.connection.driver_connection.execute(f"PRAGMA {setting}")
