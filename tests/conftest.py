"""Every database test runs twice: on SQLite and on a real PostgreSQL server.

Each test gets a fresh database cloned from a migrated template, so tests never see
each other's rows and migrations run once per backend.
"""

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from starlette.testclient import TestClient

from tests.support.postgres_server import PostgresServer
from tests.support.tokens import TEST_KEY, bearer
from tests.support.twins import cloned_database
from yibao.api.app import create_app
from yibao.core.db import make_engine
from yibao.core.migrate import policy_years, upgrade
from yibao.core.testing.scenarios import registry as rules

# Packages the tests build and install elsewhere: their scenarios name policies only they provide.
collect_ignore = ["plugin_packages"]

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if url := os.environ.get("YIBAO_TEST_POSTGRES_URL"):
        yield url
        return
    server = PostgresServer()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return str(path)


@pytest.fixture(scope="session")
def postgres_template(postgres_url) -> str:
    # One per pytest-xdist worker: workers sharing a server (YIBAO_TEST_POSTGRES_URL) must not
    # drop each other's template, nor clone one another is still migrating.
    name = f"yibao_template_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = make_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    template = make_engine(str(make_url(postgres_url).set(database=name)))
    # The scenarios' years get their own ledger partitions, as `yibao db upgrade` gives a deployment's.
    upgrade(template, years=policy_years(rules()))
    template.dispose()
    admin.dispose()
    return name


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path) -> Iterator[Engine]:
    """A migrated, empty (but for seeded regions) database on each backend."""
    with cloned_database(request.param, request, tmp_path, "yibao") as engine:
        yield engine


@pytest.fixture
def app(engine):
    return create_app(engine, rules(), key=TEST_KEY)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    """A county administrator of all Anhui: the flows of the Anhui notices, unscoped within them."""
    with TestClient(app, headers=bearer("COUNTY_ADMIN", "340000", name="admin-34")) as test_client:
        yield test_client


@pytest.fixture
def client_as(app):
    """`client_as(role, region, …)`: a client holding that token; role PUBLIC holds none."""
    clients = []

    def make(role, region=None, **claims) -> TestClient:
        client = TestClient(app, headers=bearer(role, region, **claims) if role != "PUBLIC" else {})
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
