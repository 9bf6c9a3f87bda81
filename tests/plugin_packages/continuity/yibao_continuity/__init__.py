"""Test-only: an imaginary 2025 policy that exercises the 2025 continuity rules. NOT a real notice.

No regional notice for coverage year 2025 or 2026 could be read in full with the sources at hand
(docs/policies/national-continuity-2025.md says what was searched and found), so no regional
policy ships with these rules. This package stands in for one so the mechanism is tested end to
end: its own figures (400 personal, 670 fiscal, the windows, the 280 低保 grant) are invented and
cited to the imaginary document 测试〔2024〕1号; the waiting periods and incentives are the national
text's (国办发〔2024〕38号) as core/rules/continuity.py defaults them. The region code is 东至县's only
because persons must be registered in a region the seed holds; nothing here is 东至县's policy.

Routes: the centralized period 2024-09-01 … 2024-12-31 (benefits from 2025-01-01), a late payment
any day of 2025 (benefits from the payment day, subject to the 2025 waiting periods), and a newborn
within 90 days of birth (from birth; spared the waiting periods, "除新生儿等特殊群体外").
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

from yibao.plugins import (
    NATIONAL_CONTINUITY,
    Cite,
    ContinuityRule,
    Document,
    Fixed,
    Grant,
    IncentiveRule,
    Newborn,
    Period,
    Policy,
    Route,
    Start,
    Tier,
    WaitingRule,
    hookimpl,
    incentive_parameters,
)

DOC = "测试〔2024〕1号"  # imaginary


def c(clause: str) -> Cite:
    return Cite(DOC, clause)


POLICY = Policy(
    province="continuity",
    region_code="341721",
    region_name="测试县（虚构政策）",
    coverage_year=2025,
    documents=(
        Document(DOC, "测试用虚构通知：2025年度城乡居民基本医疗保险参保缴费（非真实文件）"),
        Document(NATIONAL_CONTINUITY, "国务院办公厅关于健全基本医疗保险参保长效机制的指导意见"),
    ),
    tiers=(Tier("1", "统一标准", Decimal("400"), c("二")),),
    coverage_start=date(2025, 1, 1),
    coverage_end=date(2025, 12, 31),
    coverage_cite=c("一"),
    fiscal_subsidy=Fixed(Decimal("670")),
    fiscal_cite=c("二"),
    routes=(
        Route("centralized", "集中参保期", c("一"), opens=date(2024, 9, 1), closes=date(2024, 12, 31)),
        Route(
            "newborn",
            "新生儿出生90日内参保",
            c("三"),
            newborn=Newborn(born_from=date(2024, 10, 1), within=Period(days=90)),
            start=Start.BIRTH,
        ),
        Route(
            "late",
            "集中参保期外参保",
            c("一"),
            opens=date(2025, 1, 1),
            closes=date(2025, 12, 31),
            start=Start.PAYMENT_DAY,
        ),
    ),
    grants=(Grant("MINIMUM_LIVING", Fixed(Decimal("280")), c("二")),),
    continuity=ContinuityRule(
        waiting=WaitingRule(
            exempt_routes=frozenset({"newborn"}),
            exempt_categories=frozenset({"EXTREME_POVERTY", "MINIMUM_LIVING"}),
            exempt_cite=c("四"),
        ),
        incentive=IncentiveRule(),
    ),
    parameters=incentive_parameters(),
)

CASES = Path(__file__).parent / "cases"


@hookimpl
def yibao_policies():
    return [POLICY]
