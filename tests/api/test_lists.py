"""A department hands over its list itself: the education bureau's roster uploader imports the roll
(贵医保组〔2023〕1号 六11) and follows its job; another department's uploader may not; the report reads it."""

from datetime import date

from tests.support.factories import id_number
from tests.support.graphql_client import gql
from tests.support.uploads import IMPORT_JOB, Upload, post_multipart

IMPORT_LIST = """
mutation($file: Upload!, $list: DepartmentList!, $asOf: Date!) {
  importDepartmentList(file: $file, list: $list, asOf: $asOf) {
    __typename
    ... on ImportJob { id kind source status imported refused }
    ... on InputErrors { errors { field code message } }
  }
}"""


def upload(client, roll: str, list_: str = "EDUCATION_STUDENTS") -> dict:
    variables = {"file": Upload("在册学生.csv", roll.encode()), "list": list_, "asOf": "2023-12-10"}
    response = post_multipart(client, IMPORT_LIST, variables)
    assert response.status_code == 200, response.text
    return response.json()["data"]["importDepartmentList"]


def test_the_education_bureau_imports_its_roll_and_the_county_sees_who_is_not_enrolled(client_as):
    pupil = id_number("341702", born=date(2015, 9, 1), seq=81)
    roll = f"学校,年级班级,姓名,身份证号码\n乌沙小学,三年级1班,小学生,{pupil}\n乌沙小学,三年级1班,坏号,123\n"
    education = client_as("ROSTER_UPLOADER", "341702", department="EDUCATION", name="教育局")
    job = upload(education, roll)
    assert (job["kind"], job["source"]) == ("LIST", "EDUCATION")
    followed = gql(education, IMPORT_JOB, id=job["id"])["importJob"]
    assert (followed["status"], followed["imported"], followed["refused"]) == ("DONE", 1, 1)

    civil = client_as("ROSTER_UPLOADER", "341702", department="CIVIL_AFFAIRS", name="民政局")
    refused = upload(civil, roll)
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("list", "FORBIDDEN")]
    assert upload(education, roll, "HR_EMPLOYEE_INSURANCE")["errors"][0]["code"] == "FORBIDDEN"

    county = client_as("COUNTY_ADMIN", "341702")
    rows = gql(
        county,
        '{ reports { studentsNotEnrolled(regionCode: "341702", coverageYear: 2024, asOf: "2023-12-31") '
        "{ rows { school className name idNumber status } } } }",
    )["reports"]["studentsNotEnrolled"]["rows"]
    assert rows == [
        {
            "school": "乌沙小学",
            "className": "三年级1班",
            "name": "小学生",
            "idNumber": pupil,
            "status": "未登记参保",
        }
    ]
