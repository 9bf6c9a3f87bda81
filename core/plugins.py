"""Loading the regional plugins strictly, and the rules registry built from them.

Plugins are discovered through the `yibao` entry-point group, the in-repo provinces exactly
like an external package. Any problem stops start-up with a message that names the plugin and
says how to fix it (core/kit/checks.py): it does not import, it names a hook the contract lacks,
a policy has an uncited value, an unknown code or a route that can never decide, and so on.
`YIBAO_DISABLE_PLUGINS` (comma-separated names) blocks plugins.
"""

import tomllib
from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points

import pluggy

from . import hookspecs
from .kit.checks import Problem, check_hooks, check_parameter_file, check_policy
from .reports.catalog import Catalog, CatalogError
from .rules.registry import Registry, parse_parameters
from .rules.vocabulary import CATEGORIES
from .settings import settings

HOOKS = tuple(name for name in vars(hookspecs) if name.startswith(f"{hookspecs.PROJECT}_"))


class PluginError(Exception):
    """Start-up must stop: a plugin is broken."""


def refuse(plugin: str, problems: Iterable[Problem]) -> None:
    """Raises PluginError listing every problem of the plugin, one per line, if there is one."""
    lines = [f"插件 {plugin}：{problem}" for problem in problems]
    if lines:
        raise PluginError("\n".join(lines))


def blocked() -> set[str]:
    return set(settings().disabled_plugins)


def installed() -> list[EntryPoint]:
    """The `yibao` entry points, one per plugin name, less the blocked ones."""
    skip, found = blocked(), {}
    for entry in entry_points(group=hookspecs.PROJECT):
        if entry.name not in skip:
            found.setdefault(entry.name, entry)
    return list(found.values())


def plugin_manager(entries: Iterable[EntryPoint] | None = None) -> pluggy.PluginManager:
    """The plugins of `entries` (default: every installed one) loaded and checked against the contract."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for entry in installed() if entries is None else entries:
        try:
            module = entry.load()
        except Exception as error:
            raise PluginError(f"插件 {entry.name}（{entry.value}）无法导入：{error!r}") from error
        refuse(entry.name, check_hooks(module, HOOKS, hookspecs.PROJECT))
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
    """Every installed plugin's policies, categories, reports and targets, and the deployment's
    parameter values, each checked; the first plugin with problems stops start-up."""
    manager = manager or plugin_manager()
    categories = {}
    for plugin in manager.get_plugins():
        name = manager.get_name(plugin)
        for category in call(manager, plugin, "yibao_categories"):
            if category.code in CATEGORIES:
                raise PluginError(
                    f"插件 {name} 重复声明了核心类别 {category.code}（改用核心类别，不要重复声明）"
                )
            categories[category.code] = category
    policies = {}
    for plugin in manager.get_plugins():
        name = manager.get_name(plugin)
        for policy in call(manager, plugin, "yibao_policies"):
            refuse(name, check_policy(name, policy, categories))
            policies[policy.id] = policy  # ids start with the plugin's unique name
    raw = parameter_file()
    problems = check_parameter_file(raw, policies)
    if problems:
        where = settings().parameters
        raise PluginError("\n".join(f"YIBAO_PARAMETERS（{where}）：{problem}" for problem in problems))
    return Registry(
        policies.values(), categories.values(), parse_parameters(raw, policies), _catalog(manager)
    )


def _catalog(manager: pluggy.PluginManager) -> Catalog:
    reports, targets = [], []
    for plugin in manager.get_plugins():
        name = manager.get_name(plugin)
        for report in call(manager, plugin, "yibao_reports"):
            if not report.name.startswith(f"{name}_"):
                raise PluginError(f"插件 {name} 的报表 {report.name} 须以 {name}_ 开头（改名为 {name}_…）")
            reports.append(report)
        targets += call(manager, plugin, "yibao_targets")
    try:
        return Catalog(reports, targets)
    except CatalogError as error:
        raise PluginError(str(error)) from error


def call(manager: pluggy.PluginManager, plugin, hook_name: str) -> list:
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


def parameter_file() -> dict:
    """The deployment's parameter values (YIBAO_PARAMETERS), {} when none is set."""
    path = settings().parameters
    if not path:
        return {}
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PluginError(f"YIBAO_PARAMETERS（{path}）无法读取：{error}") from error


def check_plugin(name: str) -> list[str]:
    """`yibao plugin check NAME`: the named plugin loaded alone and strictly, every problem listed
    (an empty list: none). NAME is the plugin's (the entry point's) name or its distribution's."""
    entries = [e for e in entry_points(group=hookspecs.PROJECT) if name in (e.name, _distribution(e))]
    if not entries:
        names = sorted({e.name for e in entry_points(group=hookspecs.PROJECT)})
        raise PluginError(f"没有名为 {name} 的插件；已安装：{'、'.join(names) or '无'}")
    found = []
    for entry in entries:
        try:
            manager = plugin_manager([entry])
            load_registry(manager)
        except PluginError as error:
            found += str(error).splitlines()
    return found


def _distribution(entry: EntryPoint) -> str | None:
    return entry.dist.name if entry.dist else None
