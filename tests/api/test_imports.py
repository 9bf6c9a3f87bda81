"""A department's roster uploaded over GraphQL (multipart), followed as a job to its per-row results."""

import io
from datetime import date

import openpyxl

from tests.support.db_state import stored
from tests.support.factories import id_number, wrong_check_digit
from tests.support.graphql_client import gql
from tests.support.households import register
from tests.support.uploads import IMPORT_JOB, until_done, upload

PERSON = "query($id: ID!) { person(id: $id) { name categories { code since source } } }"


def roster_csv(household: dict) -> bytes:
    father, mother, child = (m["person"] for m in household["members"])
    lines = [
        "姓名,身份证号码,类别,认定日期",
        f"{father['name']},{father['idNumber']},低保,2021-03-01",
        f"{mother['name']},{wrong_check_digit(mother['idNumber'])},特困,2021-03-01",  # wrong check digit
        f"{child['name']},{id_number(seq=444)},低保,2021-03-01",  # nobody registered
        f"{mother['name']},{mother['idNumber']},特困供养人员,",
    ]
    return ("\n".join(lines) + "\n").encode("gbk")


def test_a_roster_upload_runs_as_a_job_with_per_row_results(client, client_as, engine):
    household = register(client)
    father, mother, _ = (m["person"] for m in household["members"])
    started = upload(client, roster_csv(household), region="341721")
    assert started["__typename"] == "ImportJob", started
    assert (
        started["kind"],
        started["filename"],
        started["source"],
        started["asOf"],
        started["rowsTotal"],
    ) == (
        "ROSTER",
        "低保花名册.csv",
        "CIVIL_AFFAIRS",
        "2021-09-30",
        4,
    )
    job = until_done(client, started["id"])
    assert (job["rowsDone"], job["imported"], job["unchanged"], job["refused"]) == (4, 2, 0, 2)
    assert job["regionCode"] == "341721" and job["finishedAt"] is not None
    assert [(r["rowNumber"], r["outcome"], r["field"], r["code"]) for r in job["rows"]["nodes"]] == [
        (2, "IMPORTED", None, None),
        (3, "REFUSED", "idNumber", "INVALID"),
    ]
    assert job["rows"]["nodes"][0]["idNumber"] == father["idNumber"]
    rest = gql(client, IMPORT_JOB, id=started["id"], after=job["rows"]["pageInfo"]["endCursor"])["importJob"]
    assert [(r["rowNumber"], r["outcome"], r["code"]) for r in rest["rows"]["nodes"]] == [
        (4, "REFUSED", "NOT_FOUND"),
        (5, "IMPORTED", None),
    ]
    refused = gql(client, IMPORT_JOB, id=started["id"], outcome="REFUSED")["importJob"]["rows"]["nodes"]
    assert [r["rowNumber"] for r in refused] == [3, 4] and "校验码" in refused[0]["reason"]

    identities = gql(client, PERSON, id=mother["id"])["person"]["categories"]
    assert identities == [
        {"code": "EXTREME_POVERTY", "since": "2021-09-30", "source": "CIVIL_AFFAIRS:2021-09-30"}
    ]

    # The same file again: the same job, nothing changed.
    before = stored(engine)
    again = upload(client, roster_csv(household), filename="again.csv", region="341721")
    assert (again["id"], again["status"]) == (started["id"], "DONE")
    assert stored(engine) == before

    # An auditor follows the job with ID numbers masked.
    auditor = client_as("AUDITOR", "341721")
    seen = gql(auditor, IMPORT_JOB, id=started["id"])["importJob"]["rows"]["nodes"][0]["idNumber"]
    assert seen == father["idNumber"][:4] + "*" * 10 + father["idNumber"][-4:]
    # Another county sees no such job.
    assert gql(client_as("COUNTY_ADMIN", "411322"), IMPORT_JOB, id=started["id"])["importJob"] is None


def test_an_xlsx_roster_from_the_department_s_own_uploader(client, client_as):
    household = register(client)
    father = household["members"][0]["person"]
    workbook = openpyxl.Workbook()
    workbook.active.append(["东至县低保对象花名册"])
    workbook.active.append(["序号", "姓名", "公民身份号码", "人员类别", "认定时间"])
    workbook.active.append([1, father["name"], father["idNumber"], "低保户", date(2021, 5, 1)])
    content = io.BytesIO()
    workbook.save(content)
    uploader = client_as("ROSTER_UPLOADER", "341721", department="CIVIL_AFFAIRS")
    started = upload(uploader, content.getvalue(), filename="roster.xlsx", region="341721")
    job = until_done(uploader, started["id"])
    assert (job["imported"], job["refused"]) == (1, 0)
    assert "*" in job["rows"]["nodes"][0]["idNumber"]  # a department clerk is not registry staff
    identities = gql(client, PERSON, id=father["id"])["person"]["categories"]
    assert identities == [
        {"code": "MINIMUM_LIVING", "since": "2021-05-01", "source": "CIVIL_AFFAIRS:2021-09-30"}
    ]


def test_refused_uploads_store_nothing(client, client_as, engine):
    household = register(client)
    uploader = client_as("ROSTER_UPLOADER", "341721", department="HEALTH")
    before = stored(engine)
    other_department = upload(uploader, roster_csv(household))
    assert [(e["field"], e["code"]) for e in other_department["errors"]] == [("source", "FORBIDDEN")]

    no_category = upload(client, "姓名,身份证号码\n张三,341721198005170013\n".encode(), region="341721")
    assert [(e["field"], e["code"]) for e in no_category["errors"]] == [("category", "REQUIRED")]

    unknown_department = upload(client, roster_csv(household), source="POLICE", region="341721")
    assert [(e["field"], e["code"]) for e in unknown_department["errors"]] == [("source", "INVALID")]

    elsewhere = upload(client_as("COUNTY_ADMIN", "341721"), roster_csv(household), region="411322")
    assert [(e["field"], e["code"]) for e in elsewhere["errors"]] == [("regionCode", "FORBIDDEN")]
    assert stored(engine) == before
