"""Checks on a plugin and its policies, each problem stated with its fix.

Start-up (core/plugins.py) refuses a plugin with any problem; `yibao plugin check` lists them
all. The checks read policies as data, so they need no database and run in milliseconds.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from difflib import get_close_matches
from types import ModuleType

from ..rules.cite import Cite
from ..rules.continuity import NATIONAL_CITE
from ..rules.policy import FromParameter, Policy, Route
from ..rules.vocabulary import CATEGORIES, CHANNELS, EVENTS, FUNDING_SOURCES


@dataclass(frozen=True)
class Problem:
    where: str  # e.g. 政策 anhui/341721/2022 的缴费途径 late
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.where}：{self.what}；改正：{self.fix}"


def nearest(word: str, candidates: Iterable[str]) -> str:
    """`（是否应为 X？）` for the closest candidate, or nothing."""
    found = get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"（是否应为 {found[0]}？）" if found else ""


def unknown(kind: str, code: str, valid: Iterable[str]) -> str:
    listed = sorted(valid)
    return f"未知的{kind} {code}{nearest(code, listed)}（可用：{'、'.join(listed)}）"


# --- the module: hooks ---


def check_hooks(module: ModuleType, hooks: Iterable[str], marker: str) -> list[Problem]:
    """Functions named like a hook that are not one (a typo), and hooks not marked as such.

    pluggy refuses an unknown hook only when it is marked; an unmarked typo would be silently
    ignored and the plugin would provide nothing.
    """
    hooks = sorted(hooks)
    problems = []
    for name, value in sorted(vars(module).items()):
        if not callable(value) or getattr(value, "__module__", None) != module.__name__:
            continue
        marked = hasattr(value, f"{marker}_impl")
        if name in hooks:
            if not marked:
                problems.append(
                    Problem(
                        f"钩子 {name}",
                        "未标记为钩子实现，不会被调用",
                        "在函数上加 @hookimpl",
                    )
                )
            continue
        suggestion = get_close_matches(name, hooks, n=1, cutoff=0.8)
        if suggestion or (marked and name.startswith(f"{marker}_")):
            hint = f"改名为 {suggestion[0]}" if suggestion else f"改用已有的钩子：{'、'.join(hooks)}"
            problems.append(
                Problem(
                    f"函数 {name}",
                    f"不是约定中的钩子{nearest(name, hooks)}",
                    hint,
                )
            )
    return problems


# --- a policy ---


def check_policy(plugin: str, policy: Policy, declared: Iterable[str] = ()) -> list[Problem]:
    """Everything wrong with one policy, given the category codes plugins declared."""
    where = f"政策 {policy.id}"
    categories = set(CATEGORIES) | set(declared)
    problems = [Problem(where, what, fix) for what, fix in _basics(plugin, policy)]
    problems += [Problem(where, what, fix) for what, fix in _citations(policy)]
    problems += [Problem(f"{where} 的{part}", what, fix) for part, what, fix in _codes(policy, categories)]
    problems += [Problem(f"{where} 的{part}", what, fix) for part, what, fix in _parameters(policy)]
    problems += [Problem(f"{where} 的缴费途径 {key}", what, fix) for key, what, fix in _routes(policy)]
    return problems


def _basics(plugin: str, policy: Policy) -> Iterator[tuple[str, str]]:
    if policy.province != plugin:
        yield f"province 为 {policy.province!r}，应与插件名 {plugin!r} 一致", f"写 province={plugin!r}"
    if not policy.tiers or not policy.routes or not policy.documents:
        yield "至少需要一个档次、一个缴费途径和一份文件", "补上缺少的部分"
    for document in policy.documents:
        if not document.number and not (document.issuer and document.issued_on):
            yield (
                f"文件《{document.title}》既无文号，也无发文机关和日期",
                "写上文号；没有文号的文件写 issuer= 和 issued_on=",
            )


def _cites(value, path: str) -> Iterator[tuple[str, Cite | None]]:
    """Every citation in the policy's data, with where it is."""
    if isinstance(value, Cite):
        yield path, value
    elif is_dataclass(value):
        for found in fields(value):
            yield from _cites(getattr(value, found.name), f"{path}.{found.name}" if path else found.name)
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from _cites(item, f"{path}[{index}]")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _cites(item, f"{path}[{key}]")


# A value the notice states and the field citing it: set the one, cite it in the other.
CITED_BY = {
    "student_personal": "student_cite",
    "outpatient_limit": "outpatient_cite",
    "recognised_by": "recognised_by_cite",
    "refunded_by": "refunded_by_cite",
}


