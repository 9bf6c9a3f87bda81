"""Plugin packages built and installed the way a regional team's would be, into a temporary target."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGES = Path(__file__).parents[1] / "plugin_packages"
YIBAO = Path(sys.executable).with_name("yibao")


def install(source: Path, tmp_path: Path) -> dict[str, str]:
    """Builds and installs the package at `source` (a folder of tests/plugin_packages by name, or a
    path) next to yibao; the environment in which it is installed."""
    source = PACKAGES / source if not Path(source).is_absolute() else Path(source)
    copy = shutil.copytree(source, tmp_path / "src" / source.name)
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(copy)],
        check=True,
    )  # fmt: skip
    return {**os.environ, "PYTHONPATH": str(target)}
