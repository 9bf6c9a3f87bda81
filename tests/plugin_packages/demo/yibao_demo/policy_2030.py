"""东城区, coverage year 2030: 示例〔2029〕1号 (an example notice: replace it with yours).

Every figure carries the clause it comes from. What the notice leaves open is a Parameter, never
an invented figure; a notice without a 文号 is a Document with issuer= and issued_on=.
"""

from datetime import date
from decimal import Decimal

from yibao.plugins import (
    Cite,
    Document,
    Fixed,
    FullShare,
    Grant,
    Newborn,
    Period,
    Policy,
    Route,
    Start,
    Tier,
)

DOC = "示例〔2029〕1号"  # the 文号 exactly as printed
YEAR_START, YEAR_END = date(2030, 1, 1), date(2030, 12, 31)
ROSTER_CUTOFF = date(2029, 12, 31)  # 四（三）: identities recognised by this day count


def c(clause: str) -> Cite:
    return Cite(DOC, clause)


POLICY = Policy(
    province="demo",
    region_code="110101",
    region_name="东城区",
    coverage_year=2030,
    documents=(Document(DOC, "关于做好2030年度城乡居民基本医疗保险集中参保缴费工作的通知（示例）"),),
    tiers=(Tier("1", "统一标准", Decimal("400"), c("一")),),
    coverage_start=YEAR_START,
    coverage_end=YEAR_END,
    coverage_cite=c("二"),
    fiscal_subsidy=Fixed(Decimal("700")),
    fiscal_cite=c("一"),
    # Tried in order: the first route that admits a payment decides it.
    routes=(
        Route("centralized", "集中缴费期", c("三（一）"), opens=date(2029, 9, 1), closes=date(2029, 12, 31)),
        Route(
            "newborn",
            "新生儿出生3个月内参保",
            c("三（二）"),
            opens=YEAR_START,
            closes=YEAR_END,
            newborn=Newborn(born_from=YEAR_START, within=Period(months=3)),
            start=Start.BIRTH,
        ),
        Route(
            "late",
            "集中缴费期后参保",
            c("三（三）"),
            opens=YEAR_START,
            closes=date(2030, 6, 30),
            waiting=Period(months=3),
        ),
    ),
    grants=(
        Grant("EXTREME_POVERTY", FullShare(), c("四（一）")),
        Grant(
            "MINIMUM_LIVING",
            Fixed(Decimal("300")),
            c("四（二）"),
            recognised_by=ROSTER_CUTOFF,
            recognised_by_cite=c("四（三）"),
        ),
    ),
    combination_cite=c("四（四）"),
    channels=(("TAX_MULTI_CHANNEL", c("五")),),
)
