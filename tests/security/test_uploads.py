"""Uploads, attacked: oversized bodies, zip bombs, spreadsheets of a million shared strings, fields
over the csv module's limit, undecodable bytes — each refused with a typed answer that names the
file, before anything is parsed or stored, and never echoed raw into the log."""

import io
import json
import logging
import threading
import zipfile

import openpyxl
import pytest

from tests.support.db_state import stored
from tests.support.households import register
from tests.support.uploads import IMPORT_ROSTER, Upload, post_multipart, upload
from yibao.api.body_limit import MAX_UPLOAD_BYTES
from yibao.core.imports.xlsx_guard import MAX_SHARED_STRINGS, MAX_XLSX_ENTRIES, MAX_XLSX_UNCOMPRESSED

GBK_NAME = "张三".encode("gbk")  # b"\xd5\xc5\xc8\xfd"


def assert_file_refused(result: dict, *words: str) -> None:
    assert result["__typename"] == "InputErrors", result
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("file", "INVALID")], result
    for word in words:
        assert word in result["errors"][0]["message"], result


def assert_too_large(response) -> None:
    assert response.status_code == 413, response.text[:200]
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


# --- multipart bodies and files -----------------------------------------------------------------


@pytest.fixture
def unparsed(monkeypatch):
    """Fails the test if the GraphQL view parses a body as JSON or as a multipart form."""

    def parse(*_args, **_kwargs):
        raise AssertionError("the body was parsed")

    monkeypatch.setattr("yibao.api.graphql.view.YibaoGraphQL.decode_json", parse)
    monkeypatch.setattr("yibao.api.graphql.view.YibaoGraphQL.parse_multipart", parse)


def multipart(client, file: bytes, filename: str = "roster.csv"):
    variables = {"file": Upload(filename, file), "source": "CIVIL_AFFAIRS", "asOf": "2021-09-30"}
    return post_multipart(client, IMPORT_ROSTER, variables | {"region": "341721"})


def test_a_multipart_body_over_the_limit_is_413_unread(client, engine, unparsed):
    before = stored(engine)
    response = multipart(client, b"x" * (MAX_UPLOAD_BYTES + 2 * 1024 * 1024))
    assert_too_large(response)
    assert stored(engine) == before


def test_a_file_over_the_upload_limit_is_refused_naming_the_file(client, engine):
    before = stored(engine)
    response = multipart(client, b"x" * (MAX_UPLOAD_BYTES + 1))
    assert response.status_code == 200, response.text[:200]
    assert_file_refused(response.json()["data"]["importRoster"], "20 MiB")
    assert stored(engine) == before


# --- XLSX bombs ----------------------------------------------------------------------------------


