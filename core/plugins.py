"""Regional plugins, discovered through the `yibao` entry-point group."""

import pluggy

PROJECT = "yibao"


def plugin_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager(PROJECT)
    manager.load_setuptools_entrypoints(PROJECT)
    return manager
