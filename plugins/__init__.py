"""Regional plugins, one package per province."""
