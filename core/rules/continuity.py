"""History-aware rules from 2025 (国办发〔2024〕38号): waiting periods and critical-illness incentives.

The national text (国务院办公厅《关于健全基本医疗保险参保长效机制的指导意见》, issued 2024-07-26,
https://www.gov.cn/zhengce/content/202408/content_6965741.htm) states, for resident insurance:

- "自2025年起，除新生儿等特殊群体外，对未在居民医保集中参保期内参保或未连续参保的人员，设置参保后
  固定待遇等待期3个月；其中，未连续参保的，每多断保1年，原则上在固定待遇等待期基础上增加变动待遇
  等待期1个月，参保人员可通过缴费修复变动待遇等待期，每多缴纳1年可减少1个月变动待遇等待期，连续断缴
  4年及以上的，修复后固定待遇等待期和变动待遇等待期之和原则上不少于6个月。缴费参照当年参保地的个人
  缴费标准。等待期具体标准由各省份根据自身情况确定。"
- "对连续参加居民医保满4年的参保人员，之后每连续参保1年，可适当提高大病保险最高支付限额；对当年基金
  零报销的居民医保参保人员，次年可提高大病保险最高支付限额。连续参保激励和零报销激励，原则上每次提高
  限额均不低于1000元，累计提高总额不超过所在统筹地区大病保险原封顶线的20%。……断保之后再次参保的，
  连续参保年数重新计算。具体政策标准由各省份根据医保基金承受能力等实际情况确定。"

The clause numbers of the document could not be verified here, so its values are cited to the
document number alone (`NATIONAL`). A policy picks and parameterises the rules; the national figures
are the defaults of `WaitingRule` and the floors of the incentive parameters, because the text makes
every standard a province's to set. Readings (docs/policies/national-continuity-2025.md):

- C1 "每多断保1年" counts the lapse years after the first: the fixed period answers a lapse of one
  year, each further year adds the variable period (`lapse_years_in_fixed`). So 2 years lapsed wait
  3 + 1 = 4 months; the official example of 龙陵县龙山镇人民政府 (2025-06-20) counts the same way.
- C2 a waiting period paid for before the coverage year starts runs from its first day (benefits
  from 1 April for 3 months); one paid during the year runs from the payment day, which is not
  counted (《民法典》第二百零一条), as every waiting period of the notices does (core/rules/dates.py).
- C3 repair (缴费修复) shortens only the variable period; it cannot make it negative, and a person
  may repair at most the years they lapsed. Its price is the tier's personal share of the coverage
  year per year repaired ("缴费参照当年参保地的个人缴费标准"), not reduced by hardship subsidies.
- C4 the incentive of the n-th consecutive year is (n − 4) raises; zero-claim raises accumulate over
  the zero-claim years of the current run of continuous years, and a lapse clears both.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .cite import Cite
from .dates import add_months, next_day, previous_day
from .facts import PersonFacts
from .policy import Amount, FromParameter, Parameter, Policy, Route

NATIONAL = "国办发〔2024〕38号"
NATIONAL_CITE = Cite(NATIONAL, "")  # clause numbers not verified; the document number alone
INCENTIVE_FLOOR = Decimal("1000")  # "原则上每次提高限额均不低于1000元"
CAP_RATIO = Decimal("0.20")  # "累计提高总额不超过…大病保险原封顶线的20%" (原则上)


@dataclass(frozen=True)
class WaitingRule:
    """Waiting periods after a lapse or outside the centralized period; months are whole months."""

    cite: Cite = NATIONAL_CITE
    fixed_months: int = 3
    variable_months_per_year: int = 1  # 原则上
    lapse_years_in_fixed: int = 1  # reading C1
    repair_months_per_year: int = 1
    long_lapse_years: int = 4
    long_lapse_min_months: int = 6  # 原则上
    # Routes whose payments count as made in the centralized period (集中参保期).
    centralized_routes: frozenset[str] = frozenset({"centralized"})
    # "除新生儿等特殊群体外": the routes and identities the policy spares, with the clause naming them.
    exempt_routes: frozenset[str] = frozenset()
    exempt_categories: frozenset[str] = frozenset()
    exempt_cite: Cite = NATIONAL_CITE


@dataclass(frozen=True)
class IncentiveRule:
    """Raises of the critical-illness (大病保险) maximum for continuous and zero-claim years."""

    cite: Cite = NATIONAL_CITE
    after_years: int = 4  # "满4年…之后每连续参保1年"
    per_year: Amount = FromParameter("incentive.continuous_per_year")
    zero_claim_per_year: Amount = FromParameter("incentive.zero_claim_per_year")
    cap_ratio: Decimal = CAP_RATIO
    # The area's original critical-illness cap (大病保险原封顶线), a figure of its own rules.
    cap_base: Amount = FromParameter("critical_illness.cap")


@dataclass(frozen=True)
class ContinuityRule:
    """A policy's use of the 2025 rules: waiting periods, incentives, or both."""

    waiting: WaitingRule | None = field(default_factory=WaitingRule)
    incentive: IncentiveRule | None = field(default_factory=IncentiveRule)


