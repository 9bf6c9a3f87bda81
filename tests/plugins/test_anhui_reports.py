"""anhui's reports: “四个一致” and the base per township (东政办〔2021〕6号 五（二）, 五（一）), and the
village agency fee (贵医保组〔2023〕1号 七 末段).

Persons, enrolments and payments go in through the services; last year's enrolments (no 2021
policy exists to enrol under) and loaded bases are inserted as rows. Every expected figure is
computed from the fixture lists below in plain Python, never read back from the reports' SQL.
"""

import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.support.anhui import (
    DADUKOU,
    DONGLIU,
    DONGZHI,
    DONGZHI_POLICY,
    DUE_FEN,
    GUICHI_FIXTURE,
    RULES,
    TOWNSHIPS,
    VILLAGES,
    YAODU,
    expected_four,
    paid_now,
    resident,
    run,
)
from tests.support.graphql_client import gql
from yibao.core import exports
from yibao.core.db import transaction
from yibao.core.errors import InputError
from yibao.core.models import Enrolment, Target
from yibao.core.money import fen_to_yuan
from yibao.core.services.categories import CategoryInput, record_category
from yibao.core.services.readjust import readjust_subsidies
from yibao.core.services.termination import TerminationInput, terminate_enrolment

# --- 东至县 2022 ---


# --- 四个一致 ---


def test_four_consistent_per_township_agrees_only_where_everyone_on_the_roster_paid(dongzhi, engine):
    result = run(engine, "anhui_four_consistent", "341721", 2022)
    assert result.rows == expected_four()
    by_code = {row["unit_code"]: row for row in result.dicts()}
    # 尧渡镇: a reversal corrected by a new payment and a 0.00 payment keep it consistent;
    # 东流镇: an enrolment never paid and one whose payment was reversed stay on the roster.
    assert (by_code[YAODU]["consistent"], by_code[DONGLIU]["consistent"]) == (True, False)
    assert (by_code[YAODU]["receipts"], by_code[YAODU]["funds"]) == (3, Decimal("640.00"))
    assert (by_code[DONGLIU]["roster"], by_code[DONGLIU]["headcount"]) == (4, 2)
    assert result.headings == [
        "代码",
        "乡镇",
        "参保资金（元）",
        "参保人数",
        "参保花名册人数",
        "开具收据（张）",
        "花名册应缴金额（元）",
        "不一致人数",
        "是否“四个一致”",
    ]


def test_a_payment_dated_after_the_as_of_date_is_not_yet_counted(dongzhi, engine):
    # 尧渡镇's first two persons paid on 10-08; the corrected payment came on 11-02, and its
    # reversal (dated the day it was entered) lies after the as-of date: as of 10-31 the original
    # 10-08 payment still stands.
    result = run(engine, "anhui_four_consistent", "341721", 2022, date(2021, 10, 31))
    yaodu = next(row for row in result.dicts() if row["unit_code"] == YAODU)
    assert (yaodu["receipts"], yaodu["headcount"], yaodu["funds"]) == (3, 3, Decimal("640.00"))
    result = run(engine, "anhui_four_consistent", "341721", 2022, date(2021, 10, 7))
    yaodu = next(row for row in result.dicts() if row["unit_code"] == YAODU)
    assert (yaodu["receipts"], yaodu["headcount"], yaodu["roster"]) == (0, 0, 0)  # enrolled on 10-08


def test_a_terminated_enrolment_with_its_payment_standing_breaks_the_agreement(dongzhi, engine):
    terminate_enrolment(
        engine, DONGZHI, RULES, TerminationInput(dongzhi[0].id, "死亡", requested_on=date.today())
    )
    rows = run(engine, "anhui_four_consistent", "341721", 2022).rows
    assert rows == expected_four(terminated={0})
    assert rows[0][-1] is False  # 尧渡镇: 3 receipts and 640.00 held for 2 persons on the roster


def test_the_12_31_readjustment_leaves_money_above_what_the_roster_says_is_due(dongzhi, engine):
    """四（四）: a person recognised 低保 after paying 320 owes 30 on the 12-31 roster."""
    person_id = dongzhi[0].person_id
    record_category(
        engine,
        DONGZHI,
        CategoryInput(person_id, "MINIMUM_LIVING", since=date(2021, 11, 1)),
        RULES.categories,
        None,
    )
    changes = readjust_subsidies(engine, DONGZHI, RULES, DONGZHI_POLICY, date(2021, 12, 31))
    assert [c.person_id for c in changes] == [person_id]
    rows = run(engine, "anhui_four_consistent", "341721", 2022).rows
    assert rows == expected_four(due_fen={0: DUE_FEN["MINIMUM_LIVING"]})
    assert (rows[0][2], rows[0][6], rows[0][-1]) == (Decimal("640.00"), Decimal("350.00"), False)


def test_four_consistent_exports_to_xlsx_under_the_notices_headings(dongzhi, engine):
    result = run(engine, "anhui_four_consistent", "341721", 2022)
    buffer = io.BytesIO()
    exports.write(buffer, "xlsx", result.headings, result.rows, result.report.title)
    buffer.seek(0)
    sheet = load_workbook(buffer).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0] == result.headings
    assert [row[:2] for row in table[1:]] == [[code, name] for code, name in TOWNSHIPS.items()]
    assert [row[2] for row in table[1:]] == [float(row[2]) for row in expected_four()]
    assert [row[7:] for row in table[1:]] == [list(row[7:]) for row in expected_four()]


