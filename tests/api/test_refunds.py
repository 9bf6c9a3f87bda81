"""Refunds over GraphQL: batches and the ledger (方城), termination with a refund and 零申报 (贵阳)."""

from collections.abc import Iterator

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from tests.support.db_state import stored
from tests.support.graphql_client import gql, gql_errors
from tests.support.guiyang import paid_guiyang
from tests.support.henan import FENGRUI, RULES, SHIZHI, expected_ledger, henan_campaign
from tests.support.refunds import PAY_REFUNDS, TERMINATE
from tests.support.tokens import TEST_KEY, bearer
from yibao.api.app import create_app
from yibao.core.models import Person

LEDGER = """
query($region: String!, $year: Int) {
  refundLedger(regionCode: $region, coverageYear: $year) {
    department townshipCode townshipName owed paid outstanding owedCount paidCount outstandingCount
  }
}"""

ZERO = """
query($region: String!, $year: Int!) {
  zeroDeclarations(regionCode: $region, coverageYear: $year) {
    enrolmentId regionCode name idNumber subsidyCategory subsidy funding { source amount } status
  }
}"""

REFUNDS_OF = (
    "query($id: ID!) { enrolment(id: $id) { refunds { department status paidOn batchId payeeAccount } } }"
)


@pytest.fixture
def henan(engine) -> list:
    return henan_campaign(engine)


@pytest.fixture
def as_role(engine) -> Iterator:
    """`as_role(role, region)`: a client of an app whose rules carry the Henan refund amounts."""
    app = create_app(engine, RULES, key=TEST_KEY)
    clients = []

    def make(role: str, region: str) -> TestClient:
        client = TestClient(app, headers=bearer(role, region, name=f"{role.lower()}-{region}"))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def ledger_of(client, region="411322", year=2022) -> dict:
    rows = gql(client, LEDGER, region=region, year=year)["refundLedger"]
    return {
        (r["department"], r["townshipCode"]): (
            r["owed"],
            r["paid"],
            r["outstanding"],
            r["owedCount"],
            r["paidCount"],
            r["outstandingCount"],
        )
        for r in rows
    }


def in_yuan(expected: dict) -> dict:
    return {key: (*map(yuan, value[:3]), *value[3:]) for key, value in expected.items()}


def test_the_county_pays_a_department_in_a_batch_and_the_ledger_shows_it(henan, as_role):
    county = as_role("COUNTY_ADMIN", "411322")
    assert ledger_of(county) == in_yuan(expected_ledger(paid=set()))
    names = {
        r["townshipCode"]: r["townshipName"] for r in gql(county, LEDGER, region="411322")["refundLedger"]
    }
    assert names == {SHIZHI: "释之街道", FENGRUI: "凤瑞街道"}

    payout = {
        "department": "CIVIL_AFFAIRS",
        "regionCode": "411322",
        "paidOn": "2022-01-20",
        "reference": "代发-2022-001",
        "idempotencyKey": "c1",
    }
    batch = gql(county, PAY_REFUNDS, input=payout)["payRefunds"]
    assert {k: v for k, v in batch.items() if k != "id"} == {
        "__typename": "RefundBatch",
        "department": "CIVIL_AFFAIRS",
        "regionCode": "411322",
        "paidOn": "2022-01-20",
        "count": 3,
        "amount": "600.00",
        "actor": "county_admin-411322",
    }
    assert gql(county, PAY_REFUNDS, input=payout)["payRefunds"] == batch
    paid = {("CIVIL_AFFAIRS", SHIZHI), ("CIVIL_AFFAIRS", FENGRUI)}
    assert ledger_of(county) == in_yuan(expected_ledger(paid=paid))
    [refund] = gql(county, REFUNDS_OF, id=str(henan[0].id))["enrolment"]["refunds"]
    assert refund == {
        "department": "CIVIL_AFFAIRS",
        "status": "PAID",
        "paidOn": "2022-01-20",
        "batchId": batch["id"],
        "payeeAccount": "6217000012345678",
    }

    again = gql(county, PAY_REFUNDS, input=payout | {"idempotencyKey": "c2"})["payRefunds"]
    assert again["__typename"] == "InputErrors"
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("department", "NOT_FOUND")]


