"""What the commands share: the parameter types, who the operator is, writing an export, refusing."""

import getpass
import sys
from datetime import date
from pathlib import Path

import click

FORMATS = ("xlsx", "csv")


class Refusal(click.ClickException):
    """The command cannot do what was asked; `main` prints `yibao: <message>` and exits 1."""


class IsoDate(click.ParamType):
    """A calendar date as YYYY-MM-DD; the notices' windows are inclusive calendar dates."""

    name = "date"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


DATE = IsoDate()
POSITIVE = click.IntRange(min=1)


def operator(region: str | None):
    """The CLI runs as a county administrator of `region` (None: the whole database)."""
    from yibao.core.audit import Actor

    return Actor(name=f"cli:{getpass.getuser()}", role="COUNTY_ADMIN", region_code=region)


def write_export(output: str | None, fmt: str | None, headings, rows: list, title: str) -> None:
    """To a file (XLSX or CSV by --format or its suffix), or as CSV to stdout without -o."""
    from yibao.core import exports

    if output is None:
        exports.write(sys.stdout.buffer, "csv", headings, rows)
        sys.stdout.flush()
        return
    fmt = fmt or ("csv" if Path(output).suffix.lower() == ".csv" else "xlsx")
    with open(output, "wb") as target:
        exports.write(target, fmt, headings, rows, title=title)
    click.echo(f"yibao: {len(rows)} 行 → {output}", err=True)
