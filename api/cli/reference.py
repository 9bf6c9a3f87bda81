"""docs/cli.md, generated from the commands themselves: `python -m yibao.api.cli.reference > docs/cli.md`.

tests/test_cli_help.py fails when the committed page differs from what this prints.
"""

import click

WIDTH = 100
INTRO = """# The `yibao` command

Generated from the commands by `python -m yibao.api.cli.reference > docs/cli.md`; a test fails
when this page is stale. Every command needs only the environment the server reads
(`YIBAO_DATABASE_URL`, `YIBAO_PARAMETERS`, … — see the README).

Exit status: **0** done; **1** refused — the reason is one line `yibao: …` on stderr (an unknown
policy, a database without the schema, a broken plugin, an import that refused every row);
**2** the command line is wrong (the usage is shown). When the reader of the output goes away
(`yibao report run … | head`) the command stops quietly: exit status 1, nothing on stderr.
"""


def _commands(command: click.Command, path: list[str], parent: click.Context | None):
    context = click.Context(
        command, info_name=path[-1], parent=parent, terminal_width=WIDTH, max_content_width=WIDTH
    )
    yield " ".join(path), command.get_help(context)
    if isinstance(command, click.Group):
        for name, child in sorted(command.commands.items()):
            yield from _commands(child, [*path, name], context)


def markdown(root: click.Command | None = None) -> str:
    if root is None:
        from . import yibao as root
    sections = [INTRO]
    for path, text in _commands(root, ["yibao"], None):
        sections.append(f"## `{path}`\n\n```text\n{text}\n```\n")
    return "\n".join(sections)


if __name__ == "__main__":
    print(markdown(), end="")
