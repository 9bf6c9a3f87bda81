"""`yibao serve` as a real subprocess on a free loopback port, for tests that need the process."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(cwd: Path, env: dict, *extra: str, port: int | None = None) -> tuple[subprocess.Popen, str]:
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "yibao.api.cli", "serve", "--port", str(port), *extra],
        cwd=cwd,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            return process, url
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.2)
    raise AssertionError("yibao serve did not answer within 60 s")


@contextmanager
def serving(cwd: Path, env: dict, *extra: str):
    process, url = start(cwd, env, *extra)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
