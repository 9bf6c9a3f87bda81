"""A second fresh database on the same backend as a test's `engine`, for comparing two ways of
doing the same thing from the same start (cloned like tests/conftest.py clones each test's)."""

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
def twin_of(engine: Engine, request, tmp_path) -> Iterator[Engine]:
    if engine.dialect.name == "sqlite":
        path = tmp_path / "twin.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        twin = make_engine(f"sqlite:///{path}")
        try:
            yield twin
        finally:
            twin.dispose()
        return
    url = request.getfixturevalue("postgres_url")
    template = request.getfixturevalue("postgres_template")
    name = f"yibao_twin_{os.getpid()}_{next(_counter)}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    twin = make_engine(str(make_url(url).set(database=name)))
    try:
        yield twin
    finally:
        twin.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
