"""The contract regional plugins implement. Documented in docs/plugins.md (a test checks).

Hooks are synchronous and pure: they return data, never touch a database session.
A plugin is a module registered under the `yibao` entry-point group, e.g.

    [project.entry-points.yibao]
    anhui = "yibao.plugins.anhui"

and marks its hooks with `hookimpl`, which it imports, like everything else it uses, from the
public plugin surface `yibao.plugins`.

Contract version: 2 (2 added `yibao_reports` and `yibao_targets`).
"""

from pathlib import Path

import pluggy

from .reports.spec import Report, TargetTable
from .rules.policy import Policy
from .rules.vocabulary import Category

PROJECT = "yibao"
CONTRACT_VERSION = 2

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def yibao_policies() -> list[Policy]:
    """The policies this plugin provides, each for one region and coverage year."""


@hookspec
def yibao_categories() -> list[Category]:
    """Codes this plugin adds to the canonical vocabulary (e.g. age-based grounds)."""


@hookspec
def yibao_scenario_paths() -> list[Path]:
    """YAML scenario files or folders that `pytest` runs against this plugin's policies."""


@hookspec
def yibao_reports() -> list[Report]:
    """Reports this plugin adds: each becomes a typed field of `reports` and an export.

    A report's name starts with the plugin's name; its `build` gets a read-only ReportSource
    (core/reports/source.py) and aggregates in SQL.
    """


@hookspec
def yibao_targets() -> list[TargetTable]:
    """The task tables (征缴任务数) the plugin's notices print, per unit and coverage year."""
