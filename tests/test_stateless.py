"""API servers keep no state of their own: any of them answers for what another one did.

docs/scaling.md says yibao scales by running more servers behind any load balancer, with all
state in the database. Two independent `yibao serve` processes (not the workers of one server:
nothing shared but the database and the signing key) on one database take turns here, as a
round-robin balancer would send a clerk's requests: an idempotency key used on one is replayed by
the other, a download link signed by one opens on the other, a one-time login link is redeemed
once across both, and an import started on one is followed on the other.
"""

import time

import httpx2 as httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.support.concurrency import registered_people
from tests.support.factories import id_number
from tests.support.serving import serving
from tests.support.uploads import IMPORT_JOB, IMPORT_ROSTER, Upload, post_multipart
from yibao.core import login_links
from yibao.core.audit import SYSTEM
from yibao.core.auth import Principal, Role, issue
from yibao.core.db import make_engine
from yibao.core.migrate import upgrade
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.testing.scenarios import registry

KEY = "stateless-test-signing-key-0123456789abcdef"
ADMIN = Principal("county-admin", Role.COUNTY_ADMIN, "341721")
PAY = """mutation($input: RecordPaymentInput!) { recordPayment(input: $input) {
  __typename ... on Payment { id receiptNumber } ... on InputErrors { errors { field code } } } }"""
LINK = """mutation($path: String!) { exportLink(path: $path) { ... on ExportLink { url } } }"""
ROSTER = "/exports/collection-roster.csv?regionCode=341721&coverageYear=2022"


# One pair of servers per backend for the whole module: starting servers is most of its time.
@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres_only)]
)
def database(request, tmp_path_factory):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('stateless') / 'yibao.db'}"
    url = request.getfixturevalue("postgres_url")
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS yibao_stateless"))
        connection.execute(text("CREATE DATABASE yibao_stateless"))
    admin.dispose()
    return make_url(url).set(database="yibao_stateless").render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def two_servers(database, tmp_path_factory):
    cwd = tmp_path_factory.mktemp("servers")
    engine = make_engine(database)
    upgrade(engine)
    person = registered_people(engine, 1)[0]
    enrolment = enrol(engine, SYSTEM, EnrolmentInput(person, 2022, "anhui/341721/2022", "e1"), registry())
    env = {"YIBAO_DATABASE_URL": database, "YIBAO_JWT_KEY": KEY}
    headers = {"Authorization": f"Bearer {issue(KEY, ADMIN)}"}
    with (
        serving(cwd, env) as a,
        serving(cwd, env) as b,
        httpx.Client(base_url=a, headers=headers) as first,
        httpx.Client(base_url=b, headers=headers) as second,
    ):
        yield first, second, engine, enrolment.id
    engine.dispose()


def graphql(client: httpx.Client, query: str, **variables) -> dict:
    response = client.post("/graphql", json={"query": query, "variables": variables}, timeout=60)
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return response.json()["data"]


def test_an_idempotency_key_used_on_one_server_is_replayed_by_the_other(two_servers):
    first, second, engine, enrolment = two_servers
    payment = {
        "enrolmentId": str(enrolment),
        "amount": "320.00",
        "paidOn": "2021-10-08",
        "channel": "VILLAGE_CASH",
        "idempotencyKey": "clerk-click-1",
    }
    recorded = graphql(first, PAY, input=payment)["recordPayment"]
    replayed = graphql(second, PAY, input=payment)["recordPayment"]
    assert recorded["__typename"] == "Payment"
    assert replayed == recorded  # the same payment and receipt, not a second one nor a conflict
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM payment")).scalar_one() == 1


def test_a_download_link_signed_by_one_server_opens_on_the_other(two_servers):
    first, second, _, _ = two_servers
    url = graphql(first, LINK, path=ROSTER)["exportLink"]["url"]
    followed = httpx.get(f"{second.base_url}{url}", timeout=60)  # a browser: no Authorization header
    assert followed.status_code == 200, followed.text
    assert followed.content == first.get(ROSTER).content and "居民0" in followed.text


def test_a_login_link_signs_in_once_across_servers(two_servers):
    first, second, engine, _ = two_servers
    code = login_links.create(engine, ADMIN)
    signed_in = httpx.post(f"{second.base_url}/dashboard/login", json={"code": code}, timeout=60)
    assert signed_in.status_code == 200 and signed_in.json()["token"]
    again = httpx.post(f"{first.base_url}/dashboard/login", json={"code": code}, timeout=60)
    assert again.status_code == 400


def test_an_import_started_on_one_server_is_followed_on_the_other(two_servers):
    first, second, _, _ = two_servers
    roster = f"姓名,身份证号码,类别\n居民0,{id_number(seq=0)},低保\n别名,{id_number(seq=0)},特困\n"
    upload = Upload("roster.csv", roster.encode())
    variables = {"file": upload, "source": "CIVIL_AFFAIRS", "asOf": "2023-08-31", "region": "341721"}
    started = post_multipart(first, IMPORT_ROSTER, variables).json()["data"]["importRoster"]
    assert started["__typename"] == "ImportJob" and started["rowsTotal"] == 2
    for _ in range(300):
        job = graphql(second, IMPORT_JOB, id=started["id"])["importJob"]
        if job["status"] != "RUNNING":
            break
        time.sleep(0.1)
    assert (job["status"], job["rowsDone"], job["imported"] + job["refused"]) == ("DONE", 2, 2)
