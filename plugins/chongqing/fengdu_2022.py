"""丰都县 2022 coverage year: 兴义府发〔2022〕3号 (seed 002), applying 渝医保发〔2021〕70号.

A town notice (丰都县兴义镇) restating the Chongqing-wide 2022 standards, so the policy covers
the county. Only the town notice is in the seeds, so every figure is cited through it.
Readings (docs/policies/chongqing-500230-2022.md) that shape this data:
- two tiers 320 / 695, college students 280 / 655 for the academic year 2021-09 … 2022-08
  (二（二）); outpatient limits 300 / 500 (四（二）);
- the fiscal subsidy is left to "文件规定" (二（三）): parameter `fiscal_subsidy`, default 610,
  the national 2022 minimum of 医保发〔2022〕20号;
- R14: no collection dates are printed for college students; they pay in the only window
  printed, 三（一） 2021-12-01 … 2022-02-28, for the academic year. No late route is stated
  for them, so a student paying later is refused;
- R8: the 09-30 limit and the 06-30 forfeiture bind payers after their own window (late
  route). A 2022 newborn within 90 days of birth and a 2022 graduate in the 四（三）
  3-month window keep the fiscal subsidy and are not bound by 09-30;
- R9: only children born in 2022 are 新生儿; the centralized route (year start) is for those
  born before 2022, because a 2022 newborn is covered from birth on its own routes;
- R11: "农村低收入人口等特殊群体" = the seven groups of 一 plus LOW_INCOME_MONITORED; they and an
  employee-insurance lapse within 3 months are spared the 90-day wait (四（三）);
- R15: several categories — the highest amount wins, capped at the share (not stated);
- R19: 低保边缘户 is named in 一 only; 二（四） gives it no subsidy, so it has no grant.
Gaps: the open list of "等特殊群体" and the student collection window cannot be parameters
(the engine parameterises amounts only); "在渝高校" (a Chongqing college) is not a fact.
"""

from datetime import date
from decimal import Decimal

from yibao.plugins import (
    Cite,
    Document,
    Event,
    Fixed,
    Forfeit,
    FromParameter,
    Grant,
    Method,
    Newborn,
    Parameter,
    PercentOf,
    Period,
    Policy,
    Route,
    Start,
    Tier,
    Waiver,
)

DOC = "兴义府发〔2022〕3号"
CITY_DOC = "渝医保发〔2021〕70号"
YEAR_START, YEAR_END = date(2022, 1, 1), date(2022, 12, 31)
WINDOW_OPENS, WINDOW_CLOSES = date(2021, 12, 1), date(2022, 2, 28)  # 三（一）


def c(clause: str) -> Cite:
    return Cite(DOC, clause)


def yuan(value: str) -> Fixed:
    return Fixed(Decimal(value))


# 二（四）: the lower groups get a percentage of the tier-1 share on tier 1, the 320 standard on tier 2.
SEVENTY = {"1": PercentOf(Decimal("70"), "1"), "2": yuan("320")}  # 即224元 / 一档320元

# 四（三） "农村低收入人口等特殊群体，不设等待期" — reading R11.
LOW_INCOME = frozenset(
    {
        "EXTREME_POVERTY",
        "MINIMUM_LIVING",
        "MINIMUM_LIVING_MARGINAL",
        "RETURNED_TO_POVERTY",
        "UNSTABLE_OUT_OF_POVERTY",
        "AT_RISK_OF_POVERTY",
        "SUDDEN_HARDSHIP",
        "LOW_INCOME_MONITORED",
    }
)

# 二（一）: 新生儿 are those born in 2022.
NEWBORN_2022 = {"born_from": YEAR_START, "born_to": YEAR_END}


def tier(code: str, name: str, personal: str, student: str, outpatient: str) -> Tier:
    """二（二） shares (residents, 在渝高校大学生) and the 四（二） outpatient limit."""
    return Tier(
        code,
        name,
        Decimal(personal),
        c("二（二）"),
        student_personal=Decimal(student),
        student_cite=c("二（二）"),
        outpatient_limit=Decimal(outpatient),
        outpatient_cite=c("四（二）"),
    )


def grant(code: str, amount, clause: str, **fields) -> Grant:
    # 二（四） "分类定额资助": the person pays only the excess (R16), nothing is refunded.
    return Grant(code, amount, c(clause), Method.UPFRONT, **fields)


