"""Collection rosters, change tables and departures over GraphQL, HTTP downloads and the CLI."""

import csv
import io
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from tests.support.db_state import stored
from tests.support.factories import id_number
from tests.support.graphql_client import gql, gql_errors
from tests.support.ids import global_id
from tests.support.villages import TOWNSHIP, VILLAGE_A, VILLAGE_B, dongzhi_2021

ROSTER = """
query($region: String!, $year: Int!, $on: Date) {
  collectionRoster(regionCode: $region, coverageYear: $year, on: $on) {
    villageCode villageName householdId headName address personId name idNumber relation isHead
    tier amountDue subsidy subsidyCategory method lastYearStatus lastYearPaid note
  }
}"""

CHANGES = """
query($region: String!, $year: Int!) {
  changeTable(regionCode: $region, coverageYear: $year) {
    change reason villageCode name idNumber departedOn categoryBefore categoryAfter amountBefore amountAfter
  }
}"""

DEPART = """
mutation($input: RecordDepartureInput!) {
  recordDeparture(input: $input) {
    __typename
    ... on Person { id name }
    ... on InputErrors { errors { field code message } }
  }
}"""

WANG = id_number(born=date(1975, 3, 9), seq=11)


@pytest.fixture
def campaign(engine):
    return dongzhi_2021(engine).ids


def test_a_clerk_gets_the_township_roster_with_amounts_and_last_year(campaign, client_as):
    clerk = client_as("TOWNSHIP_OFFICER", TOWNSHIP)
    rows = gql(clerk, ROSTER, region=TOWNSHIP, year=2022)["collectionRoster"]
    assert [r["name"] for r in rows] == ["王大山", "李秀英", "王小明", "周八", "张三", "孙七", "钱六"]
    wang, li = rows[0], rows[1]
    assert wang == {
        "villageCode": VILLAGE_A,
        "villageName": "东山村",
        "householdId": li["householdId"],
        "headName": "王大山",
        "address": "东山村3组",
        "personId": str(campaign["wang"]),
        "name": "王大山",
        "idNumber": WANG,
        "relation": "户主",
        "isHead": True,
        "tier": "1",
        "amountDue": "320.00",
        "subsidy": "0.00",
        "subsidyCategory": None,
        "method": "UPFRONT",
        "lastYearStatus": "PAID",
        "lastYearPaid": "320.00",
        "note": None,
    }
    assert (li["amountDue"], li["subsidy"], li["subsidyCategory"]) == ("30.00", "290.00", "MINIMUM_LIVING")
    late = gql(clerk, ROSTER, region=VILLAGE_A, year=2022, on="2022-02-01")["collectionRoster"]
    assert late[0]["amountDue"] is None and "2022-02-01" in late[0]["note"]


def test_an_auditor_sees_masked_id_numbers(campaign, client_as):
    auditor = client_as("AUDITOR", TOWNSHIP)
    rows = gql(auditor, ROSTER, region=TOWNSHIP, year=2022)["collectionRoster"]
    assert rows[0]["idNumber"] == WANG[:4] + "*" * 10 + WANG[-4:]
    changed = gql(auditor, CHANGES, region=TOWNSHIP, year=2022)["changeTable"]
    assert all("*" in (r["idNumber"] or "*") for r in changed)


def test_another_villages_roster_is_null_and_leaks_nothing(campaign, client_as):
    clerk = client_as("VILLAGE_CLERK", VILLAGE_B)
    response = clerk.post(
        "/graphql", json={"query": ROSTER, "variables": {"region": VILLAGE_A, "year": 2022}}
    )
    assert response.json() == {"data": {"collectionRoster": None}}
    unknown = gql(clerk, CHANGES, region="999999999999", year=2022)
    assert unknown == {"changeTable": None}
    own = gql(clerk, ROSTER, region=VILLAGE_B, year=2022)["collectionRoster"]
    assert [r["name"] for r in own] == ["张三", "孙七", "钱六"]
    assert (
        "王大山"
        not in clerk.post(
            "/graphql", json={"query": CHANGES, "variables": {"region": VILLAGE_B, "year": 2022}}
        ).text
    )


