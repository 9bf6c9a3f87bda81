"""What the campaign commands share: who the operator is, and writing an export."""

import getpass
import sys
from pathlib import Path


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
    print(f"yibao: {len(rows)} 行 → {output}", file=sys.stderr)
