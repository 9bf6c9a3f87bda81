"""The chongqing plugin."""

from pathlib import Path

from core.hookspecs import hookimpl


@hookimpl
def yibao_policies():
    return []


@hookimpl
def yibao_scenario_paths():
    return [Path(__file__).parent / "scenarios"]
