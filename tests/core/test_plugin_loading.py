"""Strict plugin loading: real entry points, real packages, clear refusals."""

import subprocess
import sys
from importlib.metadata import EntryPoint

import pytest

from tests.support.packages import YIBAO, install
from yibao.core import plugins
from yibao.core.plugins import PluginError, load_registry, plugin_manager

PROVINCES = {"anhui", "henan", "chongqing", "guizhou"}


def use_entry_points(monkeypatch, **modules: str) -> None:
    """Replaces the installed `yibao` entry points with these real ones."""
    found = [EntryPoint(name, value, "yibao") for name, value in modules.items()]
    monkeypatch.setattr(plugins, "entry_points", lambda group: found if group == "yibao" else [])


def test_the_four_provinces_register_through_entry_points():
    names = {name for name, _ in plugin_manager().list_name_plugin()}
    assert names >= PROVINCES
    assert {p.province for p in load_registry().policies()} >= PROVINCES


def test_an_environment_variable_blocks_a_plugin(monkeypatch):
    monkeypatch.setenv("YIBAO_DISABLE_PLUGINS", "henan, guizhou")
    names = {name for name, _ in plugin_manager().list_name_plugin()}
    assert names >= {"anhui", "chongqing"} and not names & {"henan", "guizhou"}
    provinces = {p.province for p in load_registry().policies()}
    assert provinces >= {"anhui", "chongqing"} and not provinces & {"henan", "guizhou"}


def test_a_plugin_that_fails_to_import_stops_start_up(monkeypatch):
    use_entry_points(monkeypatch, anhui="yibao.plugins.anhui", flaky="tests.plugin_modules.fails_to_import")
    with pytest.raises(PluginError, match=r"插件 flaky.*yibao_dependency_that_is_not_installed"):
        plugin_manager()


def test_an_undeclared_category_code_stops_start_up(monkeypatch):
    use_entry_points(monkeypatch, unknown_category="tests.plugin_modules.unknown_category")
    with pytest.raises(PluginError, match=r"插件 unknown_category.*未知的类别代码 NOT_A_CATEGORY"):
        load_registry()


def test_a_plugin_may_declare_its_own_category(monkeypatch):
    use_entry_points(monkeypatch, declared_category="tests.plugin_modules.declared_category")
    registry = load_registry()
    assert registry.categories["LOCAL_HERO"] == "见义勇为人员"
    assert [p.id for p in registry.policies()] == ["declared_category/110101/2030"]


def test_a_parameter_file_must_name_known_parameters(monkeypatch, tmp_path):
    path = tmp_path / "parameters.toml"
    path.write_text('["anhui/341721/2022"]\nno_such_parameter = "1.00"\n', encoding="utf-8")
    monkeypatch.setenv("YIBAO_PARAMETERS", str(path))
    with pytest.raises(PluginError, match="没有参数 no_such_parameter"):
        load_registry()


# An out-of-tree package, built and installed the way a regional team's would be.


POLICIES_QUERY = """
from yibao.api.graphql.context import Context
from yibao.api.graphql.schema import default_schema
from yibao.core.plugins import load_registry

result = default_schema().execute_sync(
    '{ policies(regionCode: "110000") { id province documents { number } tiers { personalContribution } } }',
    context_value=Context(engine=None, registry=load_registry()),
)
assert not result.errors, result.errors
print(result.data)
"""


def test_an_installed_out_of_tree_plugin_appears_in_policies(tmp_path):
    env = install("demo", tmp_path)
    shown = subprocess.run([sys.executable, "-c", POLICIES_QUERY], env=env, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert "'id': 'demo/110101/2030'" in shown.stdout
    assert "示例〔2029〕1号" in shown.stdout and "'personalContribution': '400.00'" in shown.stdout


def test_an_installed_plugin_with_an_unknown_hook_stops_start_up(tmp_path):
    env = install("broken", tmp_path)
    refused = subprocess.run([str(YIBAO), "policy", "list"], env=env, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "插件 broken" in refused.stderr and "改名为 yibao_policies" in refused.stderr
    checked = subprocess.run(
        [str(YIBAO), "plugin", "check", "broken"], env=env, capture_output=True, text=True
    )
    assert checked.returncode == 1 and "yibao_policys" in checked.stdout + checked.stderr
