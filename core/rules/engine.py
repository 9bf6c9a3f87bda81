"""The quote: what one person owes and gets under one policy for a payment on one day.

Each step appends an explanation citing the clause it applied; a payment the rules do not
allow is a rejected quote with its reason, not an error.
"""

from decimal import Decimal

from .continuity import IncentiveRule, WaitingRule, exempt, raises, repair_charge, waiting
from .dates import next_day
from .facts import QuoteRequest
from .policy import FromParameter, Method, Policy, Route
from .result import ZERO, Quote
from .routes import Coverage, admits, coverage, waiver_for, would_apply
from .subsidies import (
    CENT,
    Candidate,
    ParameterUnset,
    held_grounds,
    highest,
    parameter_value,
    resolve,
    split,
    tier_share,
)


def quote(policy: Policy, request: QuoteRequest) -> Quote:
    tier = policy.tier(request.tier)
    facts, paid_on, values = request.person, request.paid_on, request.parameters
    result = Quote(policy.id, tier.code, subsidy_method=policy.default_method)

    student = facts.college_student and tier.student_personal is not None
    try:
        share = tier_share(policy, tier.code, values, student)
    except ParameterUnset as unset:  # the share itself is open: nothing can be quoted yet
        return result.reject(str(unset), _parameter_cite(policy, unset.name) or tier.cite)
    result.personal_contribution = share
    label = "大学生" if student else "个人缴费"
    result.explain(
        "档次 tier", f"{tier.name} {label}标准", share, tier.student_cite if student else tier.cite
    )

    try:
        fiscal = _fiscal(policy, values)
    except ParameterUnset as unset:
        # Collection does not wait for a figure it does not need: only a late payer who is
        # charged the fiscal subsidy instead (below) needs its value.
        fiscal = None
        result.pending.append(unset.name)
        result.explain("财政补助 fiscal subsidy", f"人均财政补助待定：{unset}", cite=policy.fiscal_cite)
    else:
        result.fiscal_subsidy = fiscal
        result.explain("财政补助 fiscal subsidy", "人均财政补助", fiscal, policy.fiscal_cite)

    route = next((r for r in policy.routes if admits(r, facts, paid_on)), None)
    if route is None:
        applies = would_apply(policy, facts, paid_on)
        return result.reject(_outside(policy, applies, paid_on), applies.cite)
    result.route, result.route_cite = route.key, route.cite
    result.explain("缴费途径 route", f"{paid_on} 按「{route.name}」缴费{_window(route)}", cite=route.cite)

    if route.free:
        result.personal_contribution = ZERO
        result.explain("免缴 no payment", "随法定监护人参保，本人无需缴费", ZERO, route.cite)
    elif route.late and policy.forfeit and paid_on > policy.forfeit.after:
        forfeit = policy.forfeit
        if forfeit.total is None and fiscal is None:  # the charge is share + the unset subsidy
            return result.reject(str(ParameterUnset(policy, result.pending[0])), policy.fiscal_cite)
        charge = forfeit.total.quantize(CENT) if forfeit.total is not None else share + fiscal
        how = f"按 {charge} 标准缴纳" if forfeit.total is not None else f"由个人承担（{share} + {fiscal}）"
        result.personal_contribution, result.fiscal_subsidy = charge, ZERO
        result.explain(
            "财政补助取消 fiscal subsidy forfeited",
            f"{forfeit.after} 后缴费不享受财政补助，{how}",
            charge,
            forfeit.cite,
        )

    waiver = waiver_for(route, facts, paid_on) if route.waiting else None
    period = coverage(policy, route, facts, paid_on, waived=waiver is not None)
    if waiver:
        result.explain("免等待期 no waiting period", "属不设等待期的人员", cite=waiver.cite)
    if period.waiting_until:
        result.waiting_from = next_day(paid_on)
        result.explain(
            "等待期 waiting period", f"{route.waiting}，至 {period.waiting_until}", cite=route.cite
        )
    if policy.continuity and policy.continuity.waiting:
        period = _continuity_waiting(result, policy, policy.continuity.waiting, route, facts, paid_on, period)
    if period.start > period.end:
        return result.reject(
            f"等待期满（{period.start}）已超过保障期末 {period.end}，本年度无法享受待遇", route.cite
        )
    result.coverage_start, result.coverage_end, result.waiting_until = (
        period.start,
        period.end,
        period.waiting_until,
    )
    result.explain("待遇期 coverage", f"{period.start} 至 {period.end}", cite=route.cite)

    if not route.free and not _apply_subsidy(result, policy, request, share):
        return result
    result.explain(
        "个人应缴 amount due", _due_detail(result), result.amount_due, _method_cite(result, policy)
    )
    if facts.continuity.repair_years and policy.continuity and policy.continuity.waiting:
        _repair(result, policy.continuity.waiting, tier, facts.continuity.repair_years)
    if policy.continuity and policy.continuity.incentive:
        _incentive(result, policy, policy.continuity.incentive, facts, values)
    return result


