"""A small, valid policy to vary in tests: one tier, one window, every value cited."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from yibao.plugins import Cite, Document, Fixed, Grant, Policy, Route, Tier

DOC = "测试〔2029〕1号"


def c(clause: str) -> Cite:
    return Cite(DOC, clause)


def small_policy(province: str = "testing", **changes) -> Policy:
    policy = Policy(
        province=province,
        region_code="110101",
        region_name="东城区",
        coverage_year=2030,
        documents=(Document(DOC, "测试通知"),),
        tiers=(Tier("1", "统一标准", Decimal("400"), c("一")),),
        coverage_start=date(2030, 1, 1),
        coverage_end=date(2030, 12, 31),
        coverage_cite=c("二"),
        fiscal_subsidy=Fixed(Decimal("700")),
        fiscal_cite=c("一"),
        routes=(
            Route("centralized", "集中缴费期", c("三"), opens=date(2029, 9, 1), closes=date(2029, 12, 31)),
        ),
        grants=(Grant("MINIMUM_LIVING", Fixed(Decimal("300")), c("四")),),
    )
    return replace(policy, **changes)
