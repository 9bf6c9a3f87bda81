"""The henan plugin: 方城县 2022 (方政办明电〔2021〕35号)."""

from pathlib import Path

from yibao.plugins import hookimpl

from . import fangcheng_2022


@hookimpl
def yibao_policies():
    return [fangcheng_2022.POLICY]


@hookimpl
def yibao_scenario_paths():
    return [Path(__file__).parent / "scenarios"]


@hookimpl
def yibao_reports():
    from .reports import REPORTS

    return list(REPORTS)