def _continuity_waiting(
    result: Quote, policy: Policy, rule: WaitingRule, route: Route, facts, paid_on, period: Coverage
) -> Coverage:
    """The 2025 waiting periods (core/rules/continuity.py) on top of the route's own period."""
    lapsed = facts.continuity.lapsed_years
    if exempt(rule, route, facts, paid_on):
        if lapsed or route.key not in rule.centralized_routes:
            result.explain("免等待期 no waiting period", "属不设待遇等待期的特殊群体", cite=rule.exempt_cite)
        return period
    found = waiting(rule, policy, route, facts, paid_on)
    if found is None:
        return period
    if lapsed:
        why = f"断保 {lapsed} 年后再参保" + (
            "" if route.key in rule.centralized_routes else "，且未在集中参保期参保"
        )
    else:
        why = "未在集中参保期内参保"
    result.explain("固定待遇等待期 fixed waiting period", f"{why}：{found.fixed}个月", cite=rule.cite)
    if found.variable:
        further = max(0, lapsed - rule.lapse_years_in_fixed)
        result.explain(
            "变动待遇等待期 variable waiting period",
            f"断保第 {rule.lapse_years_in_fixed} 年之后每多断保1年增加{rule.variable_months_per_year}个月："
            f"{further} 年，{found.variable}个月",
            cite=rule.cite,
        )
    if found.repaired:
        result.explain(
            "缴费修复 repair",
            f"修复 {facts.continuity.repair_years} 年，减少变动待遇等待期{found.repaired}个月",
            cite=rule.cite,
        )
    if found.floored:
        result.explain(
            "等待期下限 minimum",
            f"连续断缴{rule.long_lapse_years}年及以上，修复后等待期合计不少于{rule.long_lapse_min_months}个月",
            cite=rule.cite,
        )
    result.waiting_months = found.months
    result.explain("等待期 waiting period", f"合计{found.months}个月，至 {found.until}", cite=rule.cite)
    if period.waiting_until is None or found.until > period.waiting_until:
        result.waiting_from = max(next_day(paid_on), policy.coverage_start)
        return Coverage(max(period.start, found.starts), period.end, found.until)
    return period


def _repair(result: Quote, rule: WaitingRule, tier, years: int) -> None:
    """Reading C3: the repaired years are paid at this year's personal share, on top of the amount due."""
    charge = repair_charge(tier.personal.quantize(CENT), years)
    result.repair_amount = charge
    result.amount_due += charge
    result.explain(
        "缴费修复 repair payment",
        f"修复 {years} 年 × 当年个人缴费标准 {tier.personal.quantize(CENT)}，计入应缴",
        charge,
        rule.cite,
    )


