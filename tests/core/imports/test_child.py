"""An upload read in a child process: the same check, count, records and refusals as in-process,
worked out elsewhere, and nothing of the file's bytes in what an unexpected failure says."""

import os
from datetime import datetime
from itertools import islice

import openpyxl
import pytest

from yibao.core.errors import InputError
from yibao.core.imports import child
from yibao.core.imports.child import FileCheckFailed, check_file, check_here, read_records
from yibao.core.imports.reader import open_table

FIELDS = {
    "idNumber": ("身份证号码", "身份证号"),
    "name": ("姓名",),
    "category": ("类别",),
    "since": ("认定日期",),
}
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
    sheet.append(("身份证号", "姓名", "类别", "认定日期"))
    for name, number, category in ROWS:
        sheet.append((number, name, category, datetime(2021, 9, 30)))  # a date cell: a datetime
    sheet.append((12345, " 王五\u3000", "低保", 44470))  # a number, padded text, a date serial
    workbook.save(path)
    return path


@pytest.mark.parametrize("kind", ["utf-8", "gbk", "xlsx"])
def test_the_child_answers_what_the_reader_does_here(tmp_path, kind):
    path = xlsx_file(tmp_path / "roster.xlsx") if kind == "xlsx" else csv_file(tmp_path / "roster.csv", kind)
    checked = check_file(path, FIELDS, REQUIRED)
    assert checked == check_here(path, FIELDS, REQUIRED)
    assert checked.rows == (3 if kind == "xlsx" else 2)  # a CSV's blank row not counted
    here = list(open_table(path, FIELDS, REQUIRED).records())
    assert list(read_records(path, FIELDS, REQUIRED)) == here  # values of the same types
    assert len(here) == checked.rows


def test_the_check_runs_in_another_process(tmp_path, monkeypatch):
    def explode(*_args, **_kwargs):
        raise AssertionError("checked in the server's process")

    monkeypatch.setattr(child, "open_table", explode)
    monkeypatch.setattr(child, "check_here", explode)
    path = csv_file(tmp_path / "roster.csv")
    assert check_file(path, FIELDS, REQUIRED).rows == 2
    assert [number for number, _ in read_records(path, FIELDS, REQUIRED)] == [3, 5]


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
    with pytest.raises(InputError) as checked:
        check_file(path, FIELDS, REQUIRED)
    assert checked.value.errors == here.value.errors
    with pytest.raises(InputError) as read:
        list(read_records(path, FIELDS, REQUIRED))
    assert read.value.errors == here.value.errors


def test_an_unexpected_failure_is_named_by_its_type_only(tmp_path):
    with pytest.raises(FileCheckFailed) as failed:
        check_file(tmp_path, FIELDS, REQUIRED)  # a folder: open() fails in the child
    assert str(failed.value) == "the file check stopped on IsADirectoryError"
    assert str(tmp_path) not in str(failed.value)  # the message of the child's error stays there
    with pytest.raises(FileCheckFailed, match="IsADirectoryError"):
        list(read_records(tmp_path, FIELDS, REQUIRED))


def test_a_reading_closed_early_stops_its_child(tmp_path, monkeypatch):
    started = []
    popen = child.subprocess.Popen

    def recorded(*args, **kwargs):
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(child.subprocess, "Popen", recorded)
    path = tmp_path / "roster.csv"
    path.write_text("身份证号码,类别\n" + "341721198005170013,低保\n" * 5 * child.BATCH)
    records = read_records(path, FIELDS, REQUIRED)
    assert len(list(islice(records, 3))) == 3
    (process,) = started
    assert process.poll() is None  # blocked on a full pipe, with more to send
    assert os.getpriority(os.PRIO_PROCESS, process.pid) == min(
        19, os.getpriority(os.PRIO_PROCESS, 0) + child.NICENESS
    )
    records.close()
    assert process.poll() is not None
