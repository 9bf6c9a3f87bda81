"""The `yibao` command as a user runs it: in a fresh directory, with no configuration."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"


def yibao(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(README.parent), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_db_upgrade_creates_the_sqlite_file_in_the_working_directory(tmp_path):
    result = yibao("db", "upgrade", cwd=tmp_path, env={"YIBAO_DATABASE_URL": ""})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "yibao.db").stat().st_size > 0


def test_db_upgrade_honours_the_database_url(tmp_path):
    target = tmp_path / "elsewhere.db"
    result = yibao("db", "upgrade", cwd=tmp_path, env={"YIBAO_DATABASE_URL": f"sqlite:///{target}"})
    assert result.returncode == 0, result.stderr
    assert target.exists() and not (tmp_path / "yibao.db").exists()


def test_plugins_lists_what_is_loaded(tmp_path):
    result = yibao("plugins", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_schema_export_writes_the_committed_sdl(tmp_path):
    result = yibao("schema", "export", str(tmp_path / "out.graphql"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    committed = (README.parent / "api" / "schema.graphql").read_text(encoding="utf-8")
    assert (tmp_path / "out.graphql").read_text(encoding="utf-8") == committed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _readme_example() -> str:
    match = re.search(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert match, "README.md has no ```graphql example"
    return match.group(1)


@pytest.fixture
def served(tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(README.parent), "YIBAO_DATABASE_URL": ""},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            break
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_the_readme_example_works_against_a_fresh_server(served, tmp_path):
    request = urllib.request.Request(
        f"{served}/graphql",
        data=json.dumps({"query": _readme_example()}).encode(),
        headers={"Content-Type": "application/json"},
    )
    body = json.loads(urllib.request.urlopen(request, timeout=10).read())
    assert "errors" not in body, body
    household = body["data"]["registerHousehold"]
    assert household["__typename"] == "Household"
    assert household["head"]["birthDate"] == "1975-03-09"
    assert (tmp_path / "yibao.db").exists()
