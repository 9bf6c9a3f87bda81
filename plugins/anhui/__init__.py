"""The anhui plugin: 东至县 2022 (东政办〔2021〕6号) and 贵池区 2024 (贵医保组〔2023〕1号)."""

from pathlib import Path

from core.hookspecs import hookimpl
from core.rules.vocabulary import Category

from . import dongzhi_2022


@hookimpl
def yibao_policies():
    return [dongzhi_2022.POLICY]


@hookimpl
def yibao_categories():
    return []


@hookimpl
def yibao_scenario_paths():
    return [Path(__file__).parent / "scenarios"]
