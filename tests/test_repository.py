"""The repository stands on its own: nothing in it points to a folder outside it.

The contracts live in docs/contract/, and the SDL's descriptions name them there.
"""

from pathlib import Path

ROOT = Path(__file__).parents[1]
# .cache/ holds the npm packages the node tests install (git ignores it): other people's files.
SKIP = {".venv", ".git", "build", "__pycache__", ".pytest_cache", ".hypothesis", ".cache", "node_modules"}
OUTSIDE = "shared" + "/"  # the folder beside the repository the contracts once lived in
TEXT = {
    ".py",
    ".md",
    ".graphql",
    ".toml",
    ".yaml",
    ".tmpl",
    ".txt",
    ".csv",
    ".mako",
    ".ts",
    ".mjs",
    ".html",
    "",
}


def test_nothing_points_outside_the_repository():
    found = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if SKIP & set(relative.parts) or not path.is_file() or path.suffix not in TEXT:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE in line:
                found.append(f"{relative}:{number}: {line.strip()[:80]}")
    assert not found, "\n".join(found)