def test_a_year_without_a_policy_is_a_typed_error(campaign, client_as):
    errors = gql_errors(client_as("COUNTY_ADMIN", "341721"), ROSTER, region=TOWNSHIP, year=2023)
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    assert [e["field"] for e in errors[0]["extensions"]["errors"]] == ["coverageYear"]


def test_the_change_table_over_graphql(campaign, client_as):
    rows = gql(client_as("VILLAGE_CLERK", VILLAGE_B), CHANGES, region=VILLAGE_B, year=2022)["changeTable"]
    assert [(r["change"], r["reason"], r["name"]) for r in rows] == [
        ("ADDED", "NEW", "孙七"),
        ("ADDED", "MOVED_IN", "钱六"),
        ("REMOVED", "DEATH", "张老四"),
    ]
    assert (rows[2]["departedOn"], rows[2]["amountBefore"], rows[2]["amountAfter"]) == (
        "2021-08-01",
        "320.00",
        None,
    )


def test_a_departure_takes_the_person_off_the_roster_once(campaign, client_as, engine):
    clerk = client_as("VILLAGE_CLERK", VILLAGE_B, name="clerk-b")
    sun = str(campaign["sun"])
    done = gql(
        clerk, DEPART, input={"personId": sun, "reason": "EMPLOYEE_INSURANCE", "departedOn": "2021-09-01"}
    )
    assert done["recordDeparture"] == {
        "__typename": "Person",
        "id": global_id("Person", int(sun)),
        "name": "孙七",
    }
    names = [r["name"] for r in gql(clerk, ROSTER, region=VILLAGE_B, year=2022)["collectionRoster"]]
    assert names == ["张三", "钱六"]
    trail = gql(
        client_as("AUDITOR", VILLAGE_B),
        '{ auditEvents(entity: "departure") { nodes { actor action after } } }',
    )["auditEvents"]["nodes"]
    assert [(e["actor"], e["action"], e["after"]["reason"]) for e in trail] == [
        ("clerk-b", "record_departure", "EMPLOYEE_INSURANCE")
    ]

    before = stored(engine)
    again = gql(clerk, DEPART, input={"personId": sun, "reason": "DEATH", "departedOn": "2021-10-01"})
    assert [(e["field"], e["code"]) for e in again["recordDeparture"]["errors"]] == [
        ("personId", "DUPLICATE")
    ]
    assert stored(engine) == before


def test_a_refused_departure_names_each_field_and_stores_nothing(campaign, client_as, engine):
    clerk = client_as("VILLAGE_CLERK", VILLAGE_B)
    before = stored(engine)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    bad = gql(
        clerk,
        DEPART,
        input={
            "personId": str(campaign["zhang"]),
            "reason": "RETIRED",
            "departedOn": tomorrow,
            "note": "x" * 201,
        },
    )["recordDeparture"]
    assert sorted((e["field"], e["code"]) for e in bad["errors"]) == [
        ("departedOn", "INVALID"),
        ("note", "INVALID"),
        ("reason", "INVALID"),
    ]
    # another village's resident looks like no resident at all
    outside = gql(
        clerk,
        DEPART,
        input={"personId": str(campaign["wang"]), "reason": "DEATH", "departedOn": "2021-09-01"},
    )
    assert [(e["field"], e["code"]) for e in outside["recordDeparture"]["errors"]] == [
        ("personId", "NOT_FOUND")
    ]
    assert stored(engine) == before


def test_roles_that_may_not_are_refused(campaign, client_as):
    uploader = client_as("ROSTER_UPLOADER", TOWNSHIP, department="CIVIL_AFFAIRS")
    errors = gql_errors(uploader, ROSTER, region=TOWNSHIP, year=2022)
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    auditor = client_as("AUDITOR", TOWNSHIP)
    errors = gql_errors(
        auditor, DEPART, input={"personId": "1", "reason": "DEATH", "departedOn": "2021-09-01"}
    )
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


# HTTP downloads


