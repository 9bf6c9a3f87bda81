"""The chongqing plugin: 丰都县 2022 (兴义府发〔2022〕3号, applying 渝医保发〔2021〕70号)."""

from pathlib import Path

from yibao.plugins import hookimpl

from . import fengdu_2022, reports_seven_groups, reports_village


@hookimpl
def yibao_policies():
    return [fengdu_2022.POLICY]


@hookimpl
def yibao_reports():
    return [reports_village.VILLAGE_PROGRESS, reports_seven_groups.SEVEN_GROUPS_REPORT]


@hookimpl
def yibao_scenario_paths():
    return [Path(__file__).parent / "scenarios"]
