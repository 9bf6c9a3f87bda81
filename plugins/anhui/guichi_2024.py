"""贵池区 2024 coverage year: 贵医保组〔2023〕1号 (seed 003).

Readings the notice leaves to us are in docs/policies/anhui-341702-2024.md; the ones that
shape this data:
- one tier: 380 personal, 640 fiscal, coverage 2024-01-01 … 2024-12-31 (三);
- college students pay only in their own window 2023-09-10 … 10-31 (五) and are kept out
  of the general window and the migrant extension; the 四 special routes stay open to them,
  because 四2/四3 exclude nobody;
- 2024 payments are open only to the notice's exceptions (三 migrant workers, 四1 newborns,
  四2 life events, 四3 employee-insurance lapses); everyone else is refused after 2023-12-31;
- route order: an exception paid inside the centralized window is an ordinary enrolment;
  in 2024 the no-wait routes (newborn, 四2/四3 within 3 months) come first, then the migrant
  extension, and the 3-month waiting-period routes last, so a migrant worker is not made to
  wait when the extension already admits them;
- a newborn beyond 90 days must be born in 2024: a 2023 baby belongs to the centralized
  window (二1 "含 2023 年度出生人口"); within 90 days a late-2023 baby is covered from 2024-01-01;
- the 3-month waiting period runs from the payment day: benefits from paidOn + 3 months + 1 day;
- 三9: a category counts only if recognised by 2023-08-31, on every category grant (so a
  四2 newly identified hardship person gets no waiting period but no subsidy); the age grounds
  depend on birthDate only;
- several grounds: the single highest (三7); on a tie the category listed first wins
  (EXTREME_POVERTY before AGE_100_PLUS);
- every subsidy is borne by 区财政 (三1–三6) and taken off the bill (UPFRONT: "个人缴纳38元").
- the age grounds require "户籍在贵池区" (三1, 三5): they go only to persons whose household
  registration lies in 341702; a quote that does not state the hukou does not get them, and a
  resident with hukou elsewhere (二2 居住证 holders, migrant workers) pays the share like anyone.
"""

from datetime import date
from decimal import Decimal

from yibao.plugins import (
    Cite,
    Document,
    Event,
    Fixed,
    FullShare,
    Funding,
    FundingPart,
    Grant,
    HouseholdMode,
    HouseholdRule,
    Method,
    Newborn,
    Period,
    Policy,
    Route,
    Start,
    Tier,
)

DOC = "贵医保组〔2023〕1号"
YEAR_START, YEAR_END = date(2024, 1, 1), date(2024, 12, 31)
THREE_MONTHS = Period(months=3)
NINETY_DAYS = Period(days=90)
ROSTER_CUTOFF = date(2023, 8, 31)  # 三9: the data confirmed on 2023-08-31 governs
LIFE_EVENTS = frozenset(  # 四2: 退役, 动态新增特殊群体, 刑满释放, 退出其他制度保障
    {"MILITARY_DISCHARGE", "HARDSHIP_NEWLY_IDENTIFIED", "RELEASED_FROM_PRISON", "LEFT_OTHER_SCHEME"}
)
LAPSE = frozenset({"EMPLOYEE_INSURANCE_LAPSE"})


def c(clause: str) -> Cite:
    return Cite(DOC, clause)


def district(clause: str) -> tuple[Funding, ...]:
    """三1–三6: "区财政承担" — the whole subsidy from the district budget."""
    return (Funding((FundingPart("COUNTY_FINANCE", ratio=1),), c(clause)),)


def grant(code: str, amount, clause: str, **fields) -> Grant:
    return Grant(
        code,
        amount,
        c(clause),
        recognised_by=ROSTER_CUTOFF,
        recognised_by_cite=c("三9"),
        funding=district(clause),
        **fields,
    )


def born_by(code: str, amount, clause: str, born: date) -> Grant:
    """An age ground (百岁 / 80周岁): from birthDate, so the 三9 roster cut-off does not apply; only
    for 户籍在贵池区."""
    return Grant(
        code,
        amount,
        c(clause),
        born_on_or_before=born,
        funding=district(clause),
        hukou_in="341702",
        hukou_cite=c(f"{clause} 户籍在贵池区"),
    )


def late(key: str, name: str, clause: str, **fields) -> Route:
    """A 2024 payment under the 四 special policies (after the centralized window, within the year)."""
    return Route(key, name, c(clause), opens=YEAR_START, closes=YEAR_END, **fields)


