"""An example's pinned npm packages, installed once into a folder git ignores (`.cache/`) and again
only when its package.json changes; a test that needs them skips where node is missing.

The suite runs in parallel workers (pytest-xdist): the first to arrive installs under a file lock,
the others wait for it and find the stamp written."""

import fcntl
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def installed(example: Path, name: str) -> Path:
    """The folder `.cache/<name>` holding `example`'s package.json and its node_modules."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed: apt-get install nodejs npm (.ci/run does)")
    cache = ROOT / ".cache" / name  # .gitignore: .cache/
    cache.mkdir(parents=True, exist_ok=True)
    manifest = (example / "package.json").read_bytes()
    stamp = cache / ".installed"
    with open(cache.with_name(f"{name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not stamp.exists() or stamp.read_text() != hashlib.sha256(manifest).hexdigest():
            (cache / "package.json").write_bytes(manifest)
            subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=cache,
                check=True,
                timeout=600,
            )
            stamp.write_text(hashlib.sha256(manifest).hexdigest())
    return cache
