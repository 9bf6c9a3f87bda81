"""Rows of a CSV or XLSX file, one at a time: memory stays flat whatever the file's size.

XLSX is read with openpyxl's read-only mode (the sheet XML is parsed as it streams); CSV is
decoded as UTF-8 (with or without the BOM Excel writes) or, failing that, GB18030 — the
superset of the GBK that Chinese Excel saves "CSV" in. The header is the first row, among
the first ten non-blank ones, that holds every required column: rosters often carry a title
line (东至县2021年城乡低保对象花名册) above it. Blank rows are skipped; row numbers are the
ones the spreadsheet shows.

What a reader refuses is refused as an InputError naming the file and, where there is one, the
row, never quoting the file's bytes (they hold names and ID numbers): an XLSX beyond the limits
of xlsx_guard.py, bytes that are neither UTF-8 nor GB18030, and what the csv module cannot read
(a field over its 128 KiB limit, which no roster column comes near).
"""

import codecs
import csv
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import ErrorCode, InputError
from .headers import clean, map_headers
from .xlsx_guard import check_xlsx

HEADER_SEARCH_ROWS = 10
# A decoder holds the GIL for a whole chunk (about 9 ms for a MiB of Chinese text): a background
# import's thread would keep a server's event loop waiting that long for each of its turns.
_CHUNK = 1 << 16


def detect_format(path: Path) -> str:
    """ "xlsx" or "csv", from the file's first bytes (an upload's name may say anything)."""
    with open(path, "rb") as file:
        magic = file.read(8)
    if magic.startswith(b"PK\x03\x04"):
        return "xlsx"
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError.one(
            "file",
            ErrorCode.INVALID,
            "不支持旧版 .xls 文件，请另存为 .xlsx 或 .csv",
        )
    return "csv"


def detect_encoding(path: Path) -> str:
    """utf-8-sig when the whole file decodes as UTF-8, else gb18030 when it decodes as that;
    read in chunks. A file that is neither is refused with the offset of its first bad byte."""
    bad = 0
    for encoding in ("utf-8", "gb18030"):
        if (failed_at := _first_undecodable(path, encoding)) is None:
            return "utf-8-sig" if encoding == "utf-8" else encoding
        bad = max(bad, failed_at)
    raise InputError.one(
        "file",
        ErrorCode.INVALID,
        f"文件既不是 UTF-8 也不是 GBK/GB18030 编码，第 {bad + 1} 个字节起无法解码，"
        f"请另存为 UTF-8 的 CSV 或 XLSX",
    )


def _first_undecodable(path: Path, encoding: str) -> int | None:
    """The offset of the first byte `encoding` cannot decode, or None."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0  # bytes handed to the decoder before this chunk
    with open(path, "rb") as file:
        try:
            while chunk := file.read(_CHUNK):
                pending = len(decoder.getstate()[0])  # bytes held over from the last chunk
                decoder.decode(chunk)
                offset += len(chunk)
            pending = len(decoder.getstate()[0])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return offset - pending + exc.start
    return None


@contextmanager
def _raw_rows(path: Path) -> Iterator[Iterator[tuple[int, Sequence]]]:
    """(row number, cell values) for every row, blank ones included."""
    if detect_format(path) == "xlsx":
        import openpyxl  # imported here: only imports need it

        check_xlsx(path)  # a zip bomb or a million shared strings: refused before openpyxl reads it
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # a zip that is no workbook: openpyxl raises several kinds
            raise InputError.one("file", ErrorCode.INVALID, f"无法读取 XLSX 文件（{exc}）") from exc
        try:
            sheet = workbook.active
            sheet.reset_dimensions()  # some writers store a wrong sheet size; read what is there
            yield enumerate(sheet.iter_rows(values_only=True), start=1)
        finally:
            workbook.close()
            # The workbook and its sheets refer to each other, so only a full garbage collection
            # frees them, and with them every shared string (100 MiB for 400,000); an import opens
            # the file four times. Emptied here, the strings go at once.
            for each in workbook.worksheets:
                strings = getattr(each, "_shared_strings", None)
                if isinstance(strings, list):
                    strings.clear()
        return
    encoding = detect_encoding(path)
    with open(path, encoding=encoding, newline="") as file:
        first = file.readline()
        delimiter = "\t" if "\t" in first and "," not in first else ","
        file.seek(0)
        yield _csv_rows(csv.reader(file, delimiter=delimiter))


def _csv_rows(reader) -> Iterator[tuple[int, Sequence]]:
    """The rows, numbered; what the csv module cannot read is refused naming the row, in words
    of our own: its message would do, but a decoder's error carries the file's bytes."""
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = "字段过长" if "field larger" in str(exc) else "格式无法识别"
            raise InputError.one("file", ErrorCode.INVALID, f"第 {number + 1} 行无法读取：{reason}") from None
        except UnicodeDecodeError:
            raise InputError.one("file", ErrorCode.INVALID, f"第 {number + 1} 行含有无法解码的字节") from None
        number += 1
        yield number, values


def _blank(values: Sequence) -> bool:
    return all(clean(value) is None for value in values)


@dataclass(frozen=True)
class Table:
    """A file whose header has been found: `records()` streams its data rows as dicts."""

    path: Path
    header_row: int
    columns: Mapping[str, int]  # canonical field → column index

    def records(self) -> Iterator[tuple[int, dict]]:
        """(row number, {field: cleaned value}) for each non-blank row below the header."""
        columns = self.columns.items()
        with _raw_rows(self.path) as rows:
            for number, values in rows:
                if number <= self.header_row or _blank(values):
                    continue
                width = len(values)
                yield number, {field: clean(values[i]) if i < width else None for field, i in columns}

    def count(self) -> int:
        """How many records there are (one streaming pass, no records built)."""
        with _raw_rows(self.path) as rows:
            return sum(1 for number, values in rows if number > self.header_row and not _blank(values))


def open_table(path: Path, fields: Mapping[str, tuple[str, ...]], required: Sequence[str]) -> Table:
    """Finds the header; a file without a required column is refused naming it."""
    path = Path(path)
    first_header = None
    with _raw_rows(path) as rows:
        seen = 0
        for number, values in rows:
            if _blank(values):
                continue
            first_header = first_header or values
            try:
                columns = map_headers(values, fields, required)
            except InputError:
                seen += 1
                if seen >= HEADER_SEARCH_ROWS:
                    break
                continue
            return Table(path=path, header_row=number, columns=columns)
    if first_header is None:
        raise InputError.one("file", ErrorCode.REQUIRED, "文件为空")
    map_headers(first_header, fields, required)  # raises, naming the missing columns
    raise AssertionError("unreachable")
