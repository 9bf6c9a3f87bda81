"""Plugin modules loaded through real entry points by tests/core/test_plugin_loading.py."""

from datetime import date
from decimal import Decimal

from yibao.plugins import Cite, Document, Fixed, Policy, Route, Tier

DOC = "测试〔2029〕1号"


def small_policy(province: str, grants=()) -> Policy:
    return Policy(
        province=province,
        region_code="110101",
        region_name="东城区",
        coverage_year=2030,
        documents=(Document(DOC, "测试通知"),),
        tiers=(Tier("1", "统一标准", Decimal("400"), Cite(DOC, "一")),),
        coverage_start=date(2030, 1, 1),
        coverage_end=date(2030, 12, 31),
        coverage_cite=Cite(DOC, "二"),
        fiscal_subsidy=Fixed(Decimal("700")),
        fiscal_cite=Cite(DOC, "一"),
        routes=(
            Route(
                "centralized",
                "集中缴费期",
                Cite(DOC, "三"),
                opens=date(2029, 9, 1),
                closes=date(2029, 12, 31),
            ),
        ),
        grants=tuple(grants),
    )
