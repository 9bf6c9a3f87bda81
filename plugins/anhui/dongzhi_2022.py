"""东至县 2022 coverage year: 东政办〔2021〕6号 (seed 000).

Readings the notice leaves to us are in docs/policies/anhui-341721-2022.md; the ones that
shape this data:
- coverage is 2022-01-01 … 2022-12-31 (二 "2022年…每人每年"; 四（六）3 "2022年元月…启用");
- after 2021-12-31 only the 四（七） routes are open (newborns, released prisoners,
  employee-insurance lapses); everyone else is refused;
- the 12-31 roster is final (四（四）): a category counts if recognised by 2021-12-31;
- several categories: the single highest applies (not stated; never above 320).
Open, not in the notice: how the 580 fiscal subsidy and the hardship subsidies are funded,
so quotes carry no funding shares.
"""

from datetime import date
from decimal import Decimal

from yibao.plugins import (
    SETTLEMENT_PARTIES,
    Cite,
    Document,
    Event,
    Fixed,
    FullShare,
    Grant,
    HouseholdMode,
    HouseholdRule,
    Method,
    Newborn,
    Parameter,
    Period,
    Policy,
    Readjustment,
    Route,
    Start,
    Tier,
)

DOC = "东政办〔2021〕6号"
YEAR_START, YEAR_END = date(2022, 1, 1), date(2022, 12, 31)
THREE_MONTHS = Period(months=3)


def c(clause: str) -> Cite:
    return Cite(DOC, clause)


ROSTER_CUTOFF = date(2021, 12, 31)  # 四（四）: re-adjusted on the 12-31 roster


def grant(code: str, amount, clause: str) -> Grant:
    return Grant(code, amount, c(clause), recognised_by=ROSTER_CUTOFF, recognised_by_cite=c("四（四）"))


def late(key: str, name: str, **fields) -> Route:
    """A 四（七） route: after the window, within the coverage year, benefits from the day after paying."""
    fields.setdefault("start", Start.DAY_AFTER_PAYMENT)
    return Route(key, name, c("四（七）"), opens=date(2022, 1, 1), closes=YEAR_END, **fields)


POLICY = Policy(
    province="anhui",
    region_code="341721",
    region_name="东至县",
    coverage_year=2022,
    documents=(Document(DOC, "东至县人民政府办公室关于做好2022年城乡居民基本医疗保险缴费工作的通知"),),
    tiers=(Tier("1", "统一标准", Decimal("320"), c("二")),),
    coverage_start=YEAR_START,
    coverage_end=YEAR_END,
    coverage_cite=c("二; 四（六）3"),
    fiscal_subsidy=Fixed(Decimal("580")),
    fiscal_cite=c("二"),
    routes=(
        Route(
            "centralized", "缴费时间", c("一; 四（四）"), opens=date(2021, 9, 20), closes=date(2021, 12, 31)
        ),
        late(
            "newborn_within",
            "新生儿出生3个月内参保",
            newborn=Newborn(born_to=YEAR_END, within=THREE_MONTHS),
            start=Start.BIRTH,
        ),
        late(
            "newborn_after",
            "新生儿超过3个月参保",
            newborn=Newborn(born_from=YEAR_START, born_to=YEAR_END, beyond=THREE_MONTHS),
        ),
        late(
            "released_within",
            "刑满释放3个月内参保",
            event=Event(frozenset({"RELEASED_FROM_PRISON"}), within=THREE_MONTHS),
        ),
        late(
            "lapse_within",
            "职工医保中断不超过3个月",
            event=Event(frozenset({"EMPLOYEE_INSURANCE_LAPSE"}), within=THREE_MONTHS, min_prior_months=24),
        ),
        late(
            "lapse_after",
            "职工医保中断超过3个月",
            event=Event(frozenset({"EMPLOYEE_INSURANCE_LAPSE"}), beyond=THREE_MONTHS, min_prior_months=24),
            waiting=Period(months=6),
        ),
    ),
    grants=(
        grant("EXTREME_POVERTY", FullShare(), "四（三）1"),
        grant("MINIMUM_LIVING", Fixed(Decimal("290")), "四（三）1"),
        grant("PRIORITY_CARE", Fixed(Decimal("290")), "四（三）1"),
        grant("FAMILY_PLANNING_HARDSHIP", Fixed(Decimal("290")), "四（三）1"),
        grant("RETURNED_TO_POVERTY", Fixed(Decimal("260")), "四（三）1"),
        grant("RETIRED_FISHER", Fixed(Decimal("192")), "四（三）2"),
        grant("UNSTABLE_OUT_OF_POVERTY", Fixed(Decimal("160")), "四（三）1"),
        grant("LOW_INCOME_MONITORED", Fixed(Decimal("160")), "四（三）1"),
        # 0 is a real amount: 稳定脱贫人口 "不再享受医疗救助资助参保政策".
        grant("STABLE_OUT_OF_POVERTY", Fixed(Decimal("0")), "四（三）1"),
    ),
    default_method=Method.UPFRONT,
    method_cite=c("四（三）1"),
    channels=(
        ("WECHAT_OFFICIAL_ACCOUNT", c("四（一）1; 四（二）")),
        ("WANSHITONG", c("四（一）2; 四（二）")),
        ("PROVINCIAL_PC_SYSTEM", c("四（一）3; 四（二）")),
        ("VILLAGE_CASH", c("四（一）3 “乡村干部上门征收、委托代收”; 四（二） “现金缴费端口”")),
        ("FOUR_CODES_IN_ONE", c("四（二）")),
    ),
    # "原则上以家庭为单位参保": preferred, not required; a partial household is noted.
    household=HouseholdRule(HouseholdMode.PREFERRED, c("五（二）")),
    # 四（四） re-adjusts the subsidised on the 12-31 roster, but says nothing of the money a changed
    # subsidy moves: who settles it is a deployment's choice, with no default.
    readjustment=Readjustment(c("四（四）"), settlement="readjustment.settlement"),
    parameters=(
        Parameter(
            "readjustment.settlement",
            "12月31日重新调整资助对象后应缴金额的差额由谁结算：PERSON（与参保人多退少补）或 "
            "FUNDING_DEPARTMENT（参保人缴费不变，差额由资助资金承担部门补足或留存）；通知未规定",
            c("四（四）"),
            choices=SETTLEMENT_PARTIES,
        ),
    ),
)
