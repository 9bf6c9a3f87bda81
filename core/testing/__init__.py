"""Test support that core ships to regional teams (the YAML scenario runner)."""
