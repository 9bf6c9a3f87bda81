"""A normalised, parser-independent listing of every `yibao` command and its help.

Each command is one block: its path, its help, then its arguments and options with type,
choices, default, required flag and help text. The committed snapshot
(tests/snapshots/cli.txt) pins what users see, whichever library parses the command line.
"""

import argparse
from datetime import date


def _type_name(kind) -> str:
    if kind is None:
        return "TEXT"
    if kind is int:
        return "INTEGER"
    if kind == date.fromisoformat:
        return "DATE"
    if getattr(kind, "__name__", "") == "_positive":
        return "INTEGER>=1"
    return getattr(kind, "__name__", str(kind)).upper()


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


def argparse_listing(parser: argparse.ArgumentParser) -> str:
    blocks: list[str] = []

    def walk(path: str, node: argparse.ArgumentParser, help_text: str | None) -> None:
        lines = [path, f"  help: {help_text or node.description or ''}".rstrip()]
        arguments, options, children = [], [], []
        for action in node._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            if isinstance(action, argparse._SubParsersAction):
                helps = {choice.dest: choice.help for choice in action._choices_actions}
                children = [(name, sub, helps.get(name)) for name, sub in action.choices.items()]
                continue
            if action.option_strings:
                flags = ", ".join(sorted(action.option_strings, key=len))
                options.append(
                    _line(
                        "option",
                        flags,
                        _type_name(action.type),
                        metavar=action.metavar,
                        required=action.required,
                        choices=tuple(action.choices or ()),
                        default=action.default,
                        help=action.help,
                    )
                )
            else:
                name = action.metavar or action.dest.upper()
                optional = action.nargs == "?"
                arguments.append(
                    _line(
                        "argument",
                        name,
                        _type_name(action.type),
                        required=not optional,
                        choices=tuple(action.choices or ()),
                        default=action.default if optional else None,
                        help=action.help,
                    )
                )
        blocks.append("\n".join(lines + arguments + sorted(options)))
        for name, sub, sub_help in sorted(children, key=lambda c: c[0]):
            walk(f"{path} {name}", sub, sub_help)

    walk(parser.prog, parser, None)
    return "\n\n".join(blocks) + "\n"
