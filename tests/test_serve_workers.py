"""`yibao serve --workers 2` shares connections between its workers (api/cli/workers.py), and
answers them without Nagle's delay.

With uvicorn's shared socket, connections opened together all went to the worker that woke first
(bench/load.py's 20 clients: 20 on one worker, the other idle). Here 40 keep-alive connections are
opened at once, then each asks for /healthz: both workers must hold some of them.
"""

import asyncio
import os
import signal
import socket
import sys
import time
from urllib.parse import urlparse

import pytest

from tests.support.serving import start
from tests.support.sockets import children, connection_holders, listeners
from yibao.api.cli.workers import shared_port_socket

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

CONNECTIONS = 40


def _ask(connection: socket.socket) -> bytes:
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += connection.recv(4096)
    return answer


def test_connections_opened_together_are_spread_over_the_workers(tmp_path):
    process, url = start(tmp_path, {"YIBAO_DATABASE_URL": ""}, "--workers", "2")
    port = urlparse(url).port
    connections = []
    try:
        # /healthz answers as soon as one worker is up; the other may still be starting.
        deadline = time.monotonic() + 60
        while listeners(port) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert listeners(port) == 2  # a socket of its own per worker
        # All connected before any is used: the kernel queues them while the workers sleep.
        connections = [socket.create_connection(("127.0.0.1", port)) for _ in range(CONNECTIONS)]
        answers = [_ask(connection) for connection in connections]
        assert all(answer.startswith(b"HTTP/1.1 200") for answer in answers)
        held = connection_holders(port, children(process.pid))
        assert sum(held.values()) == CONNECTIONS
        assert len(held) == 2, held  # both workers, not one
    finally:
        for connection in connections:
            connection.close()
        process.terminate()
        process.wait(timeout=20)


def test_a_worker_that_ends_stops_the_server(tmp_path):
    # The service manager that started `yibao serve` then sees the failure and restarts it whole.
    process, url = start(tmp_path, {"YIBAO_DATABASE_URL": ""}, "--workers", "2")
    try:
        port = urlparse(url).port
        with socket.create_connection(("127.0.0.1", port)) as connection:
            _ask(connection)
            (worker,) = connection_holders(port, children(process.pid))
        os.kill(worker, signal.SIGKILL)
        assert process.wait(timeout=60) == 1
        assert not [pid for pid in children(process.pid) if pid != worker]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_workers_connections_send_without_waiting_for_the_clients_ack():
    """A worker's socket is served by asyncio as uvicorn serves it; every connection it accepts
    must have Nagle's algorithm off, as uvicorn's own sockets do: with it on, an answer written in
    two parts waits for the client's delayed ACK (40 ms a request under load)."""

    async def accept_one() -> int:
        accepted = asyncio.get_running_loop().create_future()

        class Server(asyncio.Protocol):
            def connection_made(self, transport):
                sock = transport.get_extra_info("socket")
                accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        listening = shared_port_socket("127.0.0.1", 0)
        server = await asyncio.get_running_loop().create_server(Server, sock=listening)
        try:
            _, writer = await asyncio.open_connection(*listening.getsockname())
            writer.close()
            return await asyncio.wait_for(accepted, 10)
        finally:
            server.close()

    assert asyncio.run(accept_one()) != 0
