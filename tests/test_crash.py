"""A server killed (SIGKILL) in the middle of collecting loses nothing and doubles nothing.

Clients keep sending payments while the `yibao serve` process is killed; after a restart every
client retries what it never saw answered, with the same idempotency keys. Each payment is then
stored exactly once and the receipt numbers have no gap — on the real PostgreSQL server.
"""

import http.client
import json
import os
import signal
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.support.factories import id_number
from tests.support.households import ENROL, PAY, REGISTER
from tests.support.serving import free_port, start
from yibao.core.auth import Principal, Role, issue
from yibao.core.db import make_engine

KEY = "crash-test-signing-key-0123456789abcdef"
PAYMENTS = 60


def post(url: str, token: str, query: str, **variables) -> dict:
    request = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    return json.loads(urllib.request.urlopen(request, timeout=30).read())["data"]


def test_payments_survive_a_killed_server_exactly_once(postgres_url, tmp_path):
    admin = make_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS yibao_crash"))
        connection.execute(text("CREATE DATABASE yibao_crash"))
    url = make_url(postgres_url).set(database="yibao_crash").render_as_string(hide_password=False)
    env, port = {"YIBAO_DATABASE_URL": url, "YIBAO_JWT_KEY": KEY}, free_port()
    token = issue(KEY, Principal("clerk", Role.VILLAGE_CLERK, "341721"))

    server, api = start(tmp_path, env, port=port)
    try:
        enrolments = []
        for n in range(PAYMENTS // 3):
            members = [
                {
                    "isHead": j == 0,
                    "person": {
                        "name": f"居民{n}-{j}",
                        "hukouRegionCode": "341721",
                        "idNumber": id_number(seq=900 + n * 3 + j),
                    },
                }
                for j in range(3)
            ]
            household = post(api, token, REGISTER, input={"addressRegionCode": "341721", "members": members})
            for member in household["registerHousehold"]["members"]:
                enrolled = post(
                    api,
                    token,
                    ENROL,
                    input={
                        "personId": member["person"]["id"],
                        "coverageYear": 2022,
                        "policyId": "anhui/341721/2022",
                        "idempotencyKey": f"e{member['person']['id']}",
                    },
                )
                enrolments.append(enrolled["enrol"]["id"])

        answered: dict[int, str] = {}
        lock = threading.Lock()

        def pay(i: int) -> None:
            payment = {
                "enrolmentId": enrolments[i],
                "amount": "320.00",
                "paidOn": "2021-10-08",
                "channel": "VILLAGE_CASH",
                "idempotencyKey": f"crash-{i}",
            }
            try:
                result = post(api, token, PAY, input=payment)["recordPayment"]
            except (urllib.error.URLError, ConnectionError, TimeoutError, http.client.HTTPException):
                # The server died under this request, before it answered or while it wrote the
                # answer (IncompleteRead): the client will retry.
                return
            with lock:
                answered[i] = result["id"]
                if len(answered) == PAYMENTS // 6:  # mid-stream, other payments in flight
                    os.kill(server.pid, signal.SIGKILL)

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(pay, range(PAYMENTS)))
        server.wait(timeout=20)
        assert server.returncode == -signal.SIGKILL
        before_restart = dict(answered)
        assert PAYMENTS // 6 <= len(before_restart) < PAYMENTS // 2

        server, api = start(tmp_path, env, port=port)
        for i in range(PAYMENTS):  # every client retries what it never saw answered
            if i not in answered:
                pay(i)
        assert sorted(answered) == list(range(PAYMENTS))
        assert all(answered[i] == paid for i, paid in before_restart.items())  # retries changed nothing
    finally:
        server.kill()
        server.wait(timeout=20)

    database = make_engine(url)
    with database.connect() as connection:
        rows = connection.execute(text("SELECT idempotency_key, receipt_seq FROM payment")).all()
    database.dispose()
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE yibao_crash WITH (FORCE)"))
    admin.dispose()
    assert sorted(key for key, _ in rows) == sorted(f"crash-{i}" for i in range(PAYMENTS))
    assert sorted(seq for _, seq in rows) == list(range(1, PAYMENTS + 1))