POLICY = Policy(
    province="chongqing",
    region_code="500230",
    region_name="丰都县",
    coverage_year=2022,
    documents=(
        Document(DOC, "丰都县兴义镇人民政府关于做好2022年城乡居民基本医疗保障工作的通知"),
        # Title printed with "2021年" although it sets the 2022 standards (R2).
        Document(
            CITY_DOC,
            "重庆市医疗保障局重庆市财政局国家税务总局重庆市税务局关于做好2021年城乡居民基本医疗保障工作的通知",
        ),
    ),
    tiers=(tier("1", "一档", "320", "280", "300"), tier("2", "二档", "695", "655", "500")),
    coverage_start=YEAR_START,
    coverage_end=YEAR_END,
    coverage_cite=c("三（三）"),
    fiscal_subsidy=FromParameter("fiscal_subsidy"),
    fiscal_cite=c("二（三）"),
    routes=(
        Route(
            "centralized",
            "集中参保缴费时间",
            c("三（一）; 三（三）; 四（三）"),
            opens=WINDOW_OPENS,
            closes=WINDOW_CLOSES,
            college_student=False,
            # R9: a 2022 newborn is covered from birth by the newborn routes below.
            newborn=Newborn(born_to=date(2021, 12, 31)),
        ),
        Route(
            "college_student",
            "在渝高校大学生学年度参保",
            c("二（二）; 三（一）"),
            opens=WINDOW_OPENS,
            closes=WINDOW_CLOSES,
            college_student=True,
            start=Start.FIXED,
            start_date=date(2021, 9, 1),
            end_date=date(2022, 8, 31),
        ),
        Route(
            "newborn_guardian",
            "新生儿随法定监护人参保",
            c("三（一）"),
            newborn=Newborn(**NEWBORN_2022, guardian_enrolled=True),
            start=Start.BIRTH,
            free=True,
        ),
        # Not late (R8): its own 缴费时间, so no 09-30 limit and no forfeiture.
        Route(
            "newborn_within",
            "新生儿出生之日起90日内独立参保",
            c("三（一）; 三（三）; 四（三）"),
            newborn=Newborn(**NEWBORN_2022, within=Period(days=90)),
            start=Start.BIRTH,
        ),
        # 四（三）: "毕业当年9月1日后3个月内" — the special clause prevails over 09-30 (R13).
        Route(
            "graduate",
            "高校毕业生9月1日后3个月内参保",
            c("四（三）"),
            opens=date(2022, 9, 1),
            closes=date(2022, 12, 1),
            college_student=False,
            event=Event(frozenset({"GRADUATION"}), on_from=YEAR_START),
            start=Start.FIXED,
            start_date=date(2022, 9, 1),
        ),
        # 三（三） "从其完清费用之日起满90日后": start = paidOn + 91 (R5, R6).
        Route(
            "late",
            "错过集中参保期自愿缴费",
            c("三（一）; 三（三）"),
            opens=date(2022, 3, 1),
            closes=date(2022, 9, 30),
            college_student=False,
            start=Start.PAYMENT_DAY,
            waiting=Period(days=90),
            late=True,
            waivers=(
                Waiver(c("四（三）"), categories=LOW_INCOME),
                Waiver(
                    c("四（三）"),
                    event=Event(frozenset({"EMPLOYEE_INSURANCE_LAPSE"}), within=Period(months=3)),
                ),
            ),
        ),
    ),
    # Order of 二（四）: on equal amounts the first listed wins (R15).
    grants=(
        grant("ORPHAN", yuan("320"), "二（四）1"),
        grant("EXTREME_POVERTY", yuan("320"), "二（四）1"),
        grant("MINIMUM_LIVING", {"1": PercentOf(Decimal("90"), "1"), "2": yuan("320")}, "二（四）1"),
        grant("SEVERE_DISABILITY", SEVENTY, "二（四）1", max_grade=2),
        grant("PRIORITY_CARE", SEVENTY, "二（四）1"),
        grant("CIVIL_AFFAIRS_OTHER", SEVENTY, "二（四）1"),
        grant("SERIOUS_ILLNESS_POVERTY", SEVENTY, "二（四）1"),
        # "按695元…全额资助参加二档"; on tier 1 capped at the 320 share (R17).
        grant("OLD_DEMOBILIZED_SOLDIER", yuan("695"), "二（四）1"),
        grant("RETURNED_TO_POVERTY", SEVENTY, "二（四）2"),
        grant("UNSTABLE_OUT_OF_POVERTY", SEVENTY, "二（四）2"),
        grant("AT_RISK_OF_POVERTY", SEVENTY, "二（四）2"),
        grant("SUDDEN_HARDSHIP", SEVENTY, "二（四）2"),
        grant("STABLE_OUT_OF_POVERTY", yuan("100"), "二（四）2"),
    ),
    default_method=Method.UPFRONT,
    method_cite=c("二（四）"),
    forfeit=Forfeit(date(2022, 6, 30), c("三（一）")),
    channels=(
        ("CHONGQING_TAX", c("三（二） 线上缴费：微信、支付宝关注“重庆税务”公众号")),
        ("BANK_CARD_AT_VILLAGE", c("三（二） 现场缴费：携带社会保障卡和银行卡到村居刷卡缴纳")),
    ),
    parameters=(
        Parameter(
            "fiscal_subsidy",
            "2022年城乡居民医保人均财政补助标准（每人每年）",
            c("二（三）"),
            default=Decimal("610"),
            basis="national minimum per-capita fiscal subsidy for 2022, 医保发〔2022〕20号",
        ),
    ),
)
