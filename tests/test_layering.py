"""The layers import one way: api → core ← plugins, and no module imports itself back.

core is the domain and knows nothing of how it is served or which provinces are installed; api
translates between GraphQL, HTTP or the command line and core; plugins give policies as data.
Within api, the command line and the HTTP downloads sit beside GraphQL, not inside it.
"""

import ast
from pathlib import Path

from tests.support.imports import ROOT, cycles, graph

GRAPH = graph()
SURFACE = "yibao.plugins"  # the public plugin surface: plugins/__init__.py


def offending(source: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{i.module}:{i.line} imports {i.target}"
        for module, found in GRAPH.items()
        if module == source or module.startswith(f"{source}.")
        for i in found
        if i.target.startswith(forbidden)
    ]


def test_there_is_a_graph_to_check():
    assert "yibao.core.rules.engine" in GRAPH and "yibao.api.graphql.schema" in GRAPH


def test_core_never_imports_api_or_plugins():
    assert not offending("yibao.core", ("yibao.api", "yibao.plugins"))


def test_api_never_imports_plugins():
    assert not offending("yibao.api", ("yibao.plugins",))


def test_the_provinces_import_only_the_public_plugin_surface():
    found = [
        f"{i.module}:{i.line} imports {i.target}"
        for module, imports in GRAPH.items()
        if module.startswith(f"{SURFACE}.")
        for i in imports
        if i.target != SURFACE and not i.target.startswith(".".join(module.split(".")[:3]))
    ]
    assert not found, f"a plugin imports only from {SURFACE}:\n" + "\n".join(found)


def yibao_imports(path: Path) -> list[str]:
    """The yibao modules a file outside the tree imports (an out-of-tree plugin's module)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return [name for name in names if name == "yibao" or name.startswith("yibao.")]


def test_the_test_plugins_import_only_the_public_plugin_surface():
    files = [
        *(ROOT / "tests" / "plugin_packages").rglob("*.py"),
        *(ROOT / "tests" / "plugin_modules").rglob("*.py"),
    ]
    assert files
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in yibao_imports(path)
        if name != SURFACE
    ]
    assert not found, "\n".join(found)


def test_graphql_and_http_do_not_import_the_command_line():
    assert not offending("yibao.api.graphql", ("yibao.api.cli", "yibao.api.http", "yibao.api.app"))
    assert not offending("yibao.api.http", ("yibao.api.cli", "yibao.api.app"))


def test_no_import_cycles():
    found = cycles(GRAPH)
    assert not found, "modules importing each other:\n" + "\n".join(" ↔ ".join(c) for c in found)
