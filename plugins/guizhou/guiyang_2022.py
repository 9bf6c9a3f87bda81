"""贵阳市 and 贵安新区 2022 coverage year: 筑医保通〔2021〕34号 (seed 004).

One joint notice, one policy (docs/policies/guizhou-520100-2022.md R1): everything a person
pays or gets is the same in both areas; only who funds some subsidies differs, so 贵安新区
(yibao code 520190) is an extra area of this policy and is told apart by the person's
`areaCode` (starting with 520190); any other code, or none, is 贵阳市 (R2).

Readings the notice leaves to us (the docs file has them all); the ones that shape this data:
- fiscal subsidy: the notice states only a floor, "不低于580元" (一); 580 is the default of the
  parameter `fiscal_subsidy` (R4);
- the centralized window opens "2021年9月底" (三), not a calendar date: read as 2021-09-30,
  the last day of September and the day the notice was issued (R5). A date cannot be a
  Parameter, so a deployment that opened on another day needs a code change;
- coverage is 2022-01-01 … 2022-12-31 for any payment in the centralized window, January to
  March 2022 included (R6);
- sporadic payment (三 "零星方式缴费，原则上按 900 元标准"): from 2022-04-01, the person
  pays 900 = 320 share + 580 fiscal, i.e. the fiscal subsidy is forfeited (R7). Neither the
  end of the sporadic period nor when its benefits start is stated: the route closes with the
  coverage year (2022-12-31: it buys "2022 年城乡居民医保费用"), and benefits run from the
  payment day, since the notice states neither a waiting period nor back-dated cover (R17);
- hardship subsidies keep their amount on a sporadic payment, capped at the 320 share (R8);
- a category counts if recognised on or before the payment day: the 10月10日 roster is an
  administrative deadline, not a cut-off for the person (R9);
- ties under 就高不就低 (R10): a full subsidy (二（二）) beats a fixed 320 (二（一）2), then
  the notice's own order — hence the grant order below;
- 脱贫不稳定/稳定脱贫人口 are 脱贫人口（原建档立卡贫困人口） and get its 140 (R14).
Gap: with a deployment fiscal_subsidy above 580, a sporadic payer is charged 320 + that
figure, not the notice's flat 900 (the engine's Forfeit has no fixed late-payment total).
"""

from datetime import date
from decimal import Decimal

from yibao.plugins import (
    Cite,
    Document,
    Fixed,
    Forfeit,
    FromParameter,
    FullShare,
    Funding,
    FundingPart,
    Grant,
    Method,
    Parameter,
    Policy,
    Route,
    Start,
    Tier,
)

DOC = "筑医保通〔2021〕34号"
GUIAN = "520190"  # 贵安新区 (yibao code; core/data/regions.csv)
YEAR_START, YEAR_END = date(2022, 1, 1), date(2022, 12, 31)
CENTRALIZED_CLOSES = date(2022, 3, 31)  # 三 "至 2022 年 3 月 31 日"


def c(clause: str) -> Cite:
    return Cite(DOC, clause)


Parts = tuple[FundingPart, ...]


def whole(source: str) -> Parts:
    return (FundingPart(source, ratio=1),)


def by_area(clause: str, guiyang: Parts, guian: Parts) -> tuple[Funding, ...]:
    """二 "贵阳市由…，贵安新区由本级财政…": 贵安 by its area code, 贵阳市 as the policy-wide split."""
    return (Funding(guian, c(clause), area=GUIAN), Funding(guiyang, c(clause)))


def assistance_fund(clause: str) -> tuple[Funding, ...]:
    return (Funding(whole("MEDICAL_ASSISTANCE_FUND"), c(clause)),)


OUT_OF_POVERTY_FUNDING = by_area("二（一）1", whole("COUNTY_FINANCE"), whole("NEW_AREA_FINANCE"))
# 二（一）2 "其中：医疗救助基金资助140元", then the rest by area.
ASSISTANCE_140 = FundingPart("MEDICAL_ASSISTANCE_FUND", fixed=Decimal("140.00"))
MINIMUM_LIVING_FUNDING = by_area(
    "二（一）2",
    (ASSISTANCE_140, FundingPart("CITY_FINANCE", ratio=4), FundingPart("COUNTY_FINANCE", ratio=6)),
    (ASSISTANCE_140, FundingPart("NEW_AREA_FINANCE", ratio=1)),
)
FULL_SHARE_CLAUSE = "二（二）2"  # 特困人员 (孤儿…视同), 精减退职老职工, 肇事肇祸精神障碍患者