def _incentive(result: Quote, policy: Policy, rule: IncentiveRule, facts, values: dict) -> None:
    """Raises of the critical-illness maximum (大病保险最高支付限额) for continuous and zero-claim years."""
    history = facts.continuity
    if history.lapsed_years and (history.continuous_years or history.zero_claim_years):
        result.explain(
            "激励清零 incentives cleared", "断保之后再次参保的，连续参保年数重新计算", cite=rule.cite
        )
    found = raises(rule, facts)
    if not (found.continuous or found.zero_claim):
        return
    total = ZERO
    for count, amount, label in (
        (
            found.continuous,
            rule.per_year,
            f"连续参保第 {history.continuous_years + 1} 年，满{rule.after_years}年后",
        ),
        (found.zero_claim, rule.zero_claim_per_year, "基金零报销年度"),
    ):
        if not count:
            continue
        try:
            each = resolve(policy, amount, ZERO, values)
        except ParameterUnset as unset:
            result.pending.append(unset.name)
            result.explain(
                "参保激励 incentive",
                f"{label} {count} 次：每次提高额待参数 {unset.name} 配置",
                cite=rule.cite,
            )
            continue
        total += each * count
        result.explain("参保激励 incentive", f"{label} {count} 次 × {each}", each * count, rule.cite)
    try:
        cap = (resolve(policy, rule.cap_base, ZERO, values) * rule.cap_ratio).quantize(CENT)
    except ParameterUnset as unset:
        result.pending.append(unset.name)
        result.explain("激励上限 cap", f"累计提高总额上限待参数 {unset.name} 配置", cite=rule.cite)
    else:
        if total > cap:
            total = cap
            result.explain(
                "激励上限 cap", f"累计提高总额不超过原封顶线的{rule.cap_ratio:.0%}", cap, rule.cite
            )
    result.incentive = total
    result.explain("大病保险最高支付限额提高 incentive", f"合计提高 {total}", total, rule.cite)


def _fiscal(policy: Policy, values: dict) -> Decimal:
    if isinstance(policy.fiscal_subsidy, FromParameter):
        return parameter_value(policy, policy.fiscal_subsidy.name, values)
    return policy.fiscal_subsidy.value.quantize(CENT)


def _apply_subsidy(result: Quote, policy: Policy, request: QuoteRequest, share: Decimal) -> bool:
    """Sets subsidy, method, amounts and funding; False when the quote had to be rejected."""
    held, refused = held_grounds(policy, request.person, result.tier, request.paid_on)
    for refusal in refused:
        result.explain(
            "资助不适用 subsidy not applicable",
            refusal.reason,
            cite=refusal.cite or refusal.grant.recognised_by_cite or refusal.grant.cite,
        )
    candidates, unset = [], []
    for grant in held:
        try:
            amount = resolve(policy, grant.amount_for(result.tier), share, request.parameters)
        except ParameterUnset as missing:
            unset.append(missing)
            continue
        candidates.append(Candidate(grant, amount))
        result.explain("资助 subsidy ground", grant.code, amount, grant.cite)
    best = highest(candidates, cap=share)
    if unset and (best is None or best.amount < share):
        # An unset amount could still win. It decides only the refund when every ground it could
        # go to, and the best one known, is collected then refunded: the person pays the full
        # share now (方政办明电〔2021〕35号 二（一） "统一按 320 元征缴") and the refund waits.
        deciding = [grant for grant in held if _undecided(grant, result.tier, unset, best)]
        if any(grant.method is not Method.COLLECT_THEN_REFUND for grant in deciding):
            result.reject(str(unset[0]), _parameter_cite(policy, unset[0].name))
            return False
        return _refund_pending(result, deciding, unset)
    if best is not None:
        if len(candidates) > 1:
            result.explain(
                "就高 highest applies",
                f"多项资助条件，按最高一项 {best.grant.code} 执行",
                best.amount,
                policy.combination_cite or best.grant.cite,
            )
        subsidy = min(best.amount, share)
        if subsidy < best.amount:
            result.explain(
                "封顶 capped",
                f"资助不超过个人缴费标准 {share}",
                subsidy,
                policy.combination_cite or best.grant.cite,
            )
        result.subsidy, result.subsidy_category = subsidy, best.grant.code
        result.subsidy_method = best.grant.method
        result.refunded_by = (
            best.grant.refunded_by if best.grant.method is Method.COLLECT_THEN_REFUND else None
        )
        funding = best.grant.funding_for(request.person.area_code)
        if funding and subsidy:
            result.funding_shares = split(funding, subsidy)
            detail = "，".join(f"{source} {amount}" for source, amount in result.funding_shares)
            result.explain("资金来源 funding", detail, subsidy, funding.cite)
    if result.subsidy_method is Method.COLLECT_THEN_REFUND:
        result.amount_due, result.refund_due = result.personal_contribution, result.subsidy
    else:
        result.amount_due, result.refund_due = result.personal_contribution - result.subsidy, ZERO
    if result.refund_due:
        by = f"，由 {result.refunded_by} 返还" if result.refunded_by else ""
        result.explain(
            "先征后返 refund",
            f"征缴后返还 {result.refund_due}{by}",
            result.refund_due,
            best.grant.refunded_by_cite or best.grant.cite,
        )
    return True


