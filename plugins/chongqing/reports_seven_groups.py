"""七类对象集中参保期参保情况: the seven groups of 兴义府发〔2022〕3号 一 and their coverage.

一: "特困人员、低保对象、低保边缘户、返贫致贫人口、脱贫不稳定户、边缘易致贫户、突发严重困难户等七类对象，
在集中参保期内参保率达到100%". 参保 is counted as core/reports/counting.py defines it (on the
roster, accepted, payment standing), with only payments on or before the close of the 集中参保缴费时间
(三（一）, read from the policy's `centralized` route, 2022-02-28) counting, and none after the
as-of date; 参保率 = 参保人数 / 应参保人数. Every group has a row even when nobody in the region
holds it; 是否达到100% is blank then, as there is no one to cover.
"""

from yibao.plugins import Cite, Column, Kind, Report, ReportSource, hardship

from .fengdu_2022 import DOC

# 一, in the notice's order and wording (codes: docs/contract/categories.md).
WORDING = {
    "EXTREME_POVERTY": "特困人员",
    "MINIMUM_LIVING": "低保对象",
    "MINIMUM_LIVING_MARGINAL": "低保边缘户",
    "RETURNED_TO_POVERTY": "返贫致贫人口",
    "UNSTABLE_OUT_OF_POVERTY": "脱贫不稳定户",
    "AT_RISK_OF_POVERTY": "边缘易致贫户",
    "SUDDEN_HARDSHIP": "突发严重困难户",
}
SEVEN_GROUPS = tuple(WORDING)
CENTRALIZED = "centralized"  # the route of 三（一） 集中参保缴费时间

COLUMNS = (
    *hardship.COLUMNS[:3],
    Column("paid", "集中参保期内参保人数", Kind.INT),
    Column("unpaid", "集中参保期内未参保人数", Kind.INT),
    hardship.COLUMNS[5],  # 其中：登记未缴人数
    Column("rate", "集中参保期内参保率", Kind.RATE),
    Column("reached", "是否达到100%", Kind.BOOL),
)


def centralized_close(source: ReportSource):
    """The last day of the 集中参保缴费时间 in the policy governing the region and year (三（一）)."""
    route = next((r for r in source.policy.routes if r.key == CENTRALIZED), None) if source.policy else None
    if route is None or route.closes is None:
        source.refuse(
            "coverageYear",
            f"{source.coverage_year}年度没有规定集中参保缴费时间的政策",
        )
    return route.closes


def build(source: ReportSource):
    paid_by = min(centralized_close(source), source.as_of)
    found = hardship.coverage(source, SEVEN_GROUPS, paid_by=paid_by)
    for code, _name, holders, paid, unpaid, registered, share in hardship.rows(source, found, SEVEN_GROUPS):
        reached = (paid == holders) if holders else None
        yield code, WORDING[code], holders, paid, unpaid, registered, share, reached


SEVEN_GROUPS_REPORT = Report(
    name="chongqing_seven_groups",
    title="七类对象集中参保期参保情况",
    cite=Cite(DOC, "一；三（一）"),
    columns=COLUMNS,
    build=build,
    regions=("500230",),
    description="The seven groups of 一: holders, insured (paid within the centralized period, 三（一）, "
    "to 2022-02-28), not insured, of whom registered but unpaid, 参保率 and whether 100% is reached.",
)
