"""Every example of the README runs as printed, in order, on a fresh copy of the repository.

A block marked `<!-- example -->` runs; `<!-- example: server -->` starts the server (in the
background, probed on /healthz until it answers). Shell blocks run in one bash session, so the
`TOKEN` one block sets is the one the next sends; a GraphQL block is posted to the server with
that session's `$TOKEN`, as GraphiQL with the token under Headers would. Nothing may answer an
error.

Two things differ from a person at a terminal, and only these: the server listens on a free
port instead of 8000 (other tests may hold 8000), and `python3 -m venv .venv` and
`.venv/bin/pip install -e .` are the environment this suite already runs in — `.venv/bin/…` runs
the yibao installed here. CI runs the install itself, verbatim (.ci/run, tests/test_readme.py).
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
BLOCK = re.compile(r"(?:<!-- (example(?::\s*\w+)?) -->\n)?```(\w+)\n(.*?)```", re.S)
README_PORT = "8000"


def blocks() -> list[tuple[str | None, str, str]]:
    """(marker, language, body) of every fenced block of the README, in order."""
    return [(m[0] or None, m[1], m[2]) for m in BLOCK.findall((ROOT / "README.md").read_text("utf-8"))]


def test_every_shell_block_is_an_example_or_the_ci_command():
    for marker, language, body in blocks():
        if language == "sh" and marker is None:
            assert "pytest" in body, f"mark this README block <!-- example -->, or make it one:\n{body}"


def fresh_copy(target: Path) -> None:
    """The files of the repository a clone would hold (tracked, or new and not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


SHIMS = {
    # `python3 -m venv .venv` makes a .venv whose tools are this environment's.
    "python3": """#!/bin/sh
if [ "$1 $2 $3" = "-m venv .venv" ]; then
  mkdir -p .venv/bin
  for tool in python pip yibao; do ln -sf "$SHIMS/venv-$tool" ".venv/bin/$tool"; done
  exit 0
fi
exec "$PYTHON" "$@"
""",
    "venv-python": '#!/bin/sh\nexec "$PYTHON" "$@"\n',
    # `pip install -e .`: yibao is installed here already; say so, or fail.
    "venv-pip": """#!/bin/sh
[ "$1 $2" = "install -e" ] && exec "$PYTHON" -c "import yibao.api.app"
echo "the README example runs pip otherwise: $*" >&2; exit 1
""",
    "venv-yibao": '#!/bin/sh\nexec "$PYTHON" -m yibao.api.cli "$@"\n',
}


def free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def session_script(workdir: Path, port: str) -> str:
    """The README's examples as one bash script; `### N` before each block says where it failed."""
    url = f"http://127.0.0.1:{port}"
    lines = ["set -euo pipefail"]
    for number, (marker, language, body) in enumerate(blocks()):
        if marker is None:
            continue
        body = body.replace(f"127.0.0.1:{README_PORT}", f"127.0.0.1:{port}")
        lines.append(f"printf '\\n### {number}\\n'")  # on a line of its own
        if marker == "example: server":
            command = body.strip().replace("yibao serve", f"yibao serve --port {port}")
            # A later server block (the demo's) takes the port over from the earlier server; it may
            # seed before it serves, so the wait allows minutes.
            lines += [
                'if [ -n "${SERVER:-}" ]; then kill "$SERVER"; wait "$SERVER" || true; fi',
                f"( {command} ) >> {workdir / 'serve.log'} 2>&1 &",
                "SERVER=$!",
                f"for _ in $(seq 3000); do curl -sf {url}/healthz >/dev/null && break; sleep 0.1; done",
                f"curl -sf {url}/healthz",
                "echo",
            ]
        elif language == "sh":
            lines.append(body)
        elif language == "graphql":
            request = workdir / f"request-{number}.json"
            request.write_text(json.dumps({"query": body}), encoding="utf-8")
            lines += [
                f"curl -sS {url}/graphql -H 'Content-Type: application/json' "
                f'-H "Authorization: Bearer $TOKEN" --data-binary @{request}',
                "echo",
            ]
    return "\n".join(lines) + "\n"


def test_every_readme_example_runs_as_printed_on_a_fresh_copy(tmp_path):
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed: the README's examples use it")
    clone, shims = tmp_path / "yibao", tmp_path / "shims"
    clone.mkdir()
    shims.mkdir()
    fresh_copy(clone)
    copied = {p.relative_to(clone).as_posix() for p in clone.rglob("*") if p.is_file()}
    for name, text in SHIMS.items():
        (shims / name).write_text(text, encoding="utf-8")
        (shims / name).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")}  # no configuration
    env |= {"PATH": f"{shims}:{env['PATH']}", "SHIMS": str(shims), "PYTHON": sys.executable}
    script = session_script(tmp_path, free_port())

    session = subprocess.Popen(
        ["bash", "-c", script],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # the server it starts goes with it
    )
    try:
        output, _ = session.communicate(timeout=600)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(session.pid, signal.SIGTERM)
    last = re.findall(r"^### (\d+)$", output, re.M)
    where = blocks()[int(last[-1])][2] if last else "before the first block"
    assert session.returncode == 0, f"README block failed:\n{where}\n--- output ---\n{output[-3000:]}"
    answers = [json.loads(line) for line in output.splitlines() if line.startswith('{"data"')]
    graphql = sum(1 for marker, language, _ in blocks() if marker and language == "graphql")
    assert len(answers) >= graphql, output[-3000:]
    for answer in answers:
        assert "errors" not in answer and "InputErrors" not in json.dumps(answer), answer
    assert '"errors"' not in output, output[-3000:]
    # What the examples leave in a clone (the database, its key, the exports, .venv), .gitignore
    # keeps out of a commit.
    left = sorted(p.relative_to(clone).as_posix() for p in clone.rglob("*") if p.is_file() or p.is_symlink())
    left = [name for name in left if name not in copied]
    assert {"yibao.db", "yibao.key", "缴费清册.xlsx"} <= set(left)
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "-z", "--stdin"],
        cwd=ROOT,
        input="\0".join(left).encode(),
        capture_output=True,
    )
    assert sorted(filter(None, ignored.stdout.decode().split("\0"))) == left, ignored