def workbook_parts() -> dict[str, bytes]:
    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号码", "类别"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(parts: dict[str, bytes], big: tuple[str, bytes, bytes, int] | None = None) -> bytes:
    """A workbook of `parts`; `big` = (name, head, repeated chunk, times) is streamed in compressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in parts.items():
            if big is None or name != big[0]:
                archive.writestr(name, data)
        if big is not None:
            name, head, chunk, times = big
            with archive.open(name, "w") as target:
                target.write(head)
                for _ in range(times):
                    target.write(chunk)
    return buffer.getvalue()


@pytest.fixture
def unopened(monkeypatch):
    """Fails the test if openpyxl is asked to open a workbook."""

    def load(*_args, **_kwargs):
        raise AssertionError("openpyxl parsed the workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", load)


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(client, engine, unopened):
    row = b"<row><c t='inlineStr'><is><t>0</t></is></c></row>" * 1024
    times = MAX_XLSX_UNCOMPRESSED // len(row) + 1
    bomb = zipped(workbook_parts(), ("xl/worksheets/sheet1.xml", b"<worksheet><sheetData>", row, times))
    assert len(bomb) < MAX_UPLOAD_BYTES // 10  # small on the wire, huge when unpacked
    before = stored(engine)
    response = multipart(client, bomb, "bomb.xlsx")
    assert_file_refused(response.json()["data"]["importRoster"], "MiB")
    assert stored(engine) == before


def test_a_million_shared_strings_are_refused_before_openpyxl_opens_them(client, engine, unopened):
    parts = workbook_parts()
    count = MAX_SHARED_STRINGS + 1
    head = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    head += b' count="1" uniqueCount="1">'  # the declared count lies; the strings are counted
    blob = zipped(parts, ("xl/sharedStrings.xml", head, b"<si><t>x</t></si>" * 1000, count // 1000 + 1))
    before = stored(engine)
    response = multipart(client, blob, "strings.xlsx")
    assert_file_refused(response.json()["data"]["importRoster"], f"{MAX_SHARED_STRINGS:,}")
    assert stored(engine) == before


def test_a_workbook_of_too_many_parts_is_refused(client, engine, unopened):
    parts = workbook_parts() | {f"xl/media/{n}.bin": b"" for n in range(MAX_XLSX_ENTRIES)}
    response = multipart(client, zipped(parts), "parts.xlsx")
    assert_file_refused(response.json()["data"]["importRoster"], f"{MAX_XLSX_ENTRIES:,}")


# --- CSV that the csv module or the decoder refuses -------------------------------------------


def test_a_field_over_the_csv_module_limit_is_refused_naming_the_row(client, engine):
    before = stored(engine)
    content = "姓名,身份证号码,类别\n张三,341721198005170013,低保\n李四," + "1" * 200_000 + ",低保\n"
    assert_file_refused(upload(client, content.encode(), region="341721"), "第 3 行")
    assert stored(engine) == before


def test_undecodable_bytes_are_refused_and_never_logged(client, engine, caplog):
    number = "341721198005170013"
    content = "姓名,身份证号码,类别\n".encode("gbk") + GBK_NAME + f",{number},低保\n".encode()
    content += b"\xff\xfe" + GBK_NAME + b"\x80\n"  # neither UTF-8 nor GB18030
    before = stored(engine)
    with caplog.at_level(logging.DEBUG):
        result = upload(client, content, region="341721")
    assert_file_refused(result, "GB18030")
    assert stored(engine) == before
    for text in (caplog.text, json.dumps(result, ensure_ascii=False)):
        assert number not in text and "\\xd5\\xc5" not in text and "张三" not in text


def test_an_unexpected_decode_error_is_logged_without_its_bytes(client, monkeypatch, caplog):
    secret = "李四,341721198005170021".encode("gbk")

    def explode(*_args, **_kwargs):
        raise UnicodeDecodeError("gb18030", secret + b"\xff", len(secret), len(secret) + 1, "illegal")

    monkeypatch.setattr("yibao.core.imports.jobs.check_file", explode)
    with caplog.at_level(logging.DEBUG):
        response = multipart(client, b"x,y\n1,2\n")
    assert response.json()["errors"][0]["message"] == "服务器内部错误，请稍后重试或联系管理员"
    assert "UnicodeDecodeError" in caplog.text  # the operator learns what happened …
    assert "\\xc0\\xee" not in caplog.text and "李四" not in caplog.text  # … but not what was in it
    assert "341721198005170021" not in caplog.text


# --- off the event loop ------------------------------------------------------------------------


def test_an_upload_is_saved_and_counted_off_the_event_loop(client, monkeypatch):
    from yibao.api.graphql import view as app_module
    from yibao.core.imports import jobs

    threads: dict[str, int] = {}
    principal_of, check_file = app_module.principal_of, jobs.check_file

    def on_loop(*args):
        threads["loop"] = threading.get_ident()  # get_context runs on the server's event loop
        return principal_of(*args)

    def counted(*args, **kwargs):
        threads.setdefault("parse", threading.get_ident())  # the request's check and count
        return check_file(*args, **kwargs)

    monkeypatch.setattr(app_module, "principal_of", on_loop)
    monkeypatch.setattr(jobs, "check_file", counted)
    register(client)
    started = upload(client, "姓名,身份证号码,类别\n张三,341721198005170013,低保\n".encode(), region="341721")
    assert started["__typename"] == "ImportJob", started
    assert threads["parse"] != threads["loop"]
