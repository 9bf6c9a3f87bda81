"""Every command's help is pinned: tests/snapshots/cli.txt is what `yibao … --help` promises."""

from pathlib import Path

from tests.support.cli_help import argparse_listing
from yibao.api.cli import parser

SNAPSHOT = Path(__file__).parent / "snapshots" / "cli.txt"


def test_every_command_matches_the_help_snapshot():
    assert argparse_listing(parser()) == SNAPSHOT.read_text(encoding="utf-8")
