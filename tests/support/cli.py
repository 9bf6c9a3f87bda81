"""The `yibao` command run as a user runs it: a subprocess, in a directory of the test's choosing."""

import os
import subprocess
import sys
from pathlib import Path


def yibao(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "yibao.api.cli", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
