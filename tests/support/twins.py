"""Fresh databases cloned from the session's migrated template: each test's `engine`
(tests/conftest.py) and, with `twin_of`, a second one on the same backend for comparing two ways
of doing the same thing from the same start."""

import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from yibao.core.db import make_engine

_counter = itertools.count()


@contextmanager
def cloned_database(backend: str, request, tmp_path, name: str) -> Iterator[Engine]:
    """A copy of the template (a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL),
    removed afterwards; `name` names the file (`<name>.db`) or the database (`<name>_<pid>_<n>`).
    """
    if backend == "sqlite":
        path = tmp_path / f"{name}.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    url = request.getfixturevalue("postgres_url")
    template = request.getfixturevalue("postgres_template")
    database = f"{name}_{os.getpid()}_{next(_counter)}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{template}"'))
    engine = make_engine(str(make_url(url).set(database=database)))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{database}" WITH (FORCE)'))
        admin.dispose()


def twin_of(engine: Engine, request, tmp_path):
    """A second fresh database on `engine`'s backend."""
    return cloned_database(engine.dialect.name, request, tmp_path, "yibao_twin")
