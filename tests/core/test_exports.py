"""Tables written for offices: CSV that Excel opens in Chinese, XLSX with numbers and dates typed."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from yibao.core import exports

HEADINGS = ["姓名", "身份证号码", "应缴金额（元）", "缴费日期", "户编号", "备注"]
ROWS = [
    ("王大山", "341721197503090230", Decimal("320"), date(2021, 10, 8), 7, None),
    ("李秀英", "012345678901234567", Decimal("30.5"), None, 7, "低保"),
]


def test_xlsx_has_the_headings_and_typed_values():
    buffer = io.BytesIO()
    exports.write(buffer, "xlsx", HEADINGS, iter(ROWS), title="缴费清册2022")
    buffer.seek(0)
    sheet = load_workbook(buffer).active
    assert sheet.title == "缴费清册2022"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == tuple(HEADINGS)
    first, second = values[1], values[2]
    assert first[0] == "王大山" and first[1] == "341721197503090230"  # ID numbers stay text
    assert second[1] == "012345678901234567"  # a leading zero is kept
    assert first[2] == 320 and second[2] == 30.5 and first[4] == 7
    assert first[3].date() == date(2021, 10, 8) and second[3] is None
    assert second[5] == "低保"
    cells = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert cells[2].number_format == "0.00" and cells[3].number_format == "yyyy-mm-dd"
    assert cells[1].data_type == "s"
    assert list(sheet.iter_rows(max_row=1))[0][0].font.bold


def test_csv_is_utf8_with_a_byte_order_mark_and_two_decimal_places():
    buffer = io.BytesIO()
    exports.write(buffer, "csv", HEADINGS, ROWS)
    raw = buffer.getvalue()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese correctly
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert lines[0] == HEADINGS
    assert lines[1] == ["王大山", "341721197503090230", "320.00", "2021-10-08", "7", ""]
    assert lines[2] == ["李秀英", "012345678901234567", "30.50", "", "7", "低保"]


def test_csv_streams_in_chunks_without_building_the_whole_file():
    produced = 0

    def rows():
        nonlocal produced
        for n in range(1200):
            produced += 1
            yield (f"居民{n}", Decimal(n))

    chunks = exports.csv_chunks(["姓名", "金额"], rows())
    first = next(chunks)
    assert produced == 500 and first.startswith("\ufeff姓名,金额".encode())
    rest = b"".join(chunks)
    assert produced == 1200 and (first + rest).decode("utf-8-sig").count("\r\n") == 1201


def test_a_sheet_title_with_characters_excel_forbids_is_cleaned():
    buffer = io.BytesIO()
    exports.write_xlsx(buffer, ["a"], [("x",)], title="2022/2023:清册[东至]")
    buffer.seek(0)
    assert load_workbook(buffer).active.title == "2022_2023_清册_东至_"


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="pdf"):
        exports.write(io.BytesIO(), "pdf", HEADINGS, ROWS)