def test_a_township_officer_pays_and_reads_only_its_township(henan, as_role, engine):
    officer = as_role("TOWNSHIP_OFFICER", FENGRUI)
    before = stored(engine)
    elsewhere = {
        "department": "FINANCE",
        "regionCode": SHIZHI,
        "paidOn": "2022-01-20",
        "reference": "代发-2022-002",
        "idempotencyKey": "f1",
    }
    refused = gql(officer, PAY_REFUNDS, input=elsewhere)["payRefunds"]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("regionCode", "FORBIDDEN")]
    assert stored(engine) == before
    batch = gql(officer, PAY_REFUNDS, input=elsewhere | {"regionCode": FENGRUI})["payRefunds"]
    assert (batch["count"], batch["amount"]) == (2, "300.00")
    mine = {k: v for k, v in expected_ledger(paid={("FINANCE", FENGRUI)}).items() if k[1] == FENGRUI}
    assert ledger_of(officer, region=FENGRUI) == in_yuan(mine)
    assert gql(officer, LEDGER, region="411322")["refundLedger"] is None  # above its township
    # A village clerk reads the ledger but may not pay.
    clerk = as_role("VILLAGE_CLERK", FENGRUI)
    assert ledger_of(clerk, region=FENGRUI) == in_yuan(mine)
    assert gql_errors(clerk, PAY_REFUNDS, input=elsewhere)[0]["extensions"]["code"] == "FORBIDDEN"


def test_terminating_refunds_on_request_before_or_after_coverage_starts(engine, as_role):
    """筑医保通〔2021〕34号 五（三） sets no cut at the start of coverage: both are refunded."""
    clerk = as_role("VILLAGE_CLERK", "520111001")
    early, late = paid_guiyang(engine), paid_guiyang(engine)
    request = {
        "reason": "迁出本市",
        "requestedOn": "2021-12-31",
        "refund": True,
        "payeeAccount": {"kind": "BANK_CARD", "number": "6222 0210 0101 2345"},
    }

    ended = gql(clerk, TERMINATE, input=request | {"enrolmentId": str(early.id)})["terminateEnrolment"]
    assert ended["status"] == "TERMINATED"
    assert (ended["terminatedOn"], ended["terminationReason"], ended["entitlements"]) == (
        "2021-12-31",
        "迁出本市",
        [],
    )
    [refund] = ended["refunds"]
    assert (refund["kind"], refund["amount"], refund["department"], refund["status"]) == (
        "TERMINATION",
        "320.00",
        "TAX",
        "OWED",
    )
    assert "筑医保通〔2021〕34号 五（三）" in refund["reason"]
    assert refund["payeeAccount"] == "6222021001012345"  # the clerk who pays it sees it whole

    after = gql(clerk, TERMINATE, input=request | {"enrolmentId": str(late.id), "requestedOn": "2022-03-01"})
    after = after["terminateEnrolment"]
    assert [(r["kind"], r["amount"]) for r in after["refunds"]] == [("TERMINATION", "320.00")]
    assert after["entitlements"] == [{"startDate": "2022-01-01"}]  # covered until the request date
    [masked] = gql(as_role("AUDITOR", "520100"), REFUNDS_OF, id=str(late.id))["enrolment"]["refunds"]
    assert masked["payeeAccount"] == "************2345"

    before = stored(engine)
    bad_id = gql(clerk, TERMINATE, input=request | {"enrolmentId": "x"})["terminateEnrolment"]
    assert [(e["field"], e["code"]) for e in bad_id["errors"]] == [("enrolmentId", "INVALID")]
    bad_account = request | {
        "enrolmentId": str(early.id),
        "payeeAccount": {"kind": "ONE_CARD", "number": "12"},
    }
    refused = gql(clerk, TERMINATE, input=bad_account)["terminateEnrolment"]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("payeeAccount.number", "INVALID")]
    assert stored(engine) == before


