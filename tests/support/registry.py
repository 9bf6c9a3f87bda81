"""yibao's own plugins, whatever else is installed: what the committed SDL and counts are about.

The suite must pass with a regional team's plugin installed too; a test about yibao's provinces
(the SDL their reports shape, the policies they provide) asks for these only.
"""

import os
from functools import cache
from importlib.metadata import entry_points

from yibao.core.plugins import load_registry, plugin_manager

OWN = {"anhui", "chongqing", "guizhou", "henan"}


def others() -> list[str]:
    """The installed plugins that are not yibao's own."""
    return sorted({entry.name for entry in entry_points(group="yibao")} - OWN)


def only_ours() -> dict[str, str]:
    """An environment for a subprocess that loads yibao's own plugins only."""
    return {**os.environ, "YIBAO_DISABLE_PLUGINS": ",".join(others())}


@cache
def own_registry():
    entries = [entry for entry in entry_points(group="yibao") if entry.name in OWN]
    return load_registry(plugin_manager(entries))
