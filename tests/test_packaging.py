"""The distribution claims only the name `yibao`, and nothing imports the folders by their own names.

The repository keeps `api/`, `core/` and `plugins/` at the top, but they install as `yibao.api`,
`yibao.core` and `yibao.plugins`. `python -m pytest` from the repository puts it on `sys.path`, so
`import core` would still work here — and load a second copy of every table — which is why the
imports are checked in the source as well as in a process started elsewhere.
"""

import ast
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[1]
TOP_LEVEL = {"api", "core", "plugins"}
# The wheel holds every file of the three folders: code, and the data it reads at run time (policy
# scenarios, templates, the dashboard's page, scripts and vendored licences). Not local databases.
NOT_SHIPPED = {".db", ".pyc"}
SKIP = {".venv", ".git", "build", "__pycache__", ".pytest_cache", ".hypothesis"}


def python_files() -> list[Path]:
    return sorted(path for path in ROOT.rglob("*.py") if not SKIP & set(path.relative_to(ROOT).parts))


def top_level_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno} {name}"
            for name in names
            if name.split(".")[0] in TOP_LEVEL
        ]
    return found


IMPORT_IN_TEXT = re.compile(r"\b(from|import) (api|core|plugins)[. ]")
# A dotted target is imported too: monkeypatch.setattr("core.imports.jobs.open_table", …) loads `core`.
DOTTED_TARGET = re.compile(r"^(api|core|plugins)(\.[a-z_]\w*){2,}$")


def imports_in_strings(path: Path) -> list[str]:
    """Code run elsewhere (`python -c "…"`, a subprocess) is a string: its imports count too, and
    so does a dotted name that a string-taking helper imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.value[:60]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and (IMPORT_IN_TEXT.search(node.value) or DOTTED_TARGET.match(node.value))
    ]


def test_nothing_imports_api_core_or_plugins_by_their_folder_names():
    found = [line for path in python_files() for line in top_level_imports(path) + imports_in_strings(path)]
    assert not found, "import yibao.… instead:\n" + "\n".join(found)


def test_no_second_copy_of_the_packages_is_loaded():
    assert not TOP_LEVEL & set(sys.modules), "a module imported api, core or plugins by folder name"


def test_outside_the_repository_only_yibao_is_importable(tmp_path):
    probe = (
        "import importlib.util, yibao.core, yibao.api, yibao.plugins.anhui\n"
        "print([importlib.util.find_spec(name) for name in ('api', 'core', 'plugins')])"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert shown.stdout.strip() == "[None, None, None]"


def built_wheel(tmp_path: Path) -> zipfile.ZipFile:
    """A wheel built from a copy of the tree, so a stale build/ folder cannot add to it."""
    source = tmp_path / "source"
    ignore = shutil.ignore_patterns(*SKIP, "*.egg-info", "*.db")
    for name in ("api", "core", "plugins"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--wheel-dir", str(tmp_path / "dist"), str(source)],
        check=True,
    )  # fmt: skip
    [wheel] = (tmp_path / "dist").glob("yibao-*.whl")
    return zipfile.ZipFile(wheel)


def test_the_wheel_holds_only_yibao_and_every_package_of_the_tree(tmp_path):
    names = built_wheel(tmp_path).namelist()
    outside = [name for name in names if not name.startswith(("yibao/", "yibao-"))]
    assert not outside, outside
    assert all(name.split("/")[0] == "yibao" or ".dist-info/" in name for name in names)
    tree = {
        f"yibao/{path.relative_to(ROOT).as_posix()}"
        for folder in TOP_LEVEL
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and path.suffix not in NOT_SHIPPED and not SKIP & set(path.parts)
    }
    missing = sorted(tree - set(names))
    assert not missing, f"list these packages or their data in pyproject.toml: {missing}"