def _citations(policy: Policy) -> Iterator[tuple[str, str]]:
    for path, cite in _cites(policy, ""):
        if cite == NATIONAL_CITE:
            # Core's defaults of the 2025 rules cite 国办发〔2024〕38号 without a clause, because its
            # clause numbers could not be verified (core/rules/continuity.py); a plugin's own may not.
            continue
        if not cite.document.strip() or not cite.clause.strip():
            empty = "文件" if not cite.document.strip() else "条款"
            yield (
                f"{path} 的出处缺少{empty}：{cite!r}",
                '写全文号（或发文机关和日期）与条款，如 Cite("东政办〔2021〕6号", "四（三）1")',
            )
    for path, owner in _owners(policy, ""):
        for value_field, cite_field in CITED_BY.items():
            if getattr(owner, value_field, None) is not None and getattr(owner, cite_field, "absent") is None:
                yield (
                    f"{path}.{value_field} 有值但没有出处",
                    f"写 {cite_field}=Cite(文号, 条款)",
                )


def _owners(value, path: str) -> Iterator[tuple[str, object]]:
    if is_dataclass(value) and not isinstance(value, Cite):
        yield path or "policy", value
        for found in fields(value):
            yield from _owners(getattr(value, found.name), f"{path}.{found.name}" if path else found.name)
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from _owners(item, f"{path}[{index}]")


def _codes(policy: Policy, categories: set[str]) -> Iterator[tuple[str, str, str]]:
    declare = "在 yibao_categories 中声明它，或改用已有的代码"
    for grant in policy.grants:
        if grant.code not in categories:
            yield f"资助 {grant.code}", unknown("类别代码", grant.code, categories), declare
        for funding in grant.funding:
            for part in funding.parts:
                if part.source not in FUNDING_SOURCES:
                    yield (
                        f"资助 {grant.code} 的资金来源",
                        unknown("资金来源", part.source, FUNDING_SOURCES),
                        "改用已有的资金来源代码",
                    )
    for route in policy.routes:
        kinds = set(route.event.kinds) if route.event else set()
        for waiver in route.waivers:
            kinds |= set(waiver.event.kinds) if waiver.event else set()
            for code in sorted(waiver.categories - categories):
                yield f"缴费途径 {route.key} 的免等待期人员", unknown("类别代码", code, categories), declare
        for kind in sorted(kinds - set(EVENTS)):
            yield f"缴费途径 {route.key}", unknown("事件", kind, EVENTS), "改用已有的事件代码"
    for code, _ in policy.channels:
        if code not in CHANNELS:
            yield "缴费渠道", unknown("缴费渠道", code, CHANNELS), "改用已有的渠道代码"
    yield from _waiting(policy, categories, declare)


def _waiting(policy: Policy, categories: set[str], declare: str) -> Iterator[tuple[str, str, str]]:
    """The 2025 waiting-period rule (core/rules/continuity.py) names categories and routes by code."""
    waiting = policy.continuity.waiting if policy.continuity else None
    if waiting is None:
        return
    for code in sorted(waiting.exempt_categories - categories):
        yield "等待期规则的免等待期人员", unknown("类别代码", code, categories), declare
    routes = {route.key for route in policy.routes}
    for key in sorted((waiting.centralized_routes | waiting.exempt_routes) - routes):
        yield (
            "等待期规则",
            f"等待期规则中的缴费途径 {key} 不存在{nearest(key, routes)}",
            f"改用该政策的缴费途径：{'、'.join(sorted(routes))}",
        )


def _amounts(policy: Policy) -> Iterator[tuple[str, object]]:
    for tier in policy.tiers:
        yield f"档次 {tier.code}", tier.personal
    yield "财政补助", policy.fiscal_subsidy
    for grant in policy.grants:
        amounts = grant.amount.items() if isinstance(grant.amount, Mapping) else [(None, grant.amount)]
        for tier, amount in amounts:
            yield f"资助 {grant.code}" + (f"（{tier}档）" if tier else ""), amount
    if policy.readjustment:
        yield "再调整", FromParameter(policy.readjustment.settlement)


