"""Rosters as offices save them: CSV in UTF-8 (with or without BOM) or GBK, XLSX; headers by alias."""

from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yibao.core.errors import InputError
from yibao.core.imports.headers import _DATE_FORMS, clean, map_headers, parse_date, parse_id_text, parse_int
from yibao.core.imports.reader import detect_encoding, open_table

FIELDS = {
    "idNumber": ("身份证号码", "身份证号", "公民身份号码"),
    "name": ("姓名",),
    "category": ("类别", "人员类别"),
    "since": ("认定日期",),
}
REQUIRED = ("idNumber", "category")
ROWS = [
    ("张三", "341721198005170013", "低保", "2021-09-30"),
    ("李四", "341721198005170021", "特困", "2021/8/1"),
]


def write_csv(path, text: str, encoding: str):
    path.write_bytes(text.encode(encoding))
    return path


def records(path) -> list:
    return list(open_table(path, FIELDS, REQUIRED).records())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_offices_save(tmp_path, encoding):
    text = "姓名,身份证号码,类别,认定日期\n" + "".join(",".join(row) + "\n" for row in ROWS)
    path = write_csv(tmp_path / "roster.csv", text, encoding)
    assert records(path) == [
        (2, {"idNumber": "341721198005170013", "name": "张三", "category": "低保", "since": "2021-09-30"}),
        (3, {"idNumber": "341721198005170021", "name": "李四", "category": "特困", "since": "2021/8/1"}),
    ]
    assert detect_encoding(path) == ("gb18030" if encoding.startswith("gb") else "utf-8-sig")


def test_title_line_blank_rows_and_header_aliases(tmp_path):
    text = (
        "东至县2021年低保对象花名册,,,\n"
        "\n"
        "序号, 公民身份号码 ,人员类别（必填）,姓 名\n"
        "1,341721198005170013,低保,张三\n"
        ",,,\n"
        "\n"
        "2,341721198005170021,特困,李四\n"
    )
    table = open_table(write_csv(tmp_path / "r.csv", text, "utf-8"), FIELDS, REQUIRED)
    assert table.header_row == 3
    assert dict(table.columns) == {"idNumber": 1, "category": 2, "name": 3}
    assert [(n, r["idNumber"], r["name"]) for n, r in table.records()] == [
        (4, "341721198005170013", "张三"),
        (7, "341721198005170021", "李四"),
    ]
    assert table.count() == 2


def test_missing_required_column_refuses_the_file_naming_it(tmp_path):
    path = write_csv(
        tmp_path / "r.csv", "姓名,身份证号码,认定日期\n张三,341721198005170013,2021-09-30\n", "gbk"
    )
    with pytest.raises(InputError) as refused:
        open_table(path, FIELDS, REQUIRED)
    assert [(e.field, e.code) for e in refused.value.errors] == [("category", "REQUIRED")]
    assert "类别" in refused.value.errors[0].message


def test_empty_file_is_refused(tmp_path):
    with pytest.raises(InputError) as refused:
        open_table(write_csv(tmp_path / "r.csv", "\n\n", "utf-8"), FIELDS, REQUIRED)
    assert refused.value.errors[0].field == "file"


def test_xlsx_with_date_cells_number_ids_and_blank_rows(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["身份证号", "姓名", "类别", "认定日期"])
    sheet.append([341721198005170013, "张三", "低保", datetime(2023, 8, 31)])
    sheet.append([None, None, None, None])
    sheet.append(["341721198005170021", "李四", "MINIMUM_LIVING", "2023年8月31日"])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    rows = records(path)
    assert [n for n, _ in rows] == [2, 4]
    first, second = rows[0][1], rows[1][1]
    # Excel keeps 15 significant digits of a number cell: the ID arrives with its tail lost,
    # as 18 digits the check digit will refuse, never as a float's "3.41721198005170e17".
    assert parse_id_text(first["idNumber"]).startswith("3417211980051")
    assert len(parse_id_text(first["idNumber"])) == 18
    assert parse_date(first["since"]) == date(2023, 8, 31)
    assert second["category"] == "MINIMUM_LIVING"
    assert parse_date(second["since"]) == date(2023, 8, 31)


def test_old_xls_is_refused_with_advice(tmp_path):
    path = tmp_path / "r.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(InputError) as refused:
        open_table(path, FIELDS, REQUIRED)
    assert ".xlsx" in refused.value.errors[0].message


@pytest.mark.parametrize(
    "value",
    [
        "2023-08-31",
        "2023/8/31",
        "2023.8.31",
        "2023年8月31日",
        "20230831",
        " 2023-08-31 ",
        45169,
        datetime(2023, 8, 31, 0, 0),
        date(2023, 8, 31),
        "2023-08-31 00:00:00",
    ],
)
def test_date_forms(value):
    assert parse_date(value) == date(2023, 8, 31)


@pytest.mark.parametrize("value", ["2023-02-30", "31/08/2023", "八月", "2023-8"])
def test_dates_that_are_not_dates(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_blank_date_is_none():
    assert parse_date("  ") is None and parse_date(None) is None


def test_id_numbers_as_text_or_numbers():
    assert parse_id_text(34172119800517001) == "34172119800517001"
    assert parse_id_text("'34172119800517001x") == "34172119800517001X"
    assert parse_id_text(" 341721 19800517 0013 ") == "341721198005170013"
    assert parse_id_text("") is None


def test_grades():
    assert [parse_int(v) for v in (2, 2.0, "2", "二级", "3级", None)] == [2, 2, 2, 2, 3, None]
    with pytest.raises(ValueError):
        parse_int("重度")


def test_header_alias_with_bracketed_note_and_english_name():
    columns = map_headers(["ID_NUMBER", "人员类别(必填)*"], {**FIELDS, "idNumber": ("id_number",)}, REQUIRED)
    assert columns == {"idNumber": 0, "category": 1}


def _by_the_forms(text: str):
    """What the date forms alone answer (parse_date reads `yyyy-mm-dd` without them)."""
    for form in _DATE_FORMS:
        if match := form.match(text):
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                return "invalid"
    return "invalid"


@given(st.from_regex(r"\A[0-9０-９a٣-]{4}-[0-9a-]{2}-[0-9٣]{2}\Z") | st.text(max_size=12))
def test_iso_dates_are_read_as_the_forms_read_them(text):
    try:
        answer = parse_date(text)
    except ValueError:
        answer = "invalid"
    cleaned = clean(text)
    if cleaned is not None and " " not in cleaned:
        assert answer == _by_the_forms(cleaned)
