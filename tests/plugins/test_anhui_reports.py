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
from itertools import count

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from tests.factories import id_number
from tests.graphql_client import gql
from yibao.core import exports
from yibao.core.audit import Actor
from yibao.core.db import transaction
from yibao.core.errors import InputError
from yibao.core.models import Enrolment, Person, Target
from yibao.core.money import fen_to_yuan
from yibao.core.reports import ReportArgs
from yibao.core.scope import Scope
from yibao.core.services.categories import CategoryInput, record_category
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.payments import PaymentInput, ReversalInput, record_payment, reverse_payment
from yibao.core.services.persons import PersonInput
from yibao.core.services.readjust import readjust_subsidies
from yibao.core.services.regions import RegionInput, add_region
from yibao.core.services.termination import TerminationInput, terminate_enrolment
from yibao.core.testing.scenarios import registry

RULES = registry()
_seq = count(1)

# --- 东至县 2022 ---

DONGZHI = Actor("admin-341721", "COUNTY_ADMIN", "341721")
DONGZHI_POLICY = "anhui/341721/2022"
YAODU, DONGLIU, DADUKOU = "341721001", "341721002", "341721003"
YAODU_VILLAGE, DONGLIU_VILLAGE = "341721001001", "341721002001"
# 二: 320 a person; 四（三）1: 低保 pay 30, 特困 are fully subsidised (0.00).
DUE_FEN = {None: 32000, "MINIMUM_LIVING": 3000, "EXTREME_POVERTY": 0}

# (township, registered in, category, ledger events in order)
DONGZHI_FIXTURE = [
    (YAODU, YAODU_VILLAGE, None, ("pay",)),
    (YAODU, YAODU, "EXTREME_POVERTY", ("pay",)),  # a 0.00 payment is a receipt too
    (YAODU, YAODU_VILLAGE, None, ("pay", "reverse", "pay")),  # corrected: one receipt stands
    (DONGLIU, DONGLIU_VILLAGE, None, ("pay",)),
    (DONGLIU, DONGLIU_VILLAGE, "MINIMUM_LIVING", ("pay",)),
    (DONGLIU, DONGLIU, None, ()),  # on the roster, never paid
    (DONGLIU, DONGLIU_VILLAGE, None, ("pay", "reverse")),  # paid, reversed: on the roster, unpaid
]
TOWNSHIPS = {YAODU: "尧渡镇", DONGLIU: "东流镇", DADUKOU: "大渡口镇"}  # 大渡口镇: nobody enrolled


def resident(engine, actor: Actor, region: str, born: date = date(1980, 5, 17)) -> Person:
    n = next(_seq)
    person = PersonInput(f"居民{n}", region, id_number=id_number(region[:6], born=born, seq=n))
    register_household(
        engine, actor, HouseholdInput(region, [MemberInput(person=person, is_head=True, relation="户主")])
    )
    with Session(engine) as session:
        return session.exec(select(Person).where(Person.id_number == person.id_number)).one()


def campaign(engine, actor, policy, fixture, paid_on: date, repaid_on: date, channel: str, born=None):
    """Registers, enrols and pays `fixture`'s persons; returns their enrolments in order."""
    year = int(policy.rsplit("/", 1)[1])
    enrolments = []
    for i, (_, region, category, events) in enumerate(fixture):
        person = resident(engine, actor, region, **({"born": born[i]} if born and i in born else {}))
        if category:
            record_category(
                engine,
                actor,
                CategoryInput(person.id, category, since=date(2021, 7, 1)),
                RULES.categories,
                None,
            )
        enrolment = enrol(
            engine, actor, EnrolmentInput(person.id, year, policy, f"e-{person.id}", on=paid_on), RULES
        )
        payment = None
        for n, event in enumerate(events):
            if event == "pay":
                due = fen_to_yuan(enrolment_due(engine, enrolment.id))
                day = paid_on if payment is None else repaid_on
                data = PaymentInput(enrolment.id, due, day, channel, f"p-{person.id}-{n}")
                payment = record_payment(engine, actor, data, RULES)
            else:
                reverse_payment(engine, actor, ReversalInput(payment.id, "收款有误", f"r-{person.id}-{n}"))
        enrolments.append(enrolment)
    return enrolments