def test_the_zero_declaration_list_masks_id_numbers_for_the_auditor(engine, as_role):
    extreme = paid_guiyang(engine, "EXTREME_POVERTY", amount="0.00")
    paid_guiyang(engine)
    with Session(engine) as session:
        person = session.get(Person, extreme.person_id)
    expected = {
        "enrolmentId": str(extreme.id),
        "regionCode": "520111001",
        "name": person.name,
        "idNumber": person.id_number,
        "subsidyCategory": "EXTREME_POVERTY",
        "subsidy": "320.00",
        "funding": [{"source": "MEDICAL_ASSISTANCE_FUND", "amount": "320.00"}],
        "status": "PAID",
    }
    tax = as_role("TAX_INTEGRATOR", "520100")
    assert gql(tax, ZERO, region="520100", year=2022)["zeroDeclarations"] == [expected]
    [audited] = gql(as_role("AUDITOR", "520100"), ZERO, region="520100", year=2022)["zeroDeclarations"]
    assert audited["idNumber"] == person.id_number[:4] + "*" * 10 + person.id_number[-4:]
    other_district = as_role("COUNTY_ADMIN", "520102")
    assert gql(other_district, ZERO, region="520100", year=2022)["zeroDeclarations"] is None
    assert gql(other_district, ZERO, region="520102", year=2022)["zeroDeclarations"] == []
    errors = gql_errors(as_role("VILLAGE_CLERK", "520111001"), ZERO, region="520100", year=2022)
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


@pytest.fixture
def cli(engine, monkeypatch, capsys):
    """Runs `yibao …` in-process against the test database; returns what it printed."""
    from yibao.api.cli import main

    monkeypatch.setenv("YIBAO_DATABASE_URL", engine.url.render_as_string(hide_password=False))

    def run(*args: str) -> tuple[str, str]:
        main(list(args))
        captured = capsys.readouterr()
        return captured.out, captured.err

    return run


def test_the_cli_pays_a_batch_once_and_writes_the_ledger(henan, cli, engine, tmp_path):
    pay = ("refunds", "pay", "--department", "CIVIL_AFFAIRS", "--region", "411322", "--on", "2022-01-20")
    pay += ("--reference", "代发-2022-001")
    out, _ = cli(*pay)
    assert out.startswith("退费批次 ") and out.rstrip().endswith(
        "CIVIL_AFFAIRS 411322 2022-01-20 3 笔 600.00 元"
    )
    before = stored(engine)
    assert cli(*pay)[0] == out  # the default key is department, region and date: a rerun pays nothing
    assert stored(engine) == before
    with pytest.raises(SystemExit) as refused:
        cli(*pay, "--key", "second-run")
    assert "没有待退费用" in str(refused.value)

    paid = {("CIVIL_AFFAIRS", SHIZHI), ("CIVIL_AFFAIRS", FENGRUI)}
    names = {SHIZHI: "释之街道", FENGRUI: "凤瑞街道"}
    expected = [
        [department, township, names[township], *map(yuan, sums[:3]), *map(str, sums[3:])]
        for (department, township), sums in sorted(expected_ledger(paid).items())
    ]
    target = tmp_path / "ledger.csv"
    cli("refunds", "ledger", "--region", "411322", "--year", "2022", "-o", str(target))
    lines = [line.split(",") for line in target.read_text(encoding="utf-8-sig").splitlines()]
    assert lines[0][:3] == ["退费部门", "乡镇（街道）代码", "乡镇（街道）"]
    assert lines[0][9:] == ["待定笔数", "应追回金额", "已追回金额"]
    assert [line[:9] for line in lines[1:]] == expected
    assert {tuple(line[9:]) for line in lines[1:]} == {("0", "0.00", "0.00")}

    from openpyxl import load_workbook

    workbook = tmp_path / "ledger.xlsx"
    cli("refunds", "ledger", "--region", "411322", "-o", str(workbook))
    sheet = load_workbook(workbook).active
    cells = [[str(value) for value in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [row[:3] for row in cells] == [row[:3] for row in expected]
    assert [f"{float(row[3]):.2f}" for row in cells] == [row[3] for row in expected]


def test_the_cli_writes_the_zero_declaration_list(engine, cli, tmp_path):
    extreme = paid_guiyang(engine, "EXTREME_POVERTY", amount="0.00")
    paid_guiyang(engine)
    with Session(engine) as session:
        person = session.get(Person, extreme.person_id)
    target = tmp_path / "zero.csv"
    _, err = cli("roster", "zero-declarations", "--region", "520100", "--year", "2022", "-o", str(target))
    assert "1 行" in err
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines == [
        "姓名,身份证号码,参保地代码,资助类别,资助金额,资金来源,参保状态",
        f"{person.name},{person.id_number},520111001,EXTREME_POVERTY,320.00,"
        "MEDICAL_ASSISTANCE_FUND 320.00,PAID",
    ]
