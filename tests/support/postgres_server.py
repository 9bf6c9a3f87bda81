"""A throwaway PostgreSQL server for the test session, started from the machine's binaries.

PostgreSQL refuses to run as root, so as root the server runs as `postgres` (or `nobody`).
Set YIBAO_TEST_POSTGRES_URL to use a server you already have instead.
"""

import glob
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bindir() -> Path:
    """The machine's PostgreSQL if it has one, else the server bundled in the `pgserver` wheel."""
    for candidate in (
        shutil.which("pg_ctl"),
        *sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True),
    ):
        if candidate:
            return Path(candidate).resolve().parent
    if spec := importlib.util.find_spec("pgserver"):
        return Path(spec.origin).parent / "pginstall" / "bin"
    raise RuntimeError(
        "PostgreSQL binaries not found: install PostgreSQL 15 (apt-get install postgresql), "
        "the test extras (pip install -e '.[test]'), or set YIBAO_TEST_POSTGRES_URL"
    )


def _unprivileged_user() -> str:
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name).pw_name
        except KeyError:
            continue
    raise RuntimeError("running as root, but there is no 'postgres' or 'nobody' user to run PostgreSQL")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        self.bindir = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="yibao-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.user = _unprivileged_user() if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.root, self.user)

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def start(self) -> str:
        self._run("initdb", "-D", str(self.data), "-U", "yibao", "--auth=trust", "-E", "UTF8", "--locale=C")
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return f"postgresql+psycopg://yibao@127.0.0.1:{self.port}/postgres"
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not start; see {self.root / 'log'}")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
