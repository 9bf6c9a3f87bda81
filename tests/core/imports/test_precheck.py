"""An upload's check and count in a child process: the same answers and refusals as in-process,
worked out elsewhere, and nothing of the file's bytes in what an unexpected failure says."""

import openpyxl
import pytest

from yibao.core.errors import InputError
from yibao.core.imports import precheck
from yibao.core.imports.precheck import FileCheckFailed, check_file, check_here

FIELDS = {"idNumber": ("身份证号码", "身份证号"), "name": ("姓名",), "category": ("类别",)}
REQUIRED = ("idNumber", "category")
ROWS = [("张三", "341721198005170013", "低保"), ("李四", "341721198005170021", "特困")]


def csv_file(path, encoding="utf-8"):
    # a title line above the header, and a blank row, as offices save rosters
    text = "东至县低保对象花名册\n姓名,身份证号码,类别\n" + "".join(",".join(r) + "\n" for r in ROWS[:1])
    path.write_bytes((text + ",,\n" + ",".join(ROWS[1]) + "\n").encode(encoding))
    return path


def xlsx_file(path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [("身份证号", "姓名", "类别"), *[(n, name, c) for name, n, c in ROWS]]:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.mark.parametrize("kind", ["utf-8", "gbk", "xlsx"])
def test_the_child_answers_what_the_reader_does_here(tmp_path, kind):
    path = xlsx_file(tmp_path / "roster.xlsx") if kind == "xlsx" else csv_file(tmp_path / "roster.csv", kind)
    checked = check_file(path, FIELDS, REQUIRED)
    assert checked == check_here(path, FIELDS, REQUIRED)
    assert checked.rows == 2  # the blank row not counted
    assert list(checked.table.records()) == list(check_here(path, FIELDS, REQUIRED).table.records())


def test_the_check_runs_in_another_process(tmp_path, monkeypatch):
    def explode(*_args, **_kwargs):
        raise AssertionError("checked in the server's process")

    monkeypatch.setattr(precheck, "open_table", explode)
    monkeypatch.setattr(precheck, "check_here", explode)
    assert check_file(csv_file(tmp_path / "roster.csv"), FIELDS, REQUIRED).rows == 2


@pytest.mark.parametrize(
    "content",
    [
        b"",  # empty
        "姓名,类别\n张三,低保\n".encode(),  # no ID number column
        "身份证号码,类别\n".encode() + b"\xff\xfe\x80\n",  # neither UTF-8 nor GB18030
        "身份证号码,类别\n1,".encode() + b"2" * 200_000 + b"\n",  # a field over the csv module's limit
    ],
    ids=["empty", "missing-column", "undecodable", "field-too-long"],
)
def test_refusals_come_back_typed_as_the_reader_raised_them(tmp_path, content):
    path = tmp_path / "roster.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as here:
        check_here(path, FIELDS, REQUIRED)
    with pytest.raises(InputError) as child:
        check_file(path, FIELDS, REQUIRED)
    assert child.value.errors == here.value.errors


def test_an_unexpected_failure_is_named_by_its_type_only(tmp_path):
    with pytest.raises(FileCheckFailed) as failed:
        check_file(tmp_path, FIELDS, REQUIRED)  # a folder: open() fails in the child
    assert str(failed.value) == "the file check stopped on IsADirectoryError"
    assert str(tmp_path) not in str(failed.value)  # the message of the child's error stays there
