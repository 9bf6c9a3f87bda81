"""Hardship subsidies: which grounds a person holds, highest wins, capped at the share."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from .areas import within
from .cite import Cite
from .facts import PersonFacts
from .policy import Amount, Fixed, FromParameter, FullShare, Funding, Grant, PercentOf, Policy

CENT = Decimal("0.01")


class ParameterUnset(Exception):
    def __init__(self, policy: Policy, name: str):
        parameter = policy.parameter(name)
        where = f"（{parameter.cite}：{parameter.description}）" if parameter else ""
        super().__init__(f"参数 {name} 尚未配置{where}；请在 YIBAO_PARAMETERS 文件中为 {policy.id} 设置")
        self.name = name


def parameter_value(policy: Policy, name: str, values: dict) -> Decimal:
    if name in values:
        return Decimal(values[name]).quantize(CENT)
    parameter = policy.parameter(name)
    if parameter is None or parameter.default is None:
        raise ParameterUnset(policy, name)
    return parameter.default.quantize(CENT)


def tier_share(policy: Policy, tier: str, values: dict, student: bool = False) -> Decimal:
    """What a person of the tier pays before any subsidy: the college-student rate where there is
    one and it applies, else the tier's share, which may be a parameter (ParameterUnset if unset)."""
    found = policy.tier(tier)
    if student and found.student_personal is not None:
        return found.student_personal.quantize(CENT)
    if isinstance(found.personal, FromParameter):
        return parameter_value(policy, found.personal.name, values)
    return found.personal.quantize(CENT)


def resolve(policy: Policy, amount: Amount, share: Decimal, values: dict) -> Decimal:
    match amount:
        case Fixed(value):
            return value.quantize(CENT)
        case FullShare():
            return share
        case PercentOf(percent, tier):
            return (tier_share(policy, tier, values) * percent / 100).quantize(CENT)
        case FromParameter(name):
            return parameter_value(policy, name, values)
    raise TypeError(amount)


def stated_amount(policy: Policy, grant: Grant, tier: str, values: dict | None = None) -> Decimal | None:
    """What a ground gives a person of the tier, capped at the tier's share, as the policy states it
    (values: the parameters configured); None while a parameter it needs is unset."""
    values = values or {}
    try:
        share = tier_share(policy, tier, values)
        amount = grant.amount_for(tier)
        return None if amount is None else min(resolve(policy, amount, share, values), share)
    except ParameterUnset:
        return None


@dataclass(frozen=True)
class Candidate:
    grant: Grant
    amount: Decimal  # as stated, before the cap


@dataclass(frozen=True)
class Refusal:
    grant: Grant
    reason: str
    cite: Cite | None = None  # the clause that refuses it, when not the grant's recognition cut-off


def held_grounds(policy: Policy, facts: PersonFacts, tier: str, paid_on: date):
    """The person's grounds in policy order, and the ones refused with why (for the explanation)."""
    held, refused = [], []
    by_code = {c.code: c for c in facts.categories}
    for grant in policy.grants:
        if grant.amount_for(tier) is None:
            continue
        if grant.hukou_in is not None and not within(facts.hukou_region_code, grant.hukou_in):
            by_age = grant.born_on_or_before is not None
            if (by_age and facts.birth_date <= grant.born_on_or_before) or (
                not by_age and grant.code in by_code
            ):
                refused.append(Refusal(grant, _not_local(grant, facts), grant.hukou_cite or grant.cite))
            continue
        if grant.born_on_or_before is not None:
            if facts.birth_date <= grant.born_on_or_before:
                held.append(grant)
            continue
        fact = by_code.get(grant.code)
        if fact is None:
            continue
        cutoff = grant.recognised_by or paid_on
        if fact.since is not None and fact.since > cutoff:
            which = "认定截止日" if grant.recognised_by else "缴费日"
            refused.append(
                Refusal(grant, f"{grant.code} 认定于 {fact.since}，晚于{which} {cutoff}，不予资助")
            )
        elif grant.max_grade is not None and (fact.grade is None or fact.grade > grant.max_grade):
            refused.append(
                Refusal(grant, f"{grant.code} 等级 {fact.grade} 不在资助范围（需 ≤ {grant.max_grade} 级）")
            )
        else:
            held.append(grant)
    return held, refused


def _not_local(grant: Grant, facts: PersonFacts) -> str:
    if facts.hukou_region_code is None:
        return f"{grant.code} 仅限户籍在 {grant.hukou_in} 的人员，未说明户籍地，不予资助"
    return f"{grant.code} 仅限户籍在 {grant.hukou_in} 的人员，户籍地 {facts.hukou_region_code} 不符，不予资助"


def highest(candidates: list[Candidate], cap: Decimal | None = None) -> Candidate | None:
    """就高不就低: the largest amount after the cap; on a tie the ground the policy lists first.

    A ground worth 0 (e.g. 稳定脱贫人口 "不再享受") is explained but never wins.
    """
    worth = (lambda c: min(c.amount, cap)) if cap is not None else (lambda c: c.amount)  # noqa: E731
    best = None
    for candidate in candidates:
        if candidate.amount > 0 and (best is None or worth(candidate) > worth(best)):
            best = candidate
    return best


def split(funding: Funding, amount: Decimal) -> list[tuple[str, Decimal]]:
    """Fixed parts first (never above what is left), then the remainder by ratio, exact to the fen."""
    shares, remaining = [], amount
    for part in funding.parts:
        if part.fixed is not None:
            taken = min(part.fixed.quantize(CENT), remaining)
            shares.append((part.source, taken))
            remaining -= taken
    ratio_parts = [p for p in funding.parts if p.ratio]
    total = sum(p.ratio for p in ratio_parts)
    left = remaining
    for index, part in enumerate(ratio_parts):
        share = (
            left
            if index == len(ratio_parts) - 1
            else (remaining * part.ratio / total).quantize(CENT, rounding=ROUND_DOWN)
        )
        shares.append((part.source, share))
        left -= share
    return shares