def test_four_consistent_through_graphql(dongzhi, client):
    data = gql(
        client,
        """query($region: String!) { reports { anhuiFourConsistent(regionCode: $region, coverageYear: 2022) {
             title citation columns { key heading }
             rows { unitCode unitName funds headcount roster receipts amountDue
                    disagreeing consistent } } } }""",
        region="341721",
    )["reports"]["anhuiFourConsistent"]
    assert data["citation"] == "东政办〔2021〕6号 五（二）"
    assert data["columns"][2] == {"key": "funds", "heading": "参保资金（元）"}
    assert [
        (
            r["unitCode"],
            r["funds"],
            r["headcount"],
            r["roster"],
            r["receipts"],
            r["amountDue"],
            r["disagreeing"],
            r["consistent"],
        )
        for r in data["rows"]
    ] == [(r[0], str(r[2]), r[3], r[4], r[5], str(r[6]), r[7], r[8]) for r in expected_four()]


# --- 征收基数 ---

# Last year's enrolments per township (statuses); only PAID ones make the base.
LAST_YEAR = {YAODU: ("PAID",) * 4 + ("ENROLLED", "TERMINATED"), DONGLIU: ("PAID",) * 5}


def last_year(engine) -> None:
    for township, statuses in LAST_YEAR.items():
        for status in statuses:
            person = resident(engine, DONGZHI, township)
            with transaction(engine) as session:
                session.add(
                    Enrolment(
                        person_id=person.id,
                        coverage_year=2021,
                        region_code=township,
                        policy_id="anhui/341721/2021",
                        tier="1",
                        status=status,
                        idempotency_key=f"last-{person.id}",
                    )
                )


def load(engine, *targets: tuple[str, int, str, int]) -> None:
    with transaction(engine) as session:
        for region, year, kind, headcount in targets:
            session.add(
                Target(
                    region_code=region,
                    coverage_year=year,
                    kind=kind,
                    headcount=headcount,
                    source="测试",
                    actor="test",
                )
            )


def test_without_a_loaded_base_last_years_paid_enrolments_are_the_base(dongzhi, engine):
    last_year(engine)
    # Neither a base for the 2021 campaign nor a 2022 task is 2022's 征收基数.
    load(engine, (YAODU, 2021, "BASE", 1), (YAODU, 2022, "TARGET", 1))
    result = run(engine, "anhui_enrolment_base", "341721", 2022)
    now = paid_now()
    expected = []
    for code, name in TOWNSHIPS.items():
        statuses = LAST_YEAR.get(code, ())
        if statuses:
            base = statuses.count("PAID")
            expected.append((code, name, base, "上年参保", now[code], now[code] - base, now[code] >= base))
        else:
            expected.append((code, name, None, "无", now[code], None, None))
    assert result.rows == expected
    assert [r[6] for r in result.rows] == [False, False, None]  # 3 < 4, 2 < 5, no base
    assert result.headings == [
        "代码",
        "乡镇",
        "2021年征收基数",
        "基数来源",
        "2022年参保人数",
        "差额",
        "是否不低于基数",
    ]


def test_a_loaded_base_wins_and_equal_is_not_below(dongzhi, engine):
    last_year(engine)
    now = paid_now()
    load(engine, (DONGLIU, 2022, "BASE", now[DONGLIU]), (DADUKOU, 2022, "BASE", 7))
    rows = {row[0]: row for row in run(engine, "anhui_enrolment_base", "341721", 2022).rows}
    assert rows[DONGLIU][2:] == (now[DONGLIU], "导入", now[DONGLIU], 0, True)
    assert rows[DADUKOU][2:] == (7, "导入", 0, -7, False)
    assert rows[YAODU][2:4] == (LAST_YEAR[YAODU].count("PAID"), "上年参保")


# --- 贵池区 代办经费 ---

FEE_FEN = 100  # 贵医保组〔2023〕1号 七 末段: 每人1元


def test_each_village_gets_one_yuan_per_paid_enrolment_and_the_total_sums_them(guichi, engine):
    financed = defaultdict(int)
    for _, region, _, events in GUICHI_FIXTURE:
        financed[region] += events.count("pay") > events.count("reverse")
    expected = [
        (town, code, name, financed[code], fen_to_yuan(financed[code] * FEE_FEN))
        for code, (town, name) in VILLAGES.items()
    ]
    total = sum(financed[code] for code in VILLAGES)
    expected.append((None, "341702", "合计", total, fen_to_yuan(total * FEE_FEN)))
    result = run(engine, "anhui_agency_fee", "341702", 2024)
    assert result.rows == expected
    assert result.rows[-1][3:] == (3, Decimal("3.00"))
    assert result.headings == ["镇（街）", "村（社区）代码", "村（社区）", "筹资人数", "代办经费（元）"]


def test_the_agency_fee_is_guichis_only_and_the_four_consistent_check_dongzhis(engine):
    with pytest.raises(InputError) as refused:
        run(engine, "anhui_agency_fee", "341721", 2022)
    assert [(e.field, e.code) for e in refused.value.errors] == [("regionCode", "INVALID")]
    with pytest.raises(InputError):
        run(engine, "anhui_four_consistent", "341702", 2024)
