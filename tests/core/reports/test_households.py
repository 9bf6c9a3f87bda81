"""Households paid in part (core/reports/households.py; 东政办〔2021〕6号 五（二） "原则上以家庭为单位参保").

东至县 prefers whole households but lets members pay one by one; the report lists, per village,
each household with a member insured and another not, naming who has not — registered unpaid
(never paid, reversed, or a refused quote) or not registered at all — and leaving aside those
departed or whose enrolment has ended. Expected rows are written out from the households of
tests/support/dongzhi.py.
"""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from tests.support.dongzhi import OTHER, RULES, TOWN, VILLAGE, head_number, seed_households
from tests.support.graphql_client import gql
from yibao.api.cli import main as yibao
from yibao.core.idcard import mask_id_number
from yibao.core.reports import ReportArgs
from yibao.core.scope import Scope


@pytest.fixture
def dongzhi(engine):
    seed_households(engine)


def run(engine, region: str = "341721", as_of: date | None = None, sees_identity: bool = True):
    with Session(engine) as session:
        report = RULES.reports.get("partially_paid_households")
        args = ReportArgs(region, 2022, as_of)
        return RULES.reports.run(session, Scope(path=None), RULES, report, args, sees_identity)


def test_households_with_some_members_insured_and_others_not_are_listed_per_village(engine, dongzhi):
    result = run(engine)
    assert [row[:2] + row[3:] for row in result.rows] == [
        (VILLAGE, "新建村", "王0", head_number(engine, "王"), 1, 2, "王1（登记未缴）、王2（未登记）"),
        (OTHER, "永丰村", "赵0", head_number(engine, "赵"), 1, 2, "赵1（登记未缴）、赵2（登记未缴）"),
    ]
    assert all(isinstance(row[2], int) for row in result.rows)  # 户编号
    assert result.headings == [
        "村（社区）代码",
        "村（社区）",
        "户编号",
        "户主",
        "户主身份证号码",
        "已参保成员数",
        "未参保成员数",
        "未参保成员",
    ]
    # A township asked for itself lists the same; a village only its own.
    assert [row[0] for row in run(engine, TOWN).rows] == [VILLAGE, OTHER]
    assert [row[3] for row in run(engine, OTHER).rows] == ["赵0"]


def test_as_of_a_day_before_the_payments_no_household_is_partly_insured(engine, dongzhi):
    assert run(engine, as_of=date(2021, 10, 7)).rows == []


def test_the_head_id_number_is_masked_for_the_auditor_over_graphql(engine, dongzhi, client_as):
    query = """{ reports { partiallyPaidHouseholds(regionCode: "341721", coverageYear: 2022) {
                 citation rows { village headName headIdNumber paidMembers unpaidMembers
                                 unpaidNames } } } }"""
    auditor = gql(client_as("AUDITOR", "341721"), query)["reports"]["partiallyPaidHouseholds"]
    county = gql(client_as("COUNTY_ADMIN", "341721"), query)["reports"]["partiallyPaidHouseholds"]
    assert auditor["citation"].startswith("东政办〔2021〕6号 五（二）")
    assert [r["headIdNumber"] for r in auditor["rows"]] == [
        mask_id_number(head_number(engine, s)) for s in ("王", "赵")
    ]
    assert [r["headIdNumber"] for r in county["rows"]] == [head_number(engine, s) for s in ("王", "赵")]
    assert [r["unpaidNames"] for r in auditor["rows"]] == [r["unpaidNames"] for r in county["rows"]]
    # Another county's caller gets nothing of it.
    other = gql(client_as("COUNTY_ADMIN", "341702"), query)["reports"]["partiallyPaidHouseholds"]
    assert other is None


def test_the_report_exports_over_http_and_from_the_command_line(
    engine, dongzhi, client, tmp_path, monkeypatch
):
    response = client.get(
        "/exports/reports/partially_paid_households.xlsx?regionCode=341721&coverageYear=2022"
    )
    assert response.status_code == 200, response.text
    sheet = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert sheet[0][3] == "户主" and [row[7] for row in sheet[1:]] == [
        "王1（登记未缴）、王2（未登记）",
        "赵1（登记未缴）、赵2（登记未缴）",
    ]

    monkeypatch.setenv("YIBAO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    out = tmp_path / "部分缴费户.csv"
    yibao(
        ["report", "run", "partially_paid_households", "--region", "341721", "--year", "2022", "-o", str(out)]
    )
    text = out.read_text(encoding="utf-8-sig")
    assert "王1（登记未缴）、王2（未登记）" in text and "钱" not in text and "李0" not in text
