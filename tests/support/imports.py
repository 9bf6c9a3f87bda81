"""The import graph of the yibao modules, read from the source (nothing is imported to build it).

Every import counts, at the top of a module or inside a function, except under
`if TYPE_CHECKING:`, which never runs.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[2]
PACKAGES = {"api": "yibao.api", "core": "yibao.core", "plugins": "yibao.plugins"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the module imported (a submodule when `from package import submodule`)
    line: int


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """yibao module name → source file, for every module of the tree."""
    found = {}
    for folder, package in PACKAGES.items():
        for path in sorted((root / folder).rglob("*.py")):
            parts = path.relative_to(root / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path
    return found


def _runs(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node that can run: all of them but what sits under `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if (
            isinstance(node, ast.If)
            and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING"
        ):
            yield from (n for child in node.orelse for n in [child, *_runs(child)])
            continue
        yield node
        yield from _runs(node)


def imports_of(module: str, path: Path, modules: set[str]) -> list[Import]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in _runs(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                found.append(Import(module, submodule if submodule in modules else source, node.lineno))
    return found


def graph(root: Path = ROOT) -> dict[str, list[Import]]:
    """Each yibao module → its imports of other yibao modules."""
    files = module_files(root)
    names = set(files)
    return {
        module: [
            i for i in imports_of(module, path, names) if i.target.startswith("yibao.") and i.target != module
        ]
        for module, path in files.items()
    }


def cycles(edges: dict[str, list[Import]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in {i.target for i in edges.get(node, ())}:
            if target not in edges:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found
