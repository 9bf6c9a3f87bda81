"""The guizhou plugin: 贵阳市 and 贵安新区 2022 (筑医保通〔2021〕34号)."""

from pathlib import Path

from yibao.plugins import hookimpl

from . import guiyang_2022, guiyang_2022_targets, reports_funding, reports_roster


@hookimpl
def yibao_policies():
    return [guiyang_2022.POLICY]


@hookimpl
def yibao_targets():
    return [guiyang_2022_targets.TARGETS]


@hookimpl
def yibao_reports():
    return [reports_funding.FUNDING_SOURCES_REPORT, reports_roster.PRE_COLLECTION_ROSTER]


@hookimpl
def yibao_scenario_paths():
    return [Path(__file__).parent / "scenarios"]