def incentive_parameters(cite: Cite = NATIONAL_CITE) -> tuple[Parameter, ...]:
    """The incentive figures the national text leaves to the province: amounts never below its floor."""
    floor = f"{NATIONAL} 原则上每次提高限额均不低于{INCENTIVE_FLOOR:.0f}元"
    return (
        Parameter(
            "incentive.continuous_per_year",
            "连续参保满4年后每多连续参保1年提高的大病保险最高支付限额（元）",
            cite,
            basis=floor,
            minimum=INCENTIVE_FLOOR,
        ),
        Parameter(
            "incentive.zero_claim_per_year",
            "上年基金零报销提高的大病保险最高支付限额（元）",
            cite,
            basis=floor,
            minimum=INCENTIVE_FLOOR,
        ),
        Parameter(
            "critical_illness.cap",
            "统筹地区大病保险原封顶线（元）：累计提高总额不超过其20%",
            cite,
            basis=f"{NATIONAL}：累计提高总额原则上不超过所在统筹地区大病保险原封顶线的20%",
        ),
    )


@dataclass(frozen=True)
class Waiting:
    months: int  # the whole waiting period
    fixed: int  # 固定待遇等待期
    variable: int  # 变动待遇等待期 before repair
    repaired: int  # months the repair removed
    floored: bool  # raised to the minimum after a long lapse
    until: date  # the last day of the waiting period
    starts: date  # the first day with benefits


def exempt(rule: WaitingRule, route: Route, facts: PersonFacts, paid_on: date) -> bool:
    held = {c.code for c in facts.categories if c.since is None or c.since <= paid_on}
    return route.key in rule.exempt_routes or bool(held & rule.exempt_categories)


def waiting(
    rule: WaitingRule, policy: Policy, route: Route, facts: PersonFacts, paid_on: date
) -> Waiting | None:
    """The waiting period the rule sets for this payment, or None (centralized and continuous)."""
    history = facts.continuity
    lapsed = history.lapsed_years
    if route.key in rule.centralized_routes and lapsed == 0:
        return None
    fixed = rule.fixed_months
    further = max(0, lapsed - rule.lapse_years_in_fixed)
    variable = further * rule.variable_months_per_year
    repaired = min(variable, history.repair_years * rule.repair_months_per_year)
    months = fixed + variable - repaired
    floored = lapsed >= rule.long_lapse_years and months < rule.long_lapse_min_months
    if floored:
        months = rule.long_lapse_min_months
    if paid_on < policy.coverage_start:  # reading C2: from the coverage year's first day
        starts = add_months(policy.coverage_start, months)
        until = previous_day(starts)
    else:
        until = add_months(paid_on, months)
        starts = next_day(until)
    return Waiting(months, fixed, variable, repaired, floored, until, starts)


def repair_charge(personal_share: Decimal, repair_years: int) -> Decimal:
    """Reading C3: each repaired year at this year's personal share."""
    return personal_share * repair_years


@dataclass(frozen=True)
class Raises:
    continuous: int  # how many continuous-year raises (n − 4, never below 0)
    zero_claim: int  # zero-claim years counted


def raises(rule: IncentiveRule, facts: PersonFacts) -> Raises:
    """Reading C4. The quoted year counts as one of the consecutive years when there is no lapse."""
    history = facts.continuity
    if history.lapsed_years:
        return Raises(0, 0)  # "断保之后再次参保的，连续参保年数重新计算"
    consecutive = history.continuous_years + 1
    return Raises(max(0, consecutive - rule.after_years), history.zero_claim_years)
