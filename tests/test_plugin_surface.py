"""The public plugin surface is documented: docs/plugins.md names everything a plugin may use."""

import re
from pathlib import Path

import yibao.plugins
from yibao.plugins import ReportSource

DOCS = (Path(__file__).parents[1] / "docs" / "plugins.md").read_text(encoding="utf-8")


def test_every_name_of_the_surface_is_documented():
    missing = [name for name in yibao.plugins.__all__ if f"`{name}`" not in DOCS]
    assert not missing, f"document these in docs/plugins.md: {missing}"


def test_every_name_of_the_surface_exists():
    assert all(hasattr(yibao.plugins, name) for name in yibao.plugins.__all__)


def test_what_a_report_source_offers_is_documented():
    offered = [name for name in vars(ReportSource) if not name.startswith("_")]
    missing = [name for name in offered if not re.search(rf"`{name}[`(]", DOCS)]
    assert not missing, f"document these ReportSource members in docs/plugins.md: {missing}"


def test_the_guide_imports_only_the_surface():
    imports = re.findall(r"^from (yibao[\w.]*) import", DOCS, re.M)
    assert imports and set(imports) == {"yibao.plugins"}
