"""An uploaded file's header, SHA-256 and number of rows, worked out in a process of its own.

An import job is created with its `rows_total`, so the file is checked and counted before the
upload is answered (core/imports/jobs.py, `start_import`): the header found, the whole file
decoded, every row parsed — for a 20 MiB roster of 480,000 rows, seconds of Python. In a server
that work ran in a worker thread and still shared the process's GIL with the event loop, which
had to wait for each of its turns (up to a millisecond each, longer behind a long C call), and
its collector, which stops every thread. A child process shares neither: the worker thread only
waits on a pipe, and `/healthz` answers as if nothing ran (bench/stall.py measures it).

The child imports the reader alone (a fraction of a second; not the models or SQLAlchemy) and
answers one JSON object: the table's header row and columns, the digest and the count, or the
InputError the reader raised (the same typed refusal as in-process). Anything unexpected is
reported by its type only: a decode error's text carries the file's bytes (names, ID numbers).
"""

import hashlib
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ErrorCode, FieldError, InputError
from .reader import Table, open_table


@dataclass(frozen=True)
class Checked:
    table: Table
    sha256: str
    rows: int  # the records below the header, blank rows not counted


class FileCheckFailed(RuntimeError):
    """The child stopped without an answer, or on an exception no refusal describes."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)  # hashlib lets go of the GIL over a chunk this size
    return digest.hexdigest()


def check_file(path: Path, fields: Mapping[str, tuple[str, ...]], required: Sequence[str]) -> Checked:
    """What `check_here` answers, worked out in a child process."""
    request = {"path": str(path), "fields": dict(fields), "required": list(required)}
    child = subprocess.run(
        [sys.executable, "-m", __name__],
        input=json.dumps(request, ensure_ascii=False).encode(),
        capture_output=True,  # its stderr is dropped: a traceback could quote the file
        check=False,
    )
    try:
        answer = json.loads(child.stdout)
    except ValueError:
        raise FileCheckFailed(f"the file check exited with {child.returncode} and no answer") from None
    if "refused" in answer:
        errors = [FieldError(e["field"], ErrorCode(e["code"]), e["message"]) for e in answer["refused"]]
        raise InputError(errors)
    if "unexpected" in answer:
        raise FileCheckFailed(f"the file check stopped on {answer['unexpected']}")
    table = Table(path=Path(path), header_row=answer["header_row"], columns=answer["columns"])
    return Checked(table=table, sha256=answer["sha256"], rows=answer["rows"])


def check_here(path: Path, fields: Mapping[str, tuple[str, ...]], required: Sequence[str]) -> Checked:
    """The header (a file without a required column is refused naming it), the digest and the
    number of records: one pass to find the header, one to hash, one to count."""
    table = open_table(Path(path), fields, required)
    return Checked(table=table, sha256=file_sha256(Path(path)), rows=sum(1 for _ in table.records()))


def _answer(request: dict) -> dict:
    fields = {k: tuple(v) for k, v in request["fields"].items()}
    try:
        checked = check_here(Path(request["path"]), fields, tuple(request["required"]))
    except InputError as error:
        refused = [{"field": e.field, "code": str(e.code), "message": e.message} for e in error.errors]
        return {"refused": refused}
    except Exception as error:  # its type only: the message of a decode error quotes the bytes
        return {"unexpected": type(error).__name__}
    table = checked.table
    return {
        "header_row": table.header_row,
        "columns": dict(table.columns),
        "sha256": checked.sha256,
        "rows": checked.rows,
    }


def main() -> None:
    answer = _answer(json.loads(sys.stdin.buffer.read()))
    sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False).encode())


if __name__ == "__main__":
    main()
