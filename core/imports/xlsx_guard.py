"""An XLSX file is checked as a zip before openpyxl opens it: a zip bomb or a sheet of millions of
shared strings is refused, not parsed.

An XLSX is a zip of XML parts. openpyxl's read-only mode streams the worksheet, but it reads the
shared-strings table (every distinct text of the workbook) whole into a Python list, and the
other parts (styles, workbook, relationships) whole too. So, from the zip's central directory
and one streaming pass over the shared strings, before any XML is parsed:

- at most MAX_XLSX_ENTRIES parts (a workbook has a dozen; each part costs memory to list);
- at most MAX_XLSX_UNCOMPRESSED bytes unpacked in all (a 1 MiB zip can unpack to gigabytes);
- at most MAX_PART_BYTES unpacked for each part openpyxl reads whole, except the shared strings;
- at most MAX_SHARED_STRINGS shared strings, counted in the XML (the `uniqueCount` the file
  declares may lie), within MAX_SHARED_STRINGS_BYTES.

The sizes come from the central directory. Python's zipfile stops a part at its declared size
and then fails its CRC check, so a part that lies about its size cannot unpack to more.

A 200,000-row roster with a distinct name and ID number on every row holds about 400,000 shared
strings and unpacks to about 60 MiB; the limits leave room above that and keep the largest
allowed file well under the server's memory budget (bench/stall.py).
"""

import re
import zipfile
from pathlib import Path

from ..errors import ErrorCode, InputError

MiB = 1024 * 1024
MAX_XLSX_ENTRIES = 1000
MAX_XLSX_UNCOMPRESSED = 256 * MiB
MAX_PART_BYTES = 8 * MiB
MAX_SHARED_STRINGS = 500_000
MAX_SHARED_STRINGS_BYTES = 64 * MiB

_SHARED_STRINGS = "xl/sharedStrings.xml"
_STRING_ITEM = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_CHUNK = 1 << 20


def _refused(message: str) -> InputError:
    return InputError.one("file", ErrorCode.INVALID, message)


def check_xlsx(path: Path) -> None:
    """Raises InputError (field `file`) for a workbook beyond the limits above."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_XLSX_ENTRIES:
                raise _refused(f"XLSX 文件包含 {len(entries):,} 个部件，超过 {MAX_XLSX_ENTRIES:,} 个")
            total = sum(entry.file_size for entry in entries)
            if total > MAX_XLSX_UNCOMPRESSED:
                raise _refused(
                    f"XLSX 文件解压后达 {total / MiB:,.0f} MiB，超过 {MAX_XLSX_UNCOMPRESSED // MiB} MiB"
                )
            for entry in entries:
                _check_part(archive, entry)
    except zipfile.BadZipFile:  # openpyxl would say the same, later
        raise _refused("无法读取 XLSX 文件") from None


def _check_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    name = entry.filename
    if name == _SHARED_STRINGS:
        if entry.file_size > MAX_SHARED_STRINGS_BYTES:
            raise _refused(f"XLSX 文件的共享字符串表超过 {MAX_SHARED_STRINGS_BYTES // MiB} MiB")
        if (count := _count_strings(archive, entry)) > MAX_SHARED_STRINGS:
            raise _refused(
                f"XLSX 文件含 {count:,} 个以上不同的文本，超过 {MAX_SHARED_STRINGS:,} 个，"
                f"请分成几个文件或另存为 CSV"
            )
    elif not name.startswith("xl/worksheets/") and entry.file_size > MAX_PART_BYTES:
        raise _refused(f"XLSX 文件的部件 {name[:60]} 超过 {MAX_PART_BYTES // MiB} MiB")


def _count_strings(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> int:
    """Counts <si> elements in a streaming pass, stopping as soon as there are too many."""
    count, tail = 0, b""
    with archive.open(entry) as part:
        while chunk := part.read(_CHUNK):
            data = tail + chunk
            # Tags starting in the last bytes are left to the next pass, which sees them whole.
            cut = max(len(data) - 64, 0)
            count += sum(1 for match in _STRING_ITEM.finditer(data) if match.start() < cut)
            tail = data[cut:]
            if count > MAX_SHARED_STRINGS:
                return count
    return count + len(_STRING_ITEM.findall(tail))
