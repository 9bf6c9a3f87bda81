"""An uploaded file is read in a child process: its check and count, and the rows an import runs.

An import job is created with its `rows_total`, so the file is checked and counted before the
upload is answered (core/imports/jobs.py, `start_import`): the header found, the whole file
decoded, every row parsed — for a 20 MiB roster of 480,000 rows, seconds of Python — and the
import that follows in the background reads it all again (openpyxl holds an XLSX's every
distinct text meanwhile). In a server that work ran in threads that still shared the process's
GIL with the event loop, which waited for each of its turns (a millisecond each, longer behind a
long C call), and its garbage collector, which stops every thread. A child process shares
neither: the server's thread only waits on a pipe, or takes whole batches of parsed rows from
it, and `/healthz` answers as if nothing ran (bench/stall.py measures it).

The child imports the reader alone (not the models or SQLAlchemy). It answers in pickled frames
on its stdout: the check's answer; or batches of records, then the end. A refusal comes back as
the same typed InputError the reader raised in-process; anything unexpected by its type only (a
decode error's text quotes the file's bytes: names and ID numbers). Pickle carries the cells'
own types (text, numbers, dates) as the reader made them; the child is our own code, the file
only ever supplies values.
"""

import hashlib
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ErrorCode, FieldError, InputError
from .reader import Table, open_table

BATCH = 500  # records a frame: each pickle.load in the server is one short C call
NICENESS = 10


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


def check_here(path: Path, fields: Mapping[str, tuple[str, ...]], required: Sequence[str]) -> Checked:
    """The header (a file without a required column is refused naming it), the digest and the
    number of records: one pass to find the header, one to hash, one to count."""
    table = open_table(Path(path), fields, required)
    return Checked(table=table, sha256=file_sha256(Path(path)), rows=table.count())


def check_file(path: Path, fields: Mapping[str, tuple[str, ...]], required: Sequence[str]) -> Checked:
    """What `check_here` answers, worked out in a child process."""
    with _Child("check", path, fields, required) as child:
        (header_row, columns, sha256, rows) = child.answer()
    return Checked(Table(path=Path(path), header_row=header_row, columns=columns), sha256, rows)


def read_records(
    path: Path, fields: Mapping[str, tuple[str, ...]], required: Sequence[str]
) -> Iterator[tuple[int, dict]]:
    """`open_table(path, …).records()`, read in a child process: the header's refusal, if any,
    comes before the first record. Closing the iterator early stops the child."""
    with _Child("records", path, fields, required) as child:
        while (batch := child.answer()) is not None:
            yield from batch


class _Child:
    def __init__(self, task: str, path: Path, fields: Mapping, required: Sequence[str]) -> None:
        request = (task, str(path), {k: tuple(v) for k, v in fields.items()}, tuple(required))
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # a traceback could quote the file
        )
        pickle.dump(request, self.process.stdin)
        self.process.stdin.close()

    def answer(self):
        try:
            kind, value = pickle.load(self.process.stdout)
        except (EOFError, pickle.UnpicklingError):
            code = self.process.wait()
            raise FileCheckFailed(f"the file check exited with {code} and no answer") from None
        if kind == "refused":
            raise InputError([FieldError(field, ErrorCode(code), message) for field, code, message in value])
        if kind == "unexpected":
            raise FileCheckFailed(f"the file check stopped on {value}")
        return value

    def __enter__(self) -> "_Child":
        return self

    def __exit__(self, *_exc) -> None:
        if self.process.poll() is None:
            self.process.kill()  # an iterator closed early: the rest is not wanted
        self.process.stdout.close()
        self.process.wait()


def _serve(task: str, path: str, fields: dict, required: tuple, out) -> None:
    def send(kind: str, value) -> None:
        pickle.dump((kind, value), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        if task == "check":
            checked = check_here(Path(path), fields, required)
            table = checked.table
            send("answer", (table.header_row, dict(table.columns), checked.sha256, checked.rows))
            return
        batch = []
        for record in open_table(Path(path), fields, required).records():
            batch.append(record)
            if len(batch) == BATCH:
                send("rows", batch)
                batch = []
        if batch:
            send("rows", batch)
        send("end", None)
    except InputError as error:
        send("refused", [(e.field, str(e.code), e.message) for e in error.errors])
    except BrokenPipeError:  # the server closed the reading early
        raise
    except Exception as error:  # its type only: the message of a decode error quotes the bytes
        send("unexpected", type(error).__name__)


def main() -> None:
    # Below the server in the scheduler's eyes: on cores busy with other work, the event loop that
    # waits for a turn is run before the parsing (which only delays an import's next batch).
    os.nice(NICENESS)
    task, path, fields, required = pickle.load(sys.stdin.buffer)
    _serve(task, path, fields, required, sys.stdout.buffer)


if __name__ == "__main__":
    main()