POLICY = Policy(
    province="anhui",
    region_code="341702",
    region_name="贵池区",
    coverage_year=2024,
    documents=(
        Document(DOC, "关于印发《池州市贵池区2024年度城乡居民基本医疗保险费筹资工作实施方案》的通知"),
    ),
    tiers=(Tier("1", "统一标准", Decimal("380"), c("三")),),
    coverage_start=YEAR_START,
    coverage_end=YEAR_END,
    coverage_cite=c("三"),
    fiscal_subsidy=Fixed(Decimal("640")),
    fiscal_cite=c("三"),
    routes=(
        Route(
            "college_student",
            "在校大学生参保登记缴费期限",
            c("五"),
            opens=date(2023, 9, 10),
            closes=date(2023, 10, 31),
            college_student=True,
        ),
        Route(
            "centralized",
            "集中参保登记缴费期限",
            c("三; 五; 五（二）"),
            opens=date(2023, 9, 10),
            closes=date(2023, 12, 31),
            college_student=False,
        ),
        late(
            "newborn_within",
            "新生儿出生90天内参保缴费",
            "四1",
            newborn=Newborn(within=NINETY_DAYS),
            start=Start.BIRTH,
        ),
        late(
            "newborn_after",
            "新生儿超过90天参保缴费",
            "四1",
            newborn=Newborn(born_from=YEAR_START, beyond=NINETY_DAYS),
            start=Start.DAY_AFTER_PAYMENT,
        ),
        late(
            "event_within",
            "退役、动态新增、刑满释放等3个月内接续参保",
            "四2",
            event=Event(LIFE_EVENTS, within=THREE_MONTHS),
            start=Start.PAYMENT_MONTH,
        ),
        late(
            "lapse_within",
            "职工医保中断3个月内接续参保",
            "四3",
            event=Event(LAPSE, within=THREE_MONTHS, min_prior_months=6),
            start=Start.PAYMENT_MONTH,
        ),
        Route(
            "migrant_extension",
            "外出务工人员筹资时间延长",
            c("三"),
            opens=YEAR_START,
            closes=date(2024, 2, 29),
            migrant_worker=True,
            college_student=False,
            start=Start.DAY_AFTER_PAYMENT,
        ),
        late(
            "event_after",
            "退役、动态新增、刑满释放等超过3个月参保",
            "四2",
            event=Event(LIFE_EVENTS, beyond=THREE_MONTHS),
            waiting=THREE_MONTHS,
        ),
        late(
            "lapse_after",
            "职工医保中断超过3个月接续参保",
            "四3",
            event=Event(LAPSE, beyond=THREE_MONTHS, min_prior_months=6),
            waiting=THREE_MONTHS,
        ),
    ),
    grants=(
        grant("EXTREME_POVERTY", FullShare(), "三1"),
        born_by("AGE_100_PLUS", FullShare(), "三1", date(1923, 12, 31)),
        grant("MINIMUM_LIVING", Fixed(Decimal("342")), "三2"),
        grant("PRIORITY_CARE", Fixed(Decimal("342")), "三2"),
        grant("RETURNED_TO_POVERTY", Fixed(Decimal("304")), "三3"),
        grant("RETIRED_FISHER", Fixed(Decimal("228")), "三4"),
        grant("FAMILY_PLANNING_HARDSHIP", Fixed(Decimal("228")), "三4"),
        grant("SEVERE_DISABILITY", Fixed(Decimal("228")), "三4", max_grade=2),
        born_by("AGE_80_PLUS", Fixed(Decimal("200")), "三5", date(1943, 12, 31)),
        grant("UNSTABLE_OUT_OF_POVERTY", Fixed(Decimal("190")), "三6"),
        grant("LOW_INCOME_MONITORED", Fixed(Decimal("190")), "三6"),
    ),
    default_method=Method.UPFRONT,
    method_cite=c("三2"),
    combination_cite=c("三7"),
    channels=(
        ("WECHAT_OFFICIAL_ACCOUNT", c("五（二）; 七（三） “池州医疗保障”微信公众号")),
        ("ALIPAY", c("五（二）; 七（三）")),
        ("WANSHITONG", c("五（二）; 七（三）")),
        ("ANHUI_MEDICAL_PLATFORM", c("七（三）")),
        ("ANHUI_TAX_MINI_PROGRAM", c("七（三）")),
        ("COLLECTION_POINT", c("五（二） “城乡两险代征代办点”; 七（三） 村（社区）协助办理")),
        ("TAX_HALL", c("五（二） “各办税服务厅”")),
    ),
    # "城乡居民须以户为单位缴费参保，不得选择性参保".
    household=HouseholdRule(HouseholdMode.WHOLE, c("三8")),
)
