"""The plugin kit: what regional teams get so they need not read core's source.

- `checks.py`: every check `yibao plugin check`, `yibao plugins` and start-up run, each problem
  with the fix;
- `template.py` and `template/`: the copy-me package `yibao plugin new <province>` writes;
- the scenario runner and the coverage checks are core's pytest plugin (core/testing/).
"""