def full(code: str) -> Grant:
    return Grant(code, FullShare(), c(FULL_SHARE_CLAUSE), funding=assistance_fund(FULL_SHARE_CLAUSE))


def out_of_poverty(code: str) -> Grant:
    return Grant(code, Fixed(Decimal("140")), c("二（一）1"), funding=OUT_OF_POVERTY_FUNDING)


POLICY = Policy(
    province="guizhou",
    region_code="520100",
    region_name="贵阳贵安（贵阳市、贵安新区）",
    coverage_year=2022,
    documents=(Document(DOC, "市医保局等六部门关于做好2022年城乡居民基本医疗保险参保征缴工作的通知"),),
    tiers=(Tier("1", "居民医保（个人缴费320元）", Decimal("320"), c("一")),),
    coverage_start=YEAR_START,
    coverage_end=YEAR_END,
    coverage_cite=c("一; 三"),
    fiscal_subsidy=FromParameter("fiscal_subsidy"),
    fiscal_cite=c("一"),
    routes=(
        Route("centralized", "集中征缴期", c("三"), opens=date(2021, 9, 30), closes=CENTRALIZED_CLOSES),
        Route(
            "sporadic",
            "零星征缴期",
            c("三"),
            opens=date(2022, 4, 1),
            closes=YEAR_END,
            start=Start.PAYMENT_DAY,
            late=True,
        ),
    ),
    # Order matters only on a tie (R10): full subsidies first (二（二）1, then 二（二）2 in the
    # notice's order), then 二（一） from the highest amount down.
    grants=(
        Grant(
            "FAMILY_PLANNING_HARDSHIP",
            FullShare(),
            c("二（二）1"),
            funding=by_area("二（二）1", whole("COUNTY_FINANCE"), whole("NEW_AREA_FINANCE")),
        ),
        full("EXTREME_POVERTY"),
        full("ORPHAN"),  # "孤儿、事实无人抚养未成年人视同特困人员管理"
        full("DOWNSIZED_1960S_WORKER"),
        full("MENTAL_DISORDER_OFFENDER"),
        Grant("MINIMUM_LIVING", Fixed(Decimal("320")), c("二（一）2"), funding=MINIMUM_LIVING_FUNDING),
        out_of_poverty("OUT_OF_POVERTY"),
        out_of_poverty("UNSTABLE_OUT_OF_POVERTY"),  # R14: part of 脱贫人口（原建档立卡贫困人口）
        out_of_poverty("STABLE_OUT_OF_POVERTY"),
        Grant(
            "LOW_INCOME_FAMILY_VULNERABLE",
            Fixed(Decimal("60")),
            c("二（一）3"),
            funding=assistance_fund("二（一）3"),
        ),
    ),
    default_method=Method.UPFRONT,
    method_cite=c("二 首段"),  # "困难群体只需缴纳政府资助后的个人参保自缴部分"
    channels=(
        ("TAX_MULTI_CHANNEL", c("四（二） “利用税务多渠道缴费方式”")),
        ("SCHOOL", c("四（三） 原则上以学校为单位")),
        ("VILLAGE_CASH", c("五（一） 集中代收人员; 六（三） 乡村代收代缴人员")),
    ),
    combination_cite=c("二 首段"),  # "就高不就低、不重复享受…资助数额不超过年度个人缴费标准"
    forfeit=Forfeit(CENTRALIZED_CLOSES, c("三"), total=Decimal("900")),  # "原则上按 900 元标准缴纳" (R7)
    parameters=(
        Parameter(
            "fiscal_subsidy",
            "人均各级财政补助标准（通知只规定下限“不低于580元”）",
            c("一"),
            default=Decimal("580"),
            basis="the floor the notice itself states (一)",
        ),
    ),
    areas=(GUIAN,),
    # 五（三） "可在终止相关居民医保参保关系的同时，依申请为个人办理退费" (per 黔税发〔2020〕6号): R18.
    termination_refund=c("五（三）"),
)