def test_the_roster_downloads_as_xlsx_with_a_chinese_file_name(campaign, client_as):
    response = client_as("VILLAGE_CLERK", VILLAGE_A).get(
        "/exports/collection-roster.xlsx", params={"regionCode": VILLAGE_A, "coverageYear": 2022}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    name = f"缴费清册-{VILLAGE_A}-2022.xlsx"
    assert f"filename*=UTF-8''{quote(name)}" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("村（社区）代码", "村（社区）", "户编号", "户主姓名")
    heading = rows[0]
    wang = dict(zip(heading, rows[1], strict=True))
    assert (wang["姓名"], wang["身份证号码"], wang["应缴金额（元）"], wang["资助方式"]) == (
        "王大山",
        WANG,
        320,
        "直接减免",
    )
    li = dict(zip(heading, rows[2], strict=True))
    assert (li["资助金额（元）"], li["资助类别"], li["上年参保状态"]) == (290, "低保对象", "已缴费")
    assert [r[6] for r in rows[1:]] == ["王大山", "李秀英", "王小明", "周八"]


def test_the_change_table_downloads_as_csv_masked_for_an_auditor(campaign, client_as):
    response = client_as("AUDITOR", TOWNSHIP).get(
        "/exports/change-table.csv", params={"regionCode": VILLAGE_B, "coverageYear": "2022"}
    )
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["变动类型"], r["变动原因"], r["姓名"]) for r in lines] == [
        ("增加", "新参保", "孙七"),
        ("增加", "迁入", "钱六"),
        ("减少", "死亡", "张老四"),
    ]
    assert all("**********" in r["身份证号码"] for r in lines)
    assert (lines[2]["减少日期"], lines[2]["上年应缴（元）"]) == ("2021-08-01", "320.00")


def test_downloads_are_refused_like_graphql(campaign, client_as):
    params = {"regionCode": VILLAGE_A, "coverageYear": "2022"}
    anonymous = client_as("PUBLIC").get("/exports/collection-roster.csv", params=params)
    assert anonymous.status_code == 401
    uploader = client_as("ROSTER_UPLOADER", TOWNSHIP, department="CIVIL_AFFAIRS")
    assert uploader.get("/exports/collection-roster.csv", params=params).status_code == 403
    other = client_as("VILLAGE_CLERK", VILLAGE_B).get("/exports/collection-roster.xlsx", params=params)
    assert other.status_code == 404 and "王大山" not in other.text
    admin = client_as("COUNTY_ADMIN", "341721")
    bad = admin.get(
        "/exports/collection-roster.csv", params={"regionCode": VILLAGE_A, "coverageYear": "20x2"}
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "coverageYear"
    none = admin.get("/exports/change-table.csv", params={"regionCode": VILLAGE_A, "coverageYear": "2023"})
    assert none.status_code == 400 and none.json()["errors"][0]["code"] == "NOT_FOUND"
    assert admin.get("/exports/collection-roster.pdf", params=params).status_code == 404


# The CLI


def test_the_cli_writes_the_roster_and_the_change_table_and_records_a_departure(
    campaign, engine, tmp_path, monkeypatch, capsys
):
    from yibao.api.cli import main

    monkeypatch.setenv("YIBAO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    target = tmp_path / "清册.xlsx"
    main(["roster", "collection", "--region", VILLAGE_A, "--year", "2022", "-o", str(target)])
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert [r[6] for r in rows[1:]] == ["王大山", "李秀英", "王小明", "周八"]

    main(["person", "depart", "--id-number", WANG, "--reason", "DEATH", "--on", "2021-11-01"])
    assert "王大山\tDEATH\t2021-11-01" in capsys.readouterr().out
    changes = tmp_path / "变动表.csv"
    main(["roster", "changes", "--region", VILLAGE_A, "--year", "2022", "-o", str(changes)])
    lines = list(csv.DictReader(io.StringIO(changes.read_text(encoding="utf-8-sig"))))
    assert ("减少", "死亡", "王大山") in [(r["变动类型"], r["变动原因"], r["姓名"]) for r in lines]
    with pytest.raises(SystemExit, match="DUPLICATE|已登记减少"):
        main(["person", "depart", "--id-number", WANG, "--reason", "DEATH", "--on", "2021-11-01"])
    with pytest.raises(SystemExit, match="2023"):
        main(["roster", "collection", "--region", VILLAGE_A, "--year", "2023", "-o", str(target)])
