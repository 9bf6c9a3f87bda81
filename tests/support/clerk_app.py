"""docs/examples/clerk-app built as its README says: its pinned npm packages installed once into a
folder git ignores, then graphql-codegen, tsc and esbuild run on a copy of the example that sits,
as in the repository, three folders below a copy of api/schema.graphql."""

import shutil
import subprocess
from pathlib import Path

from tests.support.npm import installed

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "clerk-app"
GENERATED = Path("src") / "generated"


def node_modules() -> Path:
    """The example's packages, installed when its package.json changed; skips without node."""
    return installed(EXAMPLE, "clerk-app-npm") / "node_modules"


def copy_of_example(tmp_path: Path) -> Path:
    """The example and the schema at their repository places under `tmp_path`, the installed
    packages beside the example, and the committed generated code set aside as committed/."""
    (tmp_path / "api").mkdir(parents=True)
    shutil.copy(ROOT / "api" / "schema.graphql", tmp_path / "api" / "schema.graphql")
    folder = tmp_path / "docs" / "examples" / "clerk-app"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("node_modules", "app.js"))
    (folder / "node_modules").symlink_to(node_modules(), target_is_directory=True)
    (folder / GENERATED).rename(folder / "committed")
    return folder


def npm_run(folder: Path, script: str) -> None:
    done = subprocess.run(
        ["npm", "run", "--silent", script], cwd=folder, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"npm run {script}:\n{done.stdout}\n{done.stderr}"


def stale_files(folder: Path) -> list[str]:
    """Generated files that differ from (or are missing beside) the committed ones."""
    fresh, committed = folder / GENERATED, folder / "committed"
    names = {p.name for p in fresh.iterdir()} | {p.name for p in committed.iterdir()}
    return sorted(
        name
        for name in names
        if not (fresh / name).exists()
        or not (committed / name).exists()
        or (fresh / name).read_bytes() != (committed / name).read_bytes()
    )
