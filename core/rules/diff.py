"""What changed between two policies: amounts, windows, categories, coverage rules.

Each policy is flattened into cited facts keyed by what they are about (`tier.1.personal`,
`route.centralized`, `grant.MINIMUM_LIVING`, …); the diff compares facts with the same key.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from .cite import Cite
from .policy import Amount, Fixed, FromParameter, FullShare, Grant, PercentOf, Policy, Route


@dataclass(frozen=True)
class Fact:
    key: str
    subject: str
    value: str
    cite: Cite | None


class Change(StrEnum):
    ADDED = "ADDED"
    REMOVED = "REMOVED"
    CHANGED = "CHANGED"


@dataclass(frozen=True)
class Difference:
    change: Change
    key: str
    subject: str
    before: Fact | None
    after: Fact | None


def diff(before: Policy, after: Policy) -> list[Difference]:
    old = {f.key: f for f in facts(before)}
    new = {f.key: f for f in facts(after)}
    found = []
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key), new.get(key)
        if a and b and a.value == b.value:
            continue
        change = Change.CHANGED if a and b else Change.REMOVED if a else Change.ADDED
        found.append(Difference(change, key, (b or a).subject, a, b))
    return found


def facts(policy: Policy) -> Iterator[Fact]:
    for document in policy.documents:
        yield Fact(f"document.{document.label}", "文件 document", document.title, Cite(document.label, ""))
    yield Fact(
        "coverage",
        "保障期 coverage period",
        f"{policy.coverage_start} 至 {policy.coverage_end}",
        policy.coverage_cite,
    )
    for tier in policy.tiers:
        figures = (
            ("personal", "个人缴费 personal share", tier.personal, tier.cite),
            ("student", "大学生缴费 student share", tier.student_personal, tier.student_cite),
            ("outpatient", "门诊统筹限额 outpatient limit", tier.outpatient_limit, tier.outpatient_cite),
        )
        for key, label, amount, cite in figures:
            if amount is not None:
                shown = _amount(policy, amount) if isinstance(amount, FromParameter) else f"{amount:.2f}"
                yield Fact(f"tier.{tier.code}.{key}", f"{tier.name} {label}", shown, cite)
    yield Fact(
        "fiscal_subsidy",
        "人均财政补助 fiscal subsidy",
        _amount(policy, policy.fiscal_subsidy),
        policy.fiscal_cite,
    )
    if policy.forfeit:
        yield Fact(
            "forfeit",
            "逾期不享受财政补助 fiscal subsidy forfeited after",
            str(policy.forfeit.after),
            policy.forfeit.cite,
        )
    yield Fact("method", "资助方式 default subsidy method", str(policy.default_method), policy.method_cite)
    for route in policy.routes:
        yield Fact(f"route.{route.key}", f"缴费途径 {route.name}", _route(route), route.cite)
    for grant in policy.grants:
        yield Fact(f"grant.{grant.code}", f"资助 {grant.code}", _grant(policy, grant), grant.cite)
    yield from _continuity(policy)
    for parameter in policy.parameters:
        default = parameter.default if parameter.default is not None else "未配置"
        yield Fact(
            f"parameter.{parameter.name}",
            f"参数 {parameter.name}",
            f"{parameter.description}（默认 {default}）",
            parameter.cite,
        )


def _continuity(policy: Policy) -> Iterator[Fact]:
    rule = policy.continuity
    if rule is None:
        return
    if (w := rule.waiting) is not None:
        spared = "、".join(sorted(w.exempt_routes | w.exempt_categories)) or "无"
        value = (
            f"固定{w.fixed_months}个月；断保第{w.lapse_years_in_fixed}年之后每年+{w.variable_months_per_year}个月；"
            f"修复每年−{w.repair_months_per_year}个月；断缴{w.long_lapse_years}年及以上不少于"
            f"{w.long_lapse_min_months}个月；集中参保 {'、'.join(sorted(w.centralized_routes))}；免 {spared}"
        )
        yield Fact("continuity.waiting", "待遇等待期 waiting periods", value, w.cite)
    if (i := rule.incentive) is not None:
        value = (
            f"满{i.after_years}年后每年 {_amount(policy, i.per_year)}；零报销每年 "
            f"{_amount(policy, i.zero_claim_per_year)}；累计不超过原封顶线的{i.cap_ratio:.0%}"
        )
        yield Fact("continuity.incentive", "参保激励 incentives", value, i.cite)


def _amount(policy: Policy, amount: Amount) -> str:
    match amount:
        case Fixed(value):
            return f"{value:.2f}"
        case FullShare():
            return "全额（个人缴费标准）"
        case PercentOf(percent, tier):
            personal = policy.tier(tier).personal
            if isinstance(personal, FromParameter):
                return f"{tier}档标准的{percent}%"
            return f"{tier}档标准的{percent}%（{personal * percent / 100:.2f}）"
        case FromParameter(name):
            parameter = policy.parameter(name)
            default = parameter.default if parameter and parameter.default is not None else "未配置"
            return f"参数 {name}（默认 {default}）"
    return str(amount)


def _grant(policy: Policy, grant: Grant) -> str:
    if isinstance(grant.amount, dict):
        amount = "，".join(f"{tier}档 {_amount(policy, a)}" for tier, a in grant.amount.items())
    else:
        amount = _amount(policy, grant.amount)
    parts = [amount, str(grant.method)]
    if grant.recognised_by:
        parts.append(f"认定截止 {grant.recognised_by}")
    if grant.born_on_or_before:
        parts.append(f"{grant.born_on_or_before} 及以前出生")
    if grant.max_grade:
        parts.append(f"残疾等级 ≤ {grant.max_grade}")
    if grant.refunded_by:
        parts.append(f"返还 {grant.refunded_by}")
    if grant.hukou_in:
        parts.append(f"户籍在 {grant.hukou_in}")
    return "；".join(parts)


def _route(route: Route) -> str:
    parts = [f"{route.opens or '…'} 至 {route.closes or '…'}"]
    who = [
        label
        for flag, label in ((route.college_student, "大学生"), (route.migrant_worker, "外出务工"))
        if flag
    ]
    if route.newborn:
        n = route.newborn
        who.append(
            f"新生儿{'（随监护人）' if n.guardian_enrolled else ''}"
            f"{f' 出生{n.within}内' if n.within else ''}{f' 出生超过{n.beyond}' if n.beyond else ''}"
        )
    if route.event:
        e = route.event
        who.append(
            f"{'/'.join(sorted(e.kinds))}{f' {e.within}内' if e.within else ''}"
            f"{f' 超过{e.beyond}' if e.beyond else ''}"
            f"{f' 连续参保≥{e.min_prior_months}个月' if e.min_prior_months else ''}"
        )
    parts.append("、".join(who) or "所有人")
    parts.append(
        f"待遇 {route.start_date or route.start}" + (f" 至 {route.end_date}" if route.end_date else "")
    )
    if route.waiting:
        waived = "；".join(str(w.cite) for w in route.waivers)
        parts.append(f"等待期 {route.waiting}" + (f"（免：{waived}）" if waived else ""))
    if route.late:
        parts.append("逾期")
    if route.free:
        parts.append("免缴")
    return "；".join(parts)
