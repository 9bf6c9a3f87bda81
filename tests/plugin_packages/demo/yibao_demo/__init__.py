"""The demo plugin for yibao: 东城区, coverage year 2030.

Registered under the `yibao` entry-point group (pyproject.toml). yibao loads it strictly: run
`yibao plugin check demo` to see anything wrong, each problem with its fix.
"""

from pathlib import Path

from yibao.plugins import hookimpl

from . import policy_2030


@hookimpl
def yibao_policies():
    return [policy_2030.POLICY]


@hookimpl
def yibao_scenario_paths():
    return [Path(__file__).parent / "scenarios"]
