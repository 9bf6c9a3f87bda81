"""Quote benchmark: `quote` over HTTP against `GET /healthz` of the same server and client.

    .venv/bin/python bench/quote.py [--sqlite] [--clients 20] [--duration 10] [--rounds 2]

Starts `yibao serve` (one worker) as bench/load.py does — on a throwaway PostgreSQL, or with
`--sqlite` on a SQLite file — and runs closed-loop clients (each sends its next request when the
last is answered) on loopback: `/healthz`, then `quote` with bench/load.py's varied Dongzhi 2022
inputs (no token), alternating `--rounds` times so that a disturbance of the shared machine falls
on both. Prints each phase's req/s, then the totals and `quote ÷ healthz`. The quotes' dates are
fixed (2021–2022), not counted from today. See bench/README.md.
"""

import argparse
import asyncio
import random
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/load.py, run as a script

import load  # noqa: E402
from load import QUOTE, SetupError, clean_up, create_database, free_port, httpx, quote_input  # noqa: E402

from tests.support.postgres_server import PostgresServer  # noqa: E402


async def phase(base: str, operation: str, clients: int, warmup: float, seconds: float, seed: int) -> int:
    """Requests of `operation` answered with 200 (and, for quote, without errors) inside the window."""
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    counted, failures = [0], []

    async def client(number: int, http) -> None:
        rng = random.Random(seed * 10_000 + number)
        while time.perf_counter() < stop_at:
            if operation == "healthz":
                response = await http.get("/healthz")
                ok = response.status_code == 200
            else:
                body = {"query": QUOTE, "variables": {"input": quote_input(rng)}}
                response = await http.post("/graphql", json=body)
                ok = response.status_code == 200 and not response.json().get("errors")
            if not ok:
                failures.append(response.text[:300])
            elif measure_from <= time.perf_counter() <= stop_at:
                counted[0] += 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        await asyncio.gather(*(client(i, http) for i in range(clients)))
    if failures:
        raise SetupError(f"{len(failures)} {operation} requests failed, e.g. {failures[0]}")
    return counted[0]


async def benchmark(args, base: str) -> None:
    totals = {"healthz": 0, "quote": 0}
    print(f"{args.clients} clients, {args.warmup:g} s warm-up + {args.duration:g} s per phase")
    for round_ in range(args.rounds):
        for operation in ("healthz", "quote"):
            count = await phase(base, operation, args.clients, args.warmup, args.duration, args.seed + round_)
            totals[operation] += count
            print(f"  round {round_ + 1} {operation:8} {count / args.duration:9.1f} req/s", flush=True)
    seconds = args.rounds * args.duration
    healthz, quote = (totals[k] / seconds for k in ("healthz", "quote"))
    print(
        f"\n/healthz {healthz:9.1f} req/s\nquote    {quote:9.1f} req/s\nquote ÷ healthz {quote / healthz:.2f}"
    )


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="serve on a SQLite file, not PostgreSQL")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--duration", type=float, default=10, help="measured seconds per phase (default 10)")
    parser.add_argument("--warmup", type=float, default=2, help="unmeasured seconds per phase (default 2)")
    parser.add_argument("--rounds", type=int, default=2, help="healthz/quote alternations (default 2)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the quote inputs")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, load._terminate)  # `kill` cleans up like Ctrl-C does
    postgres, server = None, None
    workdir = Path(tempfile.mkdtemp(prefix="yibao-bench-quote-"))
    try:
        if args.sqlite:
            url = f"sqlite:///{workdir / 'quote.db'}"
        else:
            postgres = PostgresServer()
            url = create_database(postgres.start(), "yibao_bench")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = load.start_server(url, secrets.token_urlsafe(48), port, workdir)
        load.wait_healthy(server, base, workdir / "server.log")
        print(f"yibao serve (pid {server.pid}) on {base}, {'SQLite' if args.sqlite else 'PostgreSQL'}")
        asyncio.run(benchmark(args, base))
        return 0
    except SetupError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        clean_up(server, postgres, workdir)


if __name__ == "__main__":
    sys.exit(main())
