"""Every command's help is pinned: tests/snapshots/cli.txt is what `yibao … --help` promises."""

from pathlib import Path

from tests.support.cli_help import click_listing
from yibao.api.cli import yibao
from yibao.api.cli.reference import markdown

SNAPSHOT = Path(__file__).parent / "snapshots" / "cli.txt"


def test_every_command_matches_the_help_snapshot():
    assert click_listing(yibao) == SNAPSHOT.read_text(encoding="utf-8")


def test_the_command_reference_is_generated_from_the_commands():
    committed = (Path(__file__).parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == markdown(), "run: python -m yibao.api.cli.reference > docs/cli.md"
