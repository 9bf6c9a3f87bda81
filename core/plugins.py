"""Loading the regional plugins strictly, and the rules registry built from them.

Plugins are discovered through the `yibao` entry-point group, the in-repo provinces
exactly like an external package. Any problem stops start-up with a message that names
the plugin: it does not import, it implements a hook the contract lacks, it uses a
category code nobody declared, or it returns a policy whose province is not its name.
`YIBAO_DISABLE_PLUGINS` (comma-separated names) blocks plugins.
"""

import os
import tomllib
from importlib.metadata import entry_points

import pluggy

from . import hookspecs
from .reports.catalog import Catalog, CatalogError
from .rules.registry import Registry, parse_parameters
from .rules.vocabulary import CATEGORIES, EVENTS, FUNDING_SOURCES

DISABLE_VARIABLE = "YIBAO_DISABLE_PLUGINS"
PARAMETERS_VARIABLE = "YIBAO_PARAMETERS"


class PluginError(Exception):
    """Start-up must stop: a plugin is broken."""


def blocked() -> set[str]:
    return {name.strip() for name in os.environ.get(DISABLE_VARIABLE, "").split(",") if name.strip()}


def plugin_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    skip = blocked()
    for entry in entry_points(group=hookspecs.PROJECT):
        if entry.name in skip or manager.has_plugin(entry.name):
            continue
        try:
            module = entry.load()
        except Exception as error:
            raise PluginError(f"插件 {entry.name}（{entry.value}）无法导入：{error!r}") from error
        try:
            manager.register(module, name=entry.name)
        except pluggy.PluginValidationError as error:
            raise PluginError(f"插件 {entry.name} 不符合接口约定：{error}") from error
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as error:
        name = manager.get_name(error.plugin)
        raise PluginError(f"插件 {name} 实现了未知的钩子：{error}") from error
    return manager


def load_registry(manager: pluggy.PluginManager | None = None) -> Registry:
    manager = manager or plugin_manager()
    categories = {}
    for plugin in manager.get_plugins():
        name = manager.get_name(plugin)
        for category in _call(manager, plugin, "yibao_categories"):
            if category.code in CATEGORIES:
                raise PluginError(f"插件 {name} 重复声明了核心类别 {category.code}")
            categories[category.code] = category
    policies = {}
    for plugin in manager.get_plugins():
        name = manager.get_name(plugin)
        for policy in _call(manager, plugin, "yibao_policies"):
            _check_policy(name, policy, categories)
            policies[policy.id] = policy  # ids start with the plugin's unique name
    try:
        parameters = parse_parameters(_parameter_file(), policies)
    except ValueError as error:
        raise PluginError(f"{PARAMETERS_VARIABLE}: {error}") from error
    return Registry(policies.values(), categories.values(), parameters, _catalog(manager))


def _catalog(manager: pluggy.PluginManager) -> Catalog:
    reports, targets = [], []
    for plugin in manager.get_plugins():
        name = manager.get_name(plugin)
        for report in _call(manager, plugin, "yibao_reports"):
            if not report.name.startswith(f"{name}_"):
                raise PluginError(f"插件 {name} 的报表 {report.name} 须以 {name}_ 开头")
            reports.append(report)
        targets += _call(manager, plugin, "yibao_targets")
    try:
        return Catalog(reports, targets)
    except CatalogError as error:
        raise PluginError(str(error)) from error


def _call(manager: pluggy.PluginManager, plugin, hook_name: str) -> list:
    """One plugin's answers to a hook, so a bad answer is blamed on the right plugin."""
    found = []
    for impl in getattr(manager.hook, hook_name).get_hookimpls():
        if impl.plugin is not plugin:
            continue
        try:
            found.extend(impl.function() or [])
        except Exception as error:
            raise PluginError(f"插件 {manager.get_name(plugin)} 的 {hook_name} 出错：{error!r}") from error
    return found


def _check_policy(plugin: str, policy, categories) -> None:
    problems = []
    if policy.province != plugin:
        problems.append(f"province 为 {policy.province!r}，应与插件名 {plugin!r} 一致")
    for grant in policy.grants:
        if grant.code not in CATEGORIES and grant.code not in categories:
            problems.append(f"未知的类别代码 {grant.code}（请在 yibao_categories 中声明）")
        for funding in grant.funding:
            problems += [
                f"未知的资金来源 {p.source}" for p in funding.parts if p.source not in FUNDING_SOURCES
            ]
    for route in policy.routes:
        kinds = set(route.event.kinds) if route.event else set()
        for waiver in route.waivers:
            kinds |= set(waiver.event.kinds) if waiver.event else set()
            problems += [
                f"未知的类别代码 {c}" for c in waiver.categories if c not in CATEGORIES | categories.keys()
            ]
        problems += [f"未知的事件 {k}" for k in kinds if k not in EVENTS]
    waiting = policy.continuity.waiting if policy.continuity else None
    if waiting is not None:
        problems += [
            f"未知的类别代码 {c}"
            for c in waiting.exempt_categories
            if c not in CATEGORIES | categories.keys()
        ]
        routes = {route.key for route in policy.routes}
        problems += [
            f"等待期规则中的缴费途径 {k} 不存在"
            for k in sorted((waiting.centralized_routes | waiting.exempt_routes) - routes)
        ]
    if not policy.tiers or not policy.routes or not policy.documents:
        problems.append("至少需要一个档次、一个缴费途径和一份文件")
    if problems:
        raise PluginError(f"插件 {plugin} 的政策 {policy.id}：" + "；".join(problems))


def _parameter_file() -> dict:
    path = os.environ.get(PARAMETERS_VARIABLE)
    if not path:
        return {}
    with open(path, "rb") as handle:
        return tomllib.load(handle)
