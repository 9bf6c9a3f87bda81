"""`yibao serve --workers N`: N server processes, each listening on a socket of its own.

uvicorn's own `--workers` binds one socket and hands it to every worker, and each worker's event
loop accepts *every* connection waiting when it wakes. Clients that open their connections
together and keep them (a proxy's keep-alive pool, bench/load.py's clients) then all land on
whichever worker woke first: with two workers, bench/load.py found 20 of its 20 connections on
one worker while the other used no CPU, so a second worker added nothing (bench/README.md
"One worker against two").

Here each worker binds its own socket to the same address with SO_REUSEPORT, and the kernel
spreads new connections over the listening sockets by a hash of the client's address and port:
connections opened at the same moment are spread as evenly as those opened one by one. (Any
process of the same user could join the group too; that user runs the server already.)

The parent only holds the address (bound, never listening: it gets no connections), starts the
workers, and stops them all on SIGINT or SIGTERM — or when one of them ends, so that the
service manager that started `yibao serve` sees the failure and restarts it whole.
"""

import multiprocessing
import signal
import socket
import sys
import threading

APP = "yibao.api.app:from_environment"  # each worker builds its own app, engine and pool
STOP_TIMEOUT = 15  # s a worker has to finish its requests after SIGTERM before it is killed


def shared_port_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port that other sockets of this user may bind too (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # The protocol named, not left 0: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on
    # sockets whose `proto` says TCP, and an accepted connection takes the listener's. Left 0,
    # every answer written in two parts waited for the client's delayed ACK: 40 ms a request, and
    # two workers answered /healthz at 440 req/s where one answered 1,080 (bench/README.md).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(host: str, port: int) -> None:
    import uvicorn

    sock = shared_port_socket(host, port)  # uvicorn makes it listen
    config = uvicorn.Config(APP, factory=True, host=host, port=port, log_level="info")
    uvicorn.Server(config).run(sockets=[sock])


def run_workers(host: str, port: int, count: int) -> int:
    """Serves with `count` worker processes until a signal or a worker's end; the exit status."""
    # Bound first, here: a port in use fails now, once, and port 0 gets the port all workers share.
    address = shared_port_socket(host, port)
    port = address.getsockname()[1]
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing of the parent's state
    workers = [spawn.Process(target=_worker, args=(host, port), daemon=False) for _ in range(count)]
    for worker in workers:
        worker.start()
    print(f"yibao: {count} workers on http://{host}:{port}", file=sys.stderr, flush=True)
    while not stop.wait(0.5):
        if ended := [worker for worker in workers if not worker.is_alive()]:
            print(f"yibao: worker {ended[0].pid} ended ({ended[0].exitcode}); stopping", file=sys.stderr)
            break
    for worker in workers:
        if worker.is_alive():
            worker.terminate()  # SIGTERM: uvicorn finishes the requests in hand
    for worker in workers:
        worker.join(STOP_TIMEOUT)
        if worker.is_alive():
            worker.kill()
            worker.join()
    address.close()
    return 0 if stop.is_set() else 1
