"""The anhui plugin: 东至县 2022 (东政办〔2021〕6号) and 贵池区 2024 (贵医保组〔2023〕1号)."""

from pathlib import Path

from yibao.plugins import Category, hookimpl

from . import dongzhi_2022, guichi_2024, guichi_2024_targets, reports


@hookimpl
def yibao_policies():
    return [dongzhi_2022.POLICY, guichi_2024.POLICY]


@hookimpl
def yibao_categories():
    # 贵池区's age grounds (贵医保组〔2023〕1号 三1, 三5): granted from birthDate, named so a quote
    # can report which ground won.
    return [
        Category("AGE_100_PLUS", "“百岁”老人（即1923年12月31日前出生且户籍在贵池区）", guichi_2024.DOC),
        Category(
            "AGE_80_PLUS", "80周岁及以上老年人口（即1943年12月31日前出生且户籍在贵池区）", guichi_2024.DOC
        ),
    ]


@hookimpl
def yibao_targets():
    return [guichi_2024_targets.TARGETS]


@hookimpl
def yibao_reports():
    return list(reports.REPORTS)


@hookimpl
def yibao_scenario_paths():
    return [Path(__file__).parent / "scenarios"]