def enrolment_due(engine, enrolment_id: int) -> int:
    with Session(engine) as session:
        return session.get(Enrolment, enrolment_id).amount_due_fen


@pytest.fixture
def dongzhi(engine):
    for code, name in TOWNSHIPS.items():
        add_region(engine, DONGZHI, RegionInput(code, "341721", name))
    add_region(engine, DONGZHI, RegionInput(YAODU_VILLAGE, YAODU, "新建村"))
    add_region(engine, DONGZHI, RegionInput(DONGLIU_VILLAGE, DONGLIU, "永丰村"))
    return campaign(
        engine, DONGZHI, DONGZHI_POLICY, DONGZHI_FIXTURE, date(2021, 10, 8), date(2021, 11, 2), "VILLAGE_CASH"
    )


def expected_four(terminated=(), due_fen=None) -> list[tuple]:
    """Per township from DONGZHI_FIXTURE: (code, name, funds, headcount, roster, receipts, due,
    disagreeing, consistent).

    Each person agrees when on the roster with one receipt and their amount due collected, or off
    it (terminated) with neither. A terminated entry leaves the roster but its standing payment is
    still a receipt and money held.
    """
    sums = {code: [0, 0, 0, 0, 0, 0] for code in TOWNSHIPS}
    for i, (township, _, category, events) in enumerate(DONGZHI_FIXTURE):
        standing = events.count("pay") - events.count("reverse")
        funds, due = standing * DUE_FEN[category], (due_fen or {}).get(i, DUE_FEN[category])
        row = sums[township]
        row[0] += funds
        row[3] += standing  # receipts
        if i in terminated:
            row[5] += standing != 0 or funds != 0
            continue
        row[2] += 1  # roster
        if standing:
            row[1] += 1  # headcount
            row[4] += due
        row[5] += not (standing == 1 and funds == due)
    return [
        (
            code,
            TOWNSHIPS[code],
            fen_to_yuan(funds),
            headcount,
            roster,
            receipts,
            fen_to_yuan(due),
            disagreeing,
            disagreeing == 0,
        )
        for code, (funds, headcount, roster, receipts, due, disagreeing) in sums.items()
    ]


def run(engine, name: str, region: str, year: int, as_of: date | None = None):
    with transaction(engine) as session:
        return RULES.reports.run(
            session, Scope(path=None), RULES, RULES.reports.get(name), ReportArgs(region, year, as_of)
        )


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


def paid_now() -> dict[str, int]:
    paid = defaultdict(int)
    for township, _, _, events in DONGZHI_FIXTURE:
        paid[township] += events.count("pay") > events.count("reverse")
    return paid


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

GUICHI = Actor("admin-341702", "COUNTY_ADMIN", "341702")
GUICHI_POLICY = "anhui/341702/2024"
WUSHA = "341702001"
VILLAGES = {
    "341702001001": ("乌沙镇", "乌沙村"),
    "341702001002": ("乌沙镇", "兴义村"),
    "341702002001": ("池阳街道", "池阳社区"),
}
WUSHA_A, WUSHA_B, CHIYANG_A = VILLAGES
GUICHI_FIXTURE = [
    (WUSHA, WUSHA_A, None, ("pay",)),
    (WUSHA, WUSHA_A, None, ("pay",)),  # 三1 “百岁”老人 (born 1920): pays 0.00, still 筹资
    (WUSHA, WUSHA_A, None, ()),  # registered, never paid: raised nothing
    (WUSHA, WUSHA_B, None, ("pay",)),
    (WUSHA, WUSHA_B, None, ("pay", "reverse")),
    (WUSHA, WUSHA, None, ("pay",)),  # registered on the town: no village earns a fee
]
FEE_FEN = 100  # 贵医保组〔2023〕1号 七 末段: 每人1元


@pytest.fixture
def guichi(engine):
    for code, (_, name) in VILLAGES.items():
        add_region(engine, GUICHI, RegionInput(code, code[:9], name))
    return campaign(
        engine,
        GUICHI,
        GUICHI_POLICY,
        GUICHI_FIXTURE,
        date(2023, 10, 10),
        date(2023, 11, 2),
        "COLLECTION_POINT",
        born={1: date(1920, 5, 1)},
    )


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
