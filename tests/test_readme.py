"""The README is the front door: its commands must be the ones CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _shell_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, re.S)]


def test_ci_runs_the_readme_test_command_verbatim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_section = readme.split("## Test", 1)[1].split("\n## ", 1)[0]
    [command] = _shell_blocks(test_section)
    assert "pytest" in command
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in ci_lines


def test_the_run_command_starts_the_server():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    run_section = readme.split("## Run", 1)[1].split("\n## ", 1)[0]
    [command] = _shell_blocks(run_section)
    assert command.endswith("yibao serve")
