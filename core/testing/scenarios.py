"""YAML scenarios, and the pytest plugin that runs them and checks what they cover.

Regional teams state quote cases without writing Python; the format, field by field, is in
docs/plugins.md ("Scenarios"). This module is core's pytest plugin (entry point `pytest11`), so
`python -m pytest` in any folder runs, with every installed plugin loaded:

- each case of every `*.yaml` file in a folder named `scenarios`, through the rules registry;
- for each plugin whose package lies in the folder pytest runs in (its `__init__.py` is
  collected), the coverage checks of core/testing/coverage.py on each of its policies, over the
  scenario files its `yibao_scenario_paths` hook names.

A case:

    - name: 低保对象 pays 30 on the first day of the window
      policy: anhui/341721/2022
      tier: "1"                 # optional, the first tier by default
      paidOn: 2021-09-20
      person:                   # PersonFactsInput of docs/contract/quote.graphql
        birthDate: 1960-05-01
        categories: [{code: MINIMUM_LIVING, since: 2021-06-01}]
        hukouRegionCode: "341721"   # optional: where the household registration lies
        continuity: {lapsedYears: 2, repairYears: 1}   # optional: history before the year
      parameters: {}            # optional values for the policy's open parameters
      expect:                   # any Quote fields; only these are checked
        accepted: true
        subsidy: "290.00"
        amountDue: "30.00"
      cites: 东政办〔2021〕6号 四（三）1
"""

from functools import cache
from pathlib import Path

import pytest

from . import coverage
from .cases import Scenario, files, load, mismatches, person_facts

__all__ = ["Scenario", "files", "load", "mismatches", "person_facts", "plugin_scenarios", "registry"]


@cache
def registry():
    from ..plugins import load_registry

    return load_registry()


@cache
def _manager():
    from ..plugins import plugin_manager

    return plugin_manager()


def plugin_scenarios(name: str) -> dict[str, list[Scenario]]:
    """The scenarios of one plugin's `yibao_scenario_paths`, by policy id."""
    from ..plugins import call

    manager = _manager()
    found: dict[str, list[Scenario]] = {}
    for paths in call(manager, manager.get_plugin(name), "yibao_scenario_paths"):
        for path in files([paths] if isinstance(paths, str | Path) else paths):
            for scenario in load(path):
                found.setdefault(scenario.policy, []).append(scenario)
    return found


def _plugin_of(file_path: Path, rootdir: Path) -> str | None:
    """The plugin whose package `file_path` (an `__init__.py`) is: the very file it was loaded
    from, or, when it was installed from this folder, the folder its dotted name ends with."""
    if file_path.name != "__init__.py":
        return None
    try:
        folders = file_path.parent.resolve().relative_to(rootdir.resolve()).parts
    except ValueError:
        return None
    for name, module in _manager().list_name_plugin():
        loaded = Path(getattr(module, "__file__", "") or "")
        if loaded.name == "__init__.py" and loaded.resolve() == file_path.resolve():
            return name
        dotted = tuple(module.__name__.split("."))
        common = min(len(dotted), len(folders))
        if common and dotted[-common:] == folders[-common:]:
            return name
    return None


# pytest wiring


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix == ".yaml" and file_path.parent.name == "scenarios":
        return ScenarioFile.from_parent(parent, path=file_path)
    if file_path.name == "__init__.py" and (name := _plugin_of(file_path, parent.config.rootpath)):
        return PluginCoverage.from_parent(parent, path=file_path, plugin=name)
    return None


class ScenarioFile(pytest.File):
    def collect(self):
        for scenario in load(self.path):
            yield ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)


class ScenarioMismatch(AssertionError):
    pass


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, **kwargs):
        super().__init__(**kwargs)
        self.scenario = scenario

    def runtest(self):
        quote = registry().quote(self.scenario.request())
        problems = mismatches(self.scenario.expect, quote.as_contract())
        if problems:
            steps = "\n".join(
                f"    {s.rule}: {s.detail} {s.amount or ''} [{s.citation}]" for s in quote.explanation
            )
            raise ScenarioMismatch("\n".join(problems) + f"\n  explanation:\n{steps}")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioMismatch):
            return f"scenario {self.scenario.name!r} ({self.scenario.cites}):\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"scenario: {self.name}"


class PluginCoverage(pytest.File):
    """The coverage checks (core/testing/coverage.py) of one plugin's policies."""

    def __init__(self, *, plugin: str, **kwargs):
        super().__init__(**kwargs)
        self.plugin = plugin

    def collect(self):
        by_policy = plugin_scenarios(self.plugin)
        for policy in registry().policies():
            if policy.province != self.plugin:
                continue
            mine = by_policy.get(policy.id, [])
            checks = {
                f"at least {coverage.MINIMUM_SCENARIOS} scenarios": lambda p=policy, s=mine: coverage.too_few(
                    p, s
                ),
                "every stated amount": lambda p=policy, s=mine: coverage.missing_amounts(p, s),
                "both sides of every date": lambda p=policy, s=mine: coverage.missing_dates(p, s),
                "every accepted step cited": lambda s=mine: coverage.uncited_steps(registry(), s),
            }
            for what, check in checks.items():
                yield CoverageItem.from_parent(self, name=f"{policy.id}: {what}", check=check)


class CoverageMissing(AssertionError):
    pass


class CoverageItem(pytest.Item):
    def __init__(self, *, check, **kwargs):
        super().__init__(**kwargs)
        self.check = check

    def runtest(self):
        if missing := self.check():
            raise CoverageMissing("\n".join(missing))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CoverageMissing):
            return f"{self.name}:\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"coverage: {self.name}"
