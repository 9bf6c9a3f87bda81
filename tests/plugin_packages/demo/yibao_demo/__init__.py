"""A minimal out-of-tree plugin: one single-tier policy for an imaginary notice."""

from datetime import date
from decimal import Decimal

from yibao.plugins import Cite, Document, Fixed, Grant, Policy, Route, Tier, hookimpl

DOC = "示例〔2029〕1号"

POLICY = Policy(
    province="demo",
    region_code="110101",
    region_name="东城区",
    coverage_year=2030,
    documents=(Document(DOC, "示例通知"),),
    tiers=(Tier("1", "统一标准", Decimal("400"), Cite(DOC, "一")),),
    coverage_start=date(2030, 1, 1),
    coverage_end=date(2030, 12, 31),
    coverage_cite=Cite(DOC, "二"),
    fiscal_subsidy=Fixed(Decimal("700")),
    fiscal_cite=Cite(DOC, "一"),
    routes=(
        Route(
            "centralized", "集中缴费期", Cite(DOC, "三"), opens=date(2029, 9, 1), closes=date(2029, 12, 31)
        ),
    ),
    grants=(Grant("MINIMUM_LIVING", Fixed(Decimal("300")), Cite(DOC, "四")),),
)


@hookimpl
def yibao_policies():
    return [POLICY]
