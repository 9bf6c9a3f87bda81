"""A normalised listing of every `yibao` command and its help.

Each command is one block: its path, its help, then its arguments and options with type,
choices, default, required flag and help text. The committed snapshot (tests/snapshots/cli.txt)
was first taken from the argparse tree the click commands replaced, and pins what users see.
"""

import click

UNSET = getattr(click.core, "UNSET", None)  # what click 8.3+ gives an option without a default


def _line(kind: str, name: str, type_name: str, **facts) -> str:
    parts = [f"  {kind} {name} {type_name}"]
    for key in ("metavar", "required", "choices", "default"):
        value = facts.get(key)
        if value in (None, False, ()):
            continue
        if key == "choices":
            value = ",".join(map(str, value))
        parts.append(f"[{key}]" if value is True else f"[{key}: {value}]")
    text = " ".join(parts)
    return f"{text}: {facts['help']}" if facts.get("help") else text


def _click_type(param: click.Parameter) -> str:
    kind = param.type
    if isinstance(kind, click.Choice):
        return "TEXT"
    if isinstance(kind, click.IntRange):
        if kind.max is not None:
            return f"INTEGER[{kind.min}..{kind.max}]"
        return f"INTEGER>={kind.min}" if kind.min is not None else "INTEGER"
    return {"integer": "INTEGER", "text": "TEXT", "date": "DATE"}.get(kind.name, kind.name.upper())


def click_listing(root: click.Command, name: str = "yibao") -> str:
    blocks: list[str] = []

    def walk(path: str, command: click.Command) -> None:
        lines = [path, f"  help: {command.help or ''}".rstrip()]
        arguments, options = [], []
        for param in command.params:
            choices = tuple(param.type.choices) if isinstance(param.type, click.Choice) else ()
            default = None if param.default in (None, False, UNSET) else param.default
            if isinstance(param, click.Argument):
                optional = not param.required
                arguments.append(
                    _line(
                        "argument",
                        param.metavar or param.name.upper(),
                        _click_type(param),
                        required=param.required,
                        choices=choices,
                        default=default if optional else None,
                        help=getattr(param, "help", None),
                    )
                )
            else:
                flags = ", ".join(sorted(param.opts, key=len))
                options.append(
                    _line(
                        "option",
                        flags,
                        _click_type(param),
                        metavar=param.metavar,
                        required=param.required,
                        choices=choices,
                        default=default,
                        help=param.help,
                    )
                )
        blocks.append("\n".join(lines + arguments + sorted(options)))
        if isinstance(command, click.Group):
            for child_name, child in sorted(command.commands.items()):
                walk(f"{path} {child_name}", child)

    walk(name, root)
    return "\n\n".join(blocks) + "\n"