def _undecided(grant, tier: str, unset: list[ParameterUnset], best: Candidate | None) -> bool:
    """A ground whose amount is unset, or the best known one, which an unset amount may beat."""
    amount = grant.amount_for(tier)
    unset_here = isinstance(amount, FromParameter) and amount.name in {m.name for m in unset}
    return unset_here or (best is not None and grant is best.grant)


def _refund_pending(result: Quote, deciding: list, unset: list[ParameterUnset]) -> bool:
    """Accepted at the full share; the refund and which ground gives it wait for the parameters."""
    result.pending.extend(missing.name for missing in unset if missing.name not in result.pending)
    result.subsidy_method = Method.COLLECT_THEN_REFUND
    if len(deciding) == 1:
        grant = deciding[0]
        result.subsidy_category, result.refunded_by = grant.code, grant.refunded_by
    result.amount_due, result.refund_due, result.subsidy = result.personal_contribution, ZERO, ZERO
    codes = "、".join(grant.code for grant in deciding)
    waiting = "、".join(result.pending)
    result.explain(
        "先征后返 refund pending",
        f"按 {result.personal_contribution} 征缴；{codes} 的返还金额待参数 {waiting} 配置后确定",
        cite=deciding[0].cite,
    )
    return True


def _parameter_cite(policy: Policy, name: str):
    parameter = policy.parameter(name)
    return parameter.cite if parameter else None


def _due_detail(result: Quote) -> str:
    if result.subsidy_method is Method.COLLECT_THEN_REFUND or not result.subsidy:
        return f"按 {result.personal_contribution} 征缴"
    return f"{result.personal_contribution} − 资助 {result.subsidy}"


def _method_cite(result: Quote, policy: Policy):
    grant = next((g for g in policy.grants if g.code == result.subsidy_category), None)
    return grant.cite if grant else policy.method_cite or policy.tiers[0].cite


def _window(route: Route) -> str:
    if route.opens and route.closes:
        return f"（{route.opens} 至 {route.closes}）"
    if route.closes:
        return f"（至 {route.closes}）"
    return f"（{route.opens} 起）" if route.opens else ""


def _outside(policy: Policy, applies: Route, paid_on) -> str:
    """Names the window of the route the person would have used (`would_apply`) and its clause."""
    window = f"{applies.name}{_window(applies)}（{applies.cite}）"
    return (
        f"{paid_on} 不在 {policy.id} 允许的缴费期内：该人员适用的缴费期为{window}，"
        "其他延期或特殊参保情形亦不适用"
    )
