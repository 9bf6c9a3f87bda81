"""A whole collection campaign, for one Dongzhi village and one Henan village, as offices run it.

Villages, department rosters, collection rosters, batch payments, refund payouts and the
Dongzhi re-adjustment go through the `yibao` CLI; registration, enrolment, single payments,
the refund ledger and coverage go through GraphQL; both on SQLite and on PostgreSQL. The final
state of every table the campaign touches is then compared field by field.

The Henan refund sizes (200.00 for 低保, 150.00 for 脱贫人口) are deployment parameters the
notice leaves open (方政办明电〔2021〕35号 二（一）); the values here are test values.
"""

import csv
import re
from datetime import date

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from tests.support.factories import id_number, wrong_check_digit
from tests.support.graphql_client import gql
from tests.support.households import ENROL, ENROL_HOUSEHOLD, PAY, REGISTER
from tests.support.tokens import TEST_KEY, bearer
from yibao.api.app import create_app
from yibao.api.cli import main as yibao
from yibao.core.plugins import load_registry

DONGZHI, HENAN = "anhui/341721/2022", "henan/411322/2022"
DZ_VILLAGE, HN_VILLAGE = "341721001001", "411322001001"

PEOPLE = {  # name: (ID region, birth date, sequence)
    "王大": ("341721", date(1975, 3, 1), 1),
    "李二": ("341721", date(1978, 6, 2), 2),
    "王三": ("341721", date(2010, 9, 3), 3),
    "赵四": ("341721", date(1950, 1, 4), 4),
    "王小": ("341721", date(2022, 2, 10), 5),
    "孙五": ("411322", date(1970, 4, 5), 6),
    "周六": ("411322", date(1972, 5, 6), 7),
    "吴七": ("411322", date(1980, 7, 7), 8),
    "郑八": ("411322", date(1999, 8, 8), 9),
    "郑小": ("411322", date(2022, 2, 1), 10),
}
ID = {name: id_number(region=r, born=born, seq=seq) for name, (r, born, seq) in PEOPLE.items()}

COVERAGE = """query($id: String!, $on: Date!) { coverage(idNumber: $id, on: $on) { covered reason } }"""
LEDGER = """query { refundLedger(regionCode: "411322", coverageYear: 2022) {
  department townshipName owed paid outstanding } }"""
DATE = re.compile(r"\d{4}-\d\d-\d\d")
ROSTER_HEADER = ["姓名", "身份证号码", "类别", "认定日期", "退出日期"]


