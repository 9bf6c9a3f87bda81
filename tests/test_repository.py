"""The repository stands on its own: nothing in it points to a folder outside it.

The contracts live in docs/contract/. One description in the committed SDL still names the
contract's former home; the SDL is pinned byte for byte, so that line waits for the next schema
change, and is the only one allowed.
"""

from pathlib import Path

ROOT = Path(__file__).parents[1]
# .cache/ holds the npm packages the node tests install (git ignores it): other people's files.
SKIP = {".venv", ".git", "build", "__pycache__", ".pytest_cache", ".hypothesis", ".cache", "node_modules"}
PINNED_IN_THE_SDL = "A code from shared/contract/categories.md."
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
            if OUTSIDE in line.replace(PINNED_IN_THE_SDL, ""):
                found.append(f"{relative}:{number}: {line.strip()[:80]}")
    assert not found, "\n".join(found)
