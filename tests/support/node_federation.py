"""The federation example of docs/federation.md, run for real: its npm packages installed once into
a folder git ignores, and its node scripts (a tax subgraph, Apollo Gateway) as processes."""

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.support.npm import installed

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "federation"


def node_folder() -> Path:
    """A folder with the example's scripts and its pinned packages installed; skips without node."""
    folder = installed(EXAMPLE, "federation-npm")
    for path in EXAMPLE.iterdir():  # the scripts as committed, beside their node_modules
        if path.suffix in (".mjs", ".graphql"):
            shutil.copy(path, folder / path.name)
    return folder


def compose(folder: Path, subgraphs: dict[str, str]) -> dict:
    """compose.mjs over these SDLs: per composer version, its errors and the supergraph."""
    files = []
    for name, sdl in subgraphs.items():
        path = folder / f"subgraph-{name}.graphql"
        path.write_text(sdl, encoding="utf-8")
        files.append(f"{name}={path}")
    done = subprocess.run(
        ["node", "compose.mjs", *files], cwd=folder, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@contextmanager
def node_process(folder: Path, script: str, port: int, **env: str):
    """`node script` with these variables, until it answers GraphQL on `port`."""
    process = subprocess.Popen(
        ["node", script],
        cwd=folder,
        env={**os.environ, **env, "PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, process.stdout.read()
            try:
                post(url, "{ __typename }")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, f"{script} did not answer on {url}"
                time.sleep(0.3)
        yield url
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def post(url: str, query: str, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps({"query": query}).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:  # GraphQL errors may come with a 4xx: the body says
        return json.loads(error.read())
