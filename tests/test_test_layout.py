"""The tests mirror the code, share helpers through tests/support/ only, and never import each other."""

import ast
from pathlib import Path

TESTS = Path(__file__).parent
OUTSIDE = {"plugin_packages", "snapshots", "__pycache__"}  # packages built elsewhere; data
PLUGIN_MODULES = "plugin_modules"  # loaded as plugins through entry points, not imported


def modules() -> list[Path]:
    return [path for path in TESTS.rglob("*.py") if not OUTSIDE & set(path.relative_to(TESTS).parts)]


def imported(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return [name for name in names if name.startswith("tests.")]


def test_no_test_module_imports_another():
    found = [
        f"{path.relative_to(TESTS)} imports {name}"
        for path in modules()
        for name in imported(path)
        if any(part.startswith("test_") for part in name.split("."))
    ]
    assert not found, "move what they share into tests/support/:\n" + "\n".join(found)


def test_helpers_live_in_tests_support():
    stray = [
        path.relative_to(TESTS).as_posix()
        for path in modules()
        if not path.name.startswith("test_")
        and path.name not in ("__init__.py", "conftest.py")
        and path.relative_to(TESTS).parts[0] not in ("support", PLUGIN_MODULES)
    ]
    assert not stray, f"helpers outside tests/support/: {stray}"
