"""The hook contract is documented: every hookspec appears in docs/plugins.md."""

import inspect
from pathlib import Path

from yibao.core import hookspecs

DOCS = (Path(__file__).parents[2] / "docs" / "plugins.md").read_text(encoding="utf-8")


def hook_names() -> list[str]:
    return [
        name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("yibao_")
    ]


def test_there_are_hooks_to_document():
    assert {"yibao_policies", "yibao_categories", "yibao_scenario_paths"} <= set(hook_names())


def test_every_hook_has_a_section_in_the_plugin_guide():
    missing = [name for name in hook_names() if f"### `{name}`" not in DOCS]
    assert not missing, f"undocumented hooks: {missing}"


def test_the_guide_states_the_contract_version():
    assert f"Contract version {hookspecs.CONTRACT_VERSION}" in DOCS
