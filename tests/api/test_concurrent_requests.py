"""More simultaneous operations than the connection pool holds: all are answered, none stalls."""

import asyncio

import httpx2

from tests.support.households import register
from tests.support.reads import PAGE
from tests.support.tokens import TEST_KEY, bearer
from yibao.api.app import create_app
from yibao.api.graphql import view
from yibao.api.graphql.view import connection_budget, operations_at_once
from yibao.core.db import make_engine
from yibao.core.testing.scenarios import registry


def test_forty_simultaneous_operations_on_a_two_connection_pool(engine, client):
    register(client)
    small = make_engine(
        str(engine.url.render_as_string(hide_password=False)), pool_size=1, max_overflow=1, pool_timeout=5
    )
    assert connection_budget(small) == 1
    app = create_app(small, registry(), key=TEST_KEY)

    async def run() -> list[int]:
        transport = httpx2.ASGITransport(app=app)
        headers = bearer("VILLAGE_CLERK", "341721")
        async with httpx2.AsyncClient(transport=transport, base_url="http://test", headers=headers) as http:
            responses = await asyncio.wait_for(
                asyncio.gather(*(http.post("/graphql", json={"query": PAGE}) for _ in range(40))), timeout=60
            )
        return [len(r.json()["data"]["households"]["nodes"]) for r in responses if not r.json().get("errors")]

    try:
        answered = asyncio.run(run())
    finally:
        small.dispose()
    assert answered == [1] * 40


def test_a_process_runs_three_operations_at_once_whatever_its_pool_allows(engine, monkeypatch):
    """Each operation in flight is one more thread taking the GIL from the event loop, which
    answers quotes: the gate holds the others back, on the loop, at no thread's cost."""
    assert connection_budget(engine) > 3 and operations_at_once(engine) == 3
    in_flight = peak = 0
    run = view.in_worker_thread

    async def counted(make):
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            await asyncio.sleep(0.05)  # long enough for all the others to arrive
            return await run(make)
        finally:
            in_flight -= 1

    monkeypatch.setattr(view, "in_worker_thread", counted)
    app = create_app(engine, registry(), key=TEST_KEY)

    async def ask() -> list[dict]:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
            requests = (http.post("/graphql", json={"query": "{ __typename }"}) for _ in range(12))
            return [r.json() for r in await asyncio.wait_for(asyncio.gather(*requests), timeout=60)]

    assert asyncio.run(ask()) == [{"data": {"__typename": "Query"}}] * 12
    assert peak == 3
