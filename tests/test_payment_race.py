"""One standing payment per enrolment when real processes race, on SQLite and PostgreSQL.

`yibao serve --workers 2` runs two server processes on one database. Sixty enrolments each get
four `recordPayment` calls at the same moment, each with its own idempotency key, as four
clerks double-clicking would send them. Exactly one payment per enrolment is stored; the other
three calls are answered CONFLICT, never with a second receipt. What keeps it is in the database
(the enrolment's row lock and the first-slot unique index, core/models/payment.py), not a check in
Python that a second process could pass at the same moment.
"""

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.support.concurrency import registered_people
from tests.support.serving import serving
from yibao.core.audit import SYSTEM
from yibao.core.auth import Principal, Role, issue
from yibao.core.db import make_engine
from yibao.core.migrate import upgrade
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.testing.scenarios import registry

KEY = "race-test-signing-key-0123456789abcdef-0123"
ENROLMENTS, CLICKS = 60, 4
PAY = """mutation($input: RecordPaymentInput!) { recordPayment(input: $input) {
  __typename ... on Payment { receiptNumber } ... on InputErrors { errors { field code } } } }"""


def _enrolments(url: str) -> list[int]:
    engine = make_engine(url)
    upgrade(engine)
    rules = registry()
    # Households of 15 (a household has at most 20 members).
    people = [p for start in range(0, ENROLMENTS, 15) for p in registered_people(engine, 15, start)]
    ids = [
        enrol(engine, SYSTEM, EnrolmentInput(p, 2022, "anhui/341721/2022", f"e{p}"), rules).id for p in people
    ]
    engine.dispose()
    return ids


def _post(api: str, token: str, variables: dict) -> dict:
    request = urllib.request.Request(
        f"{api}/graphql",
        data=json.dumps({"query": PAY, "variables": variables}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    return json.loads(urllib.request.urlopen(request, timeout=120).read())["data"]["recordPayment"]


def _race(url: str, tmp_path) -> None:
    enrolments = _enrolments(url)
    token = issue(KEY, Principal("clerk", Role.COUNTY_ADMIN, "341721"))
    calls = [
        {
            "input": {
                "enrolmentId": str(enrolment),
                "amount": "320.00",
                "paidOn": "2021-10-08",
                "channel": "VILLAGE_CASH",
                "idempotencyKey": f"click-{enrolment}-{click}",
            }
        }
        for enrolment in enrolments
        for click in range(CLICKS)  # one enrolment's clicks side by side, so they are in flight together
    ]
    env = {"YIBAO_DATABASE_URL": url, "YIBAO_JWT_KEY": KEY}
    with serving(tmp_path, env, "--workers", "2") as api, ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda variables: _post(api, token, variables), calls))

    receipts = [a["receiptNumber"] for a in answers if a["__typename"] == "Payment"]
    refusals = [a["errors"] for a in answers if a["__typename"] == "InputErrors"]
    assert len(receipts) == len(set(receipts)) == ENROLMENTS
    assert refusals == [[{"field": "enrolmentId", "code": "CONFLICT"}]] * (ENROLMENTS * (CLICKS - 1))
    engine = make_engine(url)
    with engine.connect() as connection:
        per_enrolment = connection.execute(
            text("SELECT enrolment_id, COUNT(*) FROM payment WHERE kind = 'PAYMENT' GROUP BY enrolment_id")
        ).all()
        statuses = connection.execute(text("SELECT DISTINCT status FROM enrolment")).scalars().all()
    engine.dispose()
    assert sorted(per_enrolment) == [(enrolment, 1) for enrolment in sorted(enrolments)]
    assert statuses == ["PAID"]


def test_sqlite_two_workers_store_one_payment_per_enrolment(tmp_path):
    _race(f"sqlite:///{tmp_path / 'yibao.db'}", tmp_path)


@pytest.mark.postgres_only
def test_postgresql_two_processes_store_one_payment_per_enrolment(postgres_url, tmp_path):
    admin = make_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS yibao_race"))
        connection.execute(text("CREATE DATABASE yibao_race"))
    admin.dispose()
    _race(make_url(postgres_url).set(database="yibao_race").render_as_string(hide_password=False), tmp_path)