def _parameters(policy: Policy) -> Iterator[tuple[str, str, str]]:
    declared = [parameter.name for parameter in policy.parameters]
    for part, amount in _amounts(policy):
        if isinstance(amount, FromParameter) and amount.name not in declared:
            available = "、".join(declared) or "无"
            yield (
                part,
                f"引用了未声明的参数 {amount.name}{nearest(amount.name, declared)}（可用：{available}）",
                f"在 parameters 中声明 Parameter({amount.name!r}, 说明, Cite(文号, 条款))",
            )
    seen = set()
    for name in declared:
        if name in seen:
            yield f"参数 {name}", f"参数 {name} 声明了两次", "删去重复的一个"
        seen.add(name)


def _routes(policy: Policy) -> Iterator[tuple[str, str, str]]:
    seen: dict[str, int] = {}
    for index, route in enumerate(policy.routes):
        if route.key in seen:
            yield (
                route.key,
                f"缴费途径代码 {route.key} 重复",
                "每个缴费途径用不同的 key",
            )
        seen.setdefault(route.key, index)
    for later_index, later in enumerate(policy.routes):
        for earlier in policy.routes[:later_index]:
            if covers(earlier, later):
                yield (
                    later.key,
                    f"永远不会生效：排在前面的 {earlier.key}（{earlier.cite}）的人群和缴费期"
                    f"{_window(earlier)}已包含它的{_window(later)}",
                    f"把 {later.key} 移到 {earlier.key} 之前，或缩小 {earlier.key} 的人群或缴费期",
                )
                break


# The conditions `fits` (core/rules/routes.py) checks: who a route is for, whatever its window.
POPULATION = ("college_student", "migrant_worker", "newborn", "event")


def covers(earlier: Route, later: Route) -> bool:
    """True when every payment `later` admits, `earlier` admits too, so `later` never decides.

    Populations compare condition by condition (none, or the same one); windows by their dates.
    A narrower condition that is not the same object (another newborn rule) is not judged.
    """
    for name in POPULATION:
        mine, theirs = getattr(earlier, name), getattr(later, name)
        if mine is not None and mine != theirs:
            return False
    opens = earlier.opens is None or (later.opens is not None and earlier.opens <= later.opens)
    closes = earlier.closes is None or (later.closes is not None and earlier.closes >= later.closes)
    return opens and closes


def _window(route: Route) -> str:
    if not route.opens and not route.closes:
        return "（不限日期）"
    return f"（{route.opens or '…'} 至 {route.closes or '…'}）"


# --- the deployment's parameter file ---


def check_parameter_file(
    raw: Mapping[str, Mapping[str, object]], policies: Mapping[str, Policy]
) -> list[Problem]:
    """Every value of a YIBAO_PARAMETERS file: a known policy, a known parameter, a valid value."""
    problems = []
    for policy_id, values in raw.items():
        policy = policies.get(policy_id)
        if policy is None:
            problems.append(
                Problem(
                    f"参数文件 [{policy_id!r}]",
                    f"参数文件中的政策 {policy_id} 不存在{nearest(policy_id, policies)}",
                    f"改用已安装的政策：{'、'.join(sorted(policies))}",
                )
            )
            continue
        if not isinstance(values, Mapping):
            problems.append(
                Problem(f"参数文件 [{policy_id!r}]", "应为一个表", '写成 ["政策"] 下的 名称 = 值')
            )
            continue
        names = [parameter.name for parameter in policy.parameters]
        for name, value in values.items():
            where = f"参数文件 [{policy_id!r}] 的 {name}"
            parameter = policy.parameter(name)
            if parameter is None:
                problems.append(
                    Problem(
                        where,
                        f"政策 {policy_id} 没有参数 {name}{nearest(name, names)}",
                        f"改用该政策的参数：{'、'.join(names) or '（该政策没有参数）'}",
                    )
                )
            elif parameter.choices and str(value) not in parameter.choices:
                problems.append(
                    Problem(where, f"值 {value!r} 不在可选值中", f"写 {'、'.join(parameter.choices)} 之一")
                )
            elif not parameter.choices and not _decimal(value):
                problems.append(Problem(where, f"值 {value!r} 不是金额", '写成带引号的金额，如 "200.00"'))
            elif parameter.minimum is not None and Decimal(str(value)) < parameter.minimum:
                problems.append(
                    Problem(
                        where,
                        f"值 {value} 低于 {parameter.minimum}（{parameter.basis}）",
                        f"写不低于 {parameter.minimum} 的金额",
                    )
                )
    return problems


def _decimal(value: object) -> bool:
    if isinstance(value, bool | date):
        return False
    try:
        Decimal(str(value))
    except InvalidOperation:
        return False
    return True