@pytest.fixture
def campaign(engine, tmp_path, monkeypatch):
    """The CLI and the API on the same database, with the deployment's Henan refund sizes."""
    parameters = tmp_path / "parameters.toml"
    parameters.write_text(
        f'["{HENAN}"]\n"refund.MINIMUM_LIVING" = "200.00"\n"refund.OUT_OF_POVERTY" = "150.00"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("YIBAO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("YIBAO_PARAMETERS", str(parameters))
    app = create_app(engine, load_registry(), key=TEST_KEY)
    clients = {
        county: TestClient(app, headers=bearer("COUNTY_ADMIN", county, name=f"admin-{county}"))
        for county in ("341721", "411322")
    }
    yield clients
    for client in clients.values():
        client.close()


def cli(capsys, *args: str) -> str:
    """Runs `yibao ARGS` in-process against $YIBAO_DATABASE_URL; returns what it printed."""
    capsys.readouterr()
    yibao(list(args))
    return capsys.readouterr().out


def write_csv(path, header: list[str], rows: list[list[str]]) -> str:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return str(path)


def register(client, village: str, names: list[str]) -> dict[str, str]:
    members = [
        {"isHead": i == 0, "person": {"name": n, "idNumber": ID[n], "hukouRegionCode": village}}
        for i, n in enumerate(names)
    ]
    household = gql(client, REGISTER, input={"addressRegionCode": village, "members": members})
    household = household["registerHousehold"]
    assert household["__typename"] == "Household", household
    return {"household": household["id"]} | {
        m["person"]["name"]: m["person"]["id"] for m in household["members"]
    }


def pay(client, enrolment: str, amount: str, on: str, channel: str, key: str) -> dict:
    data = {
        "enrolmentId": enrolment,
        "amount": amount,
        "paidOn": on,
        "channel": channel,
        "idempotencyKey": key,
    }
    return gql(client, PAY, input=data)["recordPayment"]


def enrol(client, person: str, policy: str, on: str, key: str) -> dict:
    data = {"personId": person, "coverageYear": 2022, "policyId": policy, "idempotencyKey": key, "on": on}
    result = gql(client, ENROL, input=data)["enrol"]
    assert result["__typename"] == "Enrolment", result
    return result


def run_dongzhi(client, capsys, tmp) -> None:
    cli(capsys, "region", "add", "341721001", "--parent", "341721", "--name", "尧渡镇")
    cli(capsys, "region", "add", DZ_VILLAGE, "--parent", "341721001", "--name", "新建村")
    family = register(client, DZ_VILLAGE, ["王大", "李二", "王三"])
    alone = register(client, DZ_VILLAGE, ["赵四"])

    # The September rosters (东政办〔2021〕6号 四（四）): 低保 and 特困, one bad ID, one stranger.
    september = write_csv(
        tmp / "民政9月.csv",
        ROSTER_HEADER,
        [
            ["李二", ID["李二"], "低保对象", "2021-03-01", ""],
            ["赵四", ID["赵四"], "特困人员", "2020-01-01", ""],
            ["钱九", wrong_check_digit(ID["赵四"]), "低保对象", "2021-03-01", ""],
            ["陌生人", id_number(region="341721", seq=99), "低保对象", "2021-03-01", ""],
        ],
    )
    out = cli(
        capsys,
        "roster",
        "import",
        september,
        "--source",
        "CIVIL_AFFAIRS",
        "--as-of",
        "2021-09-30",
        "--region",
        "341721",
    )
    print(out)

    # This year's collection roster for the village, as the clerk prints it.
    roster_file = tmp / "缴费清册.csv"
    cli(
        capsys,
        "roster",
        "collection",
        "--region",
        DZ_VILLAGE,
        "--year",
        "2022",
        "--format",
        "csv",
        "-o",
        str(roster_file),
    )
    with open(roster_file, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    due = {row["姓名"]: row for row in rows}
    assert set(due) == {"王大", "李二", "王三", "赵四"}
    assert [due[n]["应缴金额（元）"] for n in ("王大", "李二", "王三", "赵四")] == [
        "320.00",
        "30.00",
        "320.00",
        "0.00",
    ]

    enrolled = gql(
        client,
        ENROL_HOUSEHOLD,
        input={
            "householdId": family["household"],
            "coverageYear": 2022,
            "policyId": DONGZHI,
            "idempotencyKey": "dz-family",
            "channel": "WECHAT_OFFICIAL_ACCOUNT",
            "on": "2021-10-08",
        },
    )["enrolHousehold"]
    assert enrolled["__typename"] == "HouseholdEnrolments", enrolled
    by_name = {e["person"]["name"]: e["id"] for e in enrolled["enrolments"]}
    poor = enrol(client, alone["赵四"], DONGZHI, "2021-10-08", "dz-zhao")
    for name, amount, channel in (
        ("王大", "320.00", "WECHAT_OFFICIAL_ACCOUNT"),
        ("李二", "30.00", "VILLAGE_CASH"),
        ("王三", "320.00", "WANSHITONG"),
    ):
        assert (
            pay(client, by_name[name], amount, "2021-10-10", channel, f"dz-{name}")["__typename"] == "Payment"
        )
    assert pay(client, poor["id"], "0.00", "2021-10-10", "VILLAGE_CASH", "dz-赵四")["__typename"] == "Payment"

    # A newborn after the window: within three months of birth, covered from the day of birth (四（七）).
    baby = register(client, DZ_VILLAGE, ["王小"])
    newborn = enrol(client, baby["王小"], DONGZHI, "2022-03-01", "dz-baby")
    assert (
        pay(client, newborn["id"], "320.00", "2022-03-01", "WECHAT_OFFICIAL_ACCOUNT", "dz-王小")["__typename"]
        == "Payment"
    )
    assert gql(client, COVERAGE, id=ID["王小"], on="2022-02-10")["coverage"]["covered"] is True

    # The 12-31 roster re-adjusts the subsidies (四（四）): 李二 left 低保, 王大 joined it.
    december = write_csv(
        tmp / "民政12月.csv",
        ROSTER_HEADER,
        [
            ["李二", ID["李二"], "低保对象", "2021-03-01", "2021-11-30"],
            ["王大", ID["王大"], "低保对象", "2021-12-01", ""],
        ],
    )
    cli(
        capsys,
        "roster",
        "import",
        december,
        "--source",
        "CIVIL_AFFAIRS",
        "--as-of",
        "2021-12-31",
        "--region",
        "341721",
    )
    changes = cli(
        capsys, "roster", "readjust", "--policy", DONGZHI, "--as-of", "2021-12-31", "--region", "341721"
    )
    assert "王大" in changes and "李二" in changes and "王三" not in changes, changes


def run_henan(client, capsys, tmp) -> None:
    cli(capsys, "region", "add", HN_VILLAGE, "--parent", "411322001", "--name", "张庄村")
    register(client, HN_VILLAGE, ["孙五", "周六"])
    other = register(client, HN_VILLAGE, ["吴七", "郑八"])
    civil = write_csv(tmp / "民政.csv", ROSTER_HEADER, [["孙五", ID["孙五"], "低保对象", "2021-01-01", ""]])
    rural = write_csv(
        tmp / "乡村振兴.csv", ROSTER_HEADER, [["周六", ID["周六"], "脱贫人口", "2020-12-01", ""]]
    )
    cli(
        capsys,
        "roster",
        "import",
        civil,
        "--source",
        "CIVIL_AFFAIRS",
        "--as-of",
        "2021-09-30",
        "--region",
        "411322",
    )
    cli(
        capsys,
        "roster",
        "import",
        rural,
        "--source",
        "RURAL_REVITALIZATION",
        "--as-of",
        "2021-10-01",
        "--region",
        "411322",
    )

    # The village's collected 缴费清册 via the 导入模板 (方政办明电〔2021〕35号 三（五））;
    # 郑八's row is wrong.
    # Subsidised payers' 一卡通 accounts ride along, for the refunds (五（二）).
    collected = write_csv(
        tmp / "张庄村缴费清册.csv",
        ["姓名", "身份证号码", "缴费金额", "缴费日期", "一卡通账号"],
        [
            ["孙五", ID["孙五"], "320", "2021-10-15", "6217000011110005"],
            ["周六", ID["周六"], "320", "2021-10-15", "6217000011110006"],
            ["吴七", ID["吴七"], "320", "2021-10-16", ""],
            ["郑八", ID["郑八"], "300", "2021-10-16", ""],
        ],
    )
    out = cli(
        capsys,
        "payments",
        "import",
        collected,
        "--policy",
        HENAN,
        "--region",
        HN_VILLAGE,
        "--channel",
        "VILLAGE_CASH",
    )
    assert "应缴 320.00" in out, out  # the refused row names the amount due
    # 郑八 pays the right amount himself, through 微税保.
    zheng = enrol(client, other["郑八"], HENAN, "2021-11-01", "hn-zheng")
    assert pay(client, zheng["id"], "320.00", "2021-11-02", "HENAN_TAX", "hn-郑八")["__typename"] == "Payment"

    # Civil affairs pays its refunds; finance has not yet.
    pay_civil = (
        "refunds",
        "pay",
        "--department",
        "CIVIL_AFFAIRS",
        "--region",
        "411322",
        "--on",
        "2022-01-20",
    )
    cli(capsys, *pay_civil, "--reference", "民政代发-2022-01")
    ledger = {row["department"]: row for row in gql(client, LEDGER)["refundLedger"]}
    assert {k: (v["townshipName"], v["owed"], v["paid"], v["outstanding"]) for k, v in ledger.items()} == {
        "CIVIL_AFFAIRS": ("释之街道", "200.00", "200.00", "0.00"),
        "FINANCE": ("释之街道", "150.00", "0.00", "150.00"),
    }

    # A newborn after the window: this notice has no newborn route (二（三）), so the payment is refused.
    baby = register(client, HN_VILLAGE, ["郑小"])
    late = enrol(client, baby["郑小"], HENAN, "2022-02-10", "hn-baby")
    refused = pay(client, late["id"], "320.00", "2022-02-10", "HENAN_TAX", "hn-郑小")
    assert refused["__typename"] == "InputErrors" and refused["errors"][0]["field"] == "paidOn", refused


OF_PERSON = "JOIN enrolment e ON e.id = x.enrolment_id JOIN person p ON p.id = e.person_id"
FINAL_STATE = {
    "enrolments": """
        SELECT p.name, e.policy_id, e.status, e.amount_due_fen, e.subsidy_fen, e.subsidy_category, e.method,
               e.channel, e.enrolled_on,
               (SELECT sum(pm.amount_fen) FROM payment pm WHERE pm.enrolment_id = e.id),
               (SELECT min(t.start_date) FROM entitlement t WHERE t.enrolment_id = e.id),
               (SELECT max(t.end_date) FROM entitlement t WHERE t.enrolment_id = e.id)
        FROM enrolment e JOIN person p ON p.id = e.person_id""",
    "payments": f"SELECT p.name, x.amount_fen, x.paid_on, x.channel FROM payment x {OF_PERSON}",
    "refunds": f"SELECT p.name, x.kind, x.amount_fen, x.department, x.status, x.paid_on "
    f"FROM refund x {OF_PERSON}",
    "facts": "SELECT p.name, x.code, x.since, x.until FROM category_fact x "
    "JOIN person p ON p.id = x.person_id",
    "receipts": "SELECT receipt_region_code, count(*), max(receipt_seq) FROM payment "
    "GROUP BY receipt_region_code",
    "settlements": f"SELECT p.name, x.difference_fen, x.party, x.status FROM settlement x {OF_PERSON}",
}


def final_state(engine) -> dict:
    """Every table the campaign touched, by person name, with dates as dates on both backends."""

    def plain(value):
        return date.fromisoformat(value) if isinstance(value, str) and DATE.fullmatch(value) else value

    with engine.connect() as connection:
        state = {
            table: sorted(tuple(plain(v) for v in row) for row in connection.execute(text(sql)))
            for table, sql in FINAL_STATE.items()
        }
    state["enrolments"] = {row[0]: row[1:] for row in state["enrolments"]}
    return state


Y = (date(2022, 1, 1), date(2022, 12, 31))
CTR, WECHAT = "COLLECT_THEN_REFUND", "WECHAT_OFFICIAL_ACCOUNT"
EXPECTED = {
    # After the 12-31 re-adjustment the decided columns hold what the December roster gives;
    # the payments made on the September roster stay as they were (四（四）); the differences are
    # settlement items (below), settled once the deployment names who settles them.
    "enrolments": {
        # name: policy, status, due, subsidy, category, method, intended channel, enrolled on, paid, coverage
        "吴七": (HENAN, "PAID", 32000, 0, None, CTR, "VILLAGE_CASH", date(2021, 10, 16), 32000, *Y),
        "周六": (
            HENAN,
            "PAID",
            32000,
            15000,
            "OUT_OF_POVERTY",
            CTR,
            "VILLAGE_CASH",
            date(2021, 10, 15),
            32000,
            *Y,
        ),
        "孙五": (
            HENAN,
            "PAID",
            32000,
            20000,
            "MINIMUM_LIVING",
            CTR,
            "VILLAGE_CASH",
            date(2021, 10, 15),
            32000,
            *Y,
        ),
        "李二": (DONGZHI, "PAID", 32000, 0, None, "UPFRONT", WECHAT, date(2021, 10, 8), 3000, *Y),
        "王三": (DONGZHI, "PAID", 32000, 0, None, "UPFRONT", WECHAT, date(2021, 10, 8), 32000, *Y),
        "王大": (
            DONGZHI,
            "PAID",
            3000,
            29000,
            "MINIMUM_LIVING",
            "UPFRONT",
            WECHAT,
            date(2021, 10, 8),
            32000,
            *Y,
        ),
        "王小": (
            DONGZHI,
            "PAID",
            32000,
            0,
            None,
            "UPFRONT",
            None,
            date(2022, 3, 1),
            32000,
            date(2022, 2, 10),
            Y[1],
        ),
        "赵四": (DONGZHI, "PAID", 0, 32000, "EXTREME_POVERTY", "UPFRONT", None, date(2021, 10, 8), 0, *Y),
        "郑八": (HENAN, "PAID", 32000, 0, None, CTR, None, date(2021, 11, 1), 32000, *Y),
        "郑小": (HENAN, "ENROLLED", None, None, None, None, None, date(2022, 2, 10), None, None, None),
    },
    "payments": [
        ("吴七", 32000, date(2021, 10, 16), "VILLAGE_CASH"),
        ("周六", 32000, date(2021, 10, 15), "VILLAGE_CASH"),
        ("孙五", 32000, date(2021, 10, 15), "VILLAGE_CASH"),
        ("李二", 3000, date(2021, 10, 10), "VILLAGE_CASH"),
        ("王三", 32000, date(2021, 10, 10), "WANSHITONG"),
        ("王大", 32000, date(2021, 10, 10), WECHAT),
        ("王小", 32000, date(2022, 3, 1), WECHAT),
        ("赵四", 0, date(2021, 10, 10), "VILLAGE_CASH"),
        ("郑八", 32000, date(2021, 11, 2), "HENAN_TAX"),
    ],
    "refunds": [
        ("周六", "COLLECT_THEN_REFUND", 15000, "FINANCE", "OWED", None),
        ("孙五", "COLLECT_THEN_REFUND", 20000, "CIVIL_AFFAIRS", "PAID", date(2022, 1, 20)),
    ],
    # The 12-31 re-adjustment's money, kept as items: 李二 left 低保 after paying 30, 王大 joined
    # it after paying 320. Who settles is the deployment's choice, not yet made (四（四）).
    "settlements": [("李二", 29000, None, "UNSETTLED"), ("王大", -29000, None, "UNSETTLED")],
    "facts": [
        ("周六", "OUT_OF_POVERTY", date(2020, 12, 1), None),
        ("孙五", "MINIMUM_LIVING", date(2021, 1, 1), None),
        ("李二", "MINIMUM_LIVING", date(2021, 3, 1), date(2021, 11, 30)),
        ("王大", "MINIMUM_LIVING", date(2021, 12, 1), None),
        ("赵四", "EXTREME_POVERTY", date(2020, 1, 1), None),
    ],
    "receipts": [("341721", 5, 5), ("411322", 4, 4)],
}


def test_a_dongzhi_and_a_henan_village_run_a_whole_campaign(campaign, engine, capsys, tmp_path):
    run_dongzhi(campaign["341721"], capsys, tmp_path)
    run_henan(campaign["411322"], capsys, tmp_path)
    state = final_state(engine)
    for table, expected in EXPECTED.items():
        assert state[table] == expected, table

    # Importing the same rosters and payment file again changes nothing.
    for name in ("民政9月.csv", "民政12月.csv", "民政.csv"):
        region = "411322" if name == "民政.csv" else "341721"
        as_of = "2021-12-31" if name == "民政12月.csv" else "2021-09-30"
        cli(
            capsys,
            "roster",
            "import",
            str(tmp_path / name),
            "--source",
            "CIVIL_AFFAIRS",
            "--as-of",
            as_of,
            "--region",
            region,
        )
    cli(
        capsys,
        "payments",
        "import",
        str(tmp_path / "张庄村缴费清册.csv"),
        "--policy",
        HENAN,
        "--region",
        HN_VILLAGE,
        "--channel",
        "VILLAGE_CASH",
    )
    assert final_state(engine) == state
