"""Other departments' lists: the education bureau's student roll and the human-resources bureau's
pension and employee-insurance lists (筑医保通〔2021〕34号 四（三）; 贵医保组〔2023〕1号 六11、六12),
imported row by row and reconciled with the year's enrolments in 东至县 (2022)."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, col, select

from tests.support.factories import wrong_check_digit
from tests.support.people import COUNTY, VILLAGE, enrolled, household, number, paid, villages
from yibao.core.errors import InputError
from yibao.core.models import ImportRow
from yibao.core.reports import ReportArgs
from yibao.core.scope import Scope
from yibao.core.services.department_lists import import_list
from yibao.core.testing.scenarios import registry

POLICY = "anhui/341721/2022"
RULES = registry()


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def outcomes(engine, job) -> list[tuple]:
    with Session(engine) as session:
        rows = session.exec(
            select(ImportRow).where(ImportRow.job_id == job.id).order_by(col(ImportRow.row_number))
        ).all()
    return [(r.row_number, r.outcome, r.field, r.code) for r in rows]


def report(engine, name: str, as_of: date, region: str = "341721", identity: bool = True):
    with Session(engine) as session:
        result = RULES.reports.run(
            session,
            Scope.of(session, region),
            RULES,
            RULES.reports.get(name),
            ReportArgs(region, 2022, as_of),
            identity,
        )
    return result.dicts()


@pytest.fixture
def pupils(engine):
    villages(engine)
    ids = {name: number(date(2014, 3, 1)) for name in ("小明", "小红", "小刚")}
    people = household(engine, VILLAGE, ("家长", number()), *ids.items())
    paid(
        engine,
        RULES,
        enrolled(engine, RULES, people["小明"], POLICY, date(2021, 10, 8)),
        "320.00",
        date(2021, 10, 8),
    )
    enrolled(engine, RULES, people["小红"], POLICY, date(2021, 10, 8))  # registered, unpaid
    return ids | {"未登记": number(date(2014, 5, 5))}


def test_the_student_roll_is_imported_row_by_row_and_its_unenrolled_listed_per_school(
    engine, tmp_path, pupils
):
    roll = write(
        tmp_path,
        "在册学生.csv",
        "学校,年级班级,姓名,身份证号码\n"
        f"东至一小,一年级1班,小明,{pupils['小明']}\n"
        f"东至一小,一年级1班,小红,{pupils['小红']}\n"
        f"东至二小,二年级2班,小刚,{pupils['小刚']}\n"
        f"东至二小,二年级2班,未登记,{pupils['未登记']}\n"
        f"东至二小,二年级2班,错号,{wrong_check_digit(pupils['小刚'])}\n"
        f"东至二小,二年级2班,小刚,{pupils['小刚']}\n"
        f"东至二小,二年级2班,李小红,{pupils['小红']}\n"
        f",三年级,无校,{number(date(2013, 1, 1))}\n",
    )
    job = import_list(
        engine, COUNTY, roll, source="EDUCATION_STUDENTS", as_of=date(2021, 10, 31), region_code="341721"
    )
    assert (job.kind, job.source, job.imported, job.refused) == ("LIST", "EDUCATION", 4, 4)
    assert outcomes(engine, job)[4:] == [
        (6, "REFUSED", "idNumber", "INVALID"),
        (7, "REFUSED", "idNumber", "DUPLICATE"),
        (8, "REFUSED", "idNumber", "DUPLICATE"),  # 小红 again, under another name
        (9, "REFUSED", "unit", "REQUIRED"),
    ]
    # The same file again changes nothing.
    again = import_list(
        engine, COUNTY, roll, source="EDUCATION_STUDENTS", as_of=date(2021, 10, 31), region_code="341721"
    )
    assert again.id == job.id

    missing = report(engine, "students_not_enrolled", date(2021, 11, 30))
    assert [(r["school"], r["name"], r["status"], r["roll_date"]) for r in missing] == [
        ("东至一小", "小红", "登记未缴", date(2021, 10, 31)),
        ("东至二小", "小刚", "未登记参保", date(2021, 10, 31)),
        ("东至二小", "未登记", "未登记参保", date(2021, 10, 31)),
    ]
    schools = report(engine, "students_by_school", date(2021, 11, 30))
    assert [(r["school"], r["on_roll"], r["paid"], r["not_enrolled"], r["rate"]) for r in schools] == [
        ("东至一小", 2, 1, 1, Decimal("0.5000")),
        ("东至二小", 2, 0, 2, Decimal("0.0000")),
    ]
    masked = report(engine, "students_not_enrolled", date(2021, 11, 30), identity=False)
    assert "*" in masked[0]["id_number"]


def test_each_month_the_latest_roll_replaces_the_last(engine, tmp_path, pupils):
    october = write(
        tmp_path, "10月.csv", f"学校,身份证号码\n东至二小,{pupils['小刚']}\n东至二小,{pupils['未登记']}\n"
    )
    november = write(tmp_path, "11月.csv", f"学校,身份证号码\n东至二小,{pupils['未登记']}\n")
    for path, day in ((october, date(2021, 10, 31)), (november, date(2021, 11, 30))):
        import_list(engine, COUNTY, path, source="EDUCATION_STUDENTS", as_of=day, region_code="341721")
    names = lambda day: [r["id_number"] for r in report(engine, "students_not_enrolled", day)]  # noqa: E731
    assert names(date(2021, 11, 15)) == sorted([pupils["小刚"], pupils["未登记"]])
    assert names(date(2021, 12, 1)) == [pupils["未登记"]]
    assert names(date(2021, 10, 1)) == []  # no roll yet


def test_a_person_on_the_employee_list_in_force_may_not_enrol_as_a_resident(engine, tmp_path):
    villages(engine)
    ids = {
        "老李": number(),
        "小张": number(date(1995, 1, 1)),
        "小周": number(date(1996, 1, 1)),
        "老王": number(date(1960, 1, 1)),
    }
    people = household(engine, VILLAGE, *ids.items())
    paid(
        engine,
        RULES,
        enrolled(engine, RULES, people["老李"], POLICY, date(2021, 10, 8)),
        "320.00",
        date(2021, 10, 8),
    )
    # Before the list's date no list is in force: 小周 enrols.
    assert enrolled(engine, RULES, people["小周"], POLICY, date(2021, 10, 20)).id
    employees = write(
        tmp_path,
        "职工医保.csv",
        "姓名,身份证号码,单位名称,参保日期,停保日期\n"
        f"老李,{ids['老李']},东至县某厂,2021-07-01,\n"
        f"小张,{ids['小张']},池州某公司,2020-01-01,\n"
        f"小周,{ids['小周']},池州某公司,2021-09-01,\n"
        f"老王,{ids['老王']},某矿,2010-01-01,2021-06-30\n",
    )
    job = import_list(
        engine,
        COUNTY,
        employees,
        source="HR_EMPLOYEE_INSURANCE",
        as_of=date(2021, 11, 1),
        region_code="341721",
    )
    assert job.imported == 4

    with pytest.raises(InputError) as refused:
        enrolled(engine, RULES, people["小张"], POLICY, date(2021, 11, 10))
    [error] = refused.value.errors
    assert (error.field, error.code) == ("personId", "EMPLOYEE_INSURED")
    assert (
        "职工医保.csv" in error.message
        and f"导入批次 {job.id}" in error.message
        and "池州某公司" in error.message
    )
    # 老王's employee insurance ended before: he enrols.
    assert enrolled(engine, RULES, people["老王"], POLICY, date(2021, 11, 10)).id

    both = report(engine, "employees_enrolled_as_residents", date(2021, 11, 15))
    assert [(r["village_code"], r["name"], r["employer"], r["status"]) for r in both] == [
        (VILLAGE, "老李", "东至县某厂", "参保"),
        (VILLAGE, "小周", "池州某公司", "登记未缴"),
    ]
    # A later list without 小张 ends the refusal.
    later = write(tmp_path, "职工医保12月.csv", f"姓名,身份证号码\n老李,{ids['老李']}\n")
    import_list(
        engine, COUNTY, later, source="HR_EMPLOYEE_INSURANCE", as_of=date(2021, 12, 1), region_code="341721"
    )
    assert enrolled(engine, RULES, people["小张"], POLICY, date(2021, 12, 5)).id


def test_residents_on_the_pension_list_not_enrolled_are_listed(engine, tmp_path):
    villages(engine)
    ids = {"甲": number(date(1950, 1, 1)), "乙": number(date(1951, 1, 1))}
    people = household(engine, VILLAGE, *ids.items())
    paid(
        engine,
        RULES,
        enrolled(engine, RULES, people["甲"], POLICY, date(2021, 10, 8)),
        "320.00",
        date(2021, 10, 8),
    )
    pension = write(tmp_path, "居民养老.csv", f"姓名,身份证号码\n甲,{ids['甲']}\n乙,{ids['乙']}\n")
    import_list(
        engine, COUNTY, pension, source="HR_RESIDENT_PENSION", as_of=date(2021, 12, 10), region_code="341721"
    )
    rows = report(engine, "pension_not_enrolled", date(2021, 12, 20))
    assert [(r["name"], r["status"]) for r in rows] == [("乙", "未登记参保")]


def test_a_zero_claim_list_needs_its_year(engine, tmp_path):
    villages(engine)
    someone = number()
    zero = write(tmp_path, "零报销.csv", f"身份证号码,年度\n{someone},2024\n{someone},\n{someone},2024\n")
    job = import_list(
        engine, COUNTY, zero, source="ZERO_CLAIM", as_of=date(2025, 1, 10), region_code="341721"
    )
    assert outcomes(engine, job) == [
        (2, "IMPORTED", None, None),
        (3, "REFUSED", "year", "INVALID"),
        (4, "REFUSED", "idNumber", "DUPLICATE"),
    ]


def test_another_regions_list_says_nothing_about_an_enrolment_outside_the_callers_region(engine, tmp_path):
    from yibao.core.audit import Actor

    villages(engine)
    guichi = Actor("admin-341702", "COUNTY_ADMIN", "341702")
    n = number(region="341702")
    person = household(engine, "341702001", ("贵池人", n), actor=guichi)["贵池人"]
    dongzhi_list = write(tmp_path, "东至职工医保.csv", f"身份证号码,单位名称\n{n},东至某厂\n")
    import_list(
        engine,
        COUNTY,
        dongzhi_list,
        source="HR_EMPLOYEE_INSURANCE",
        as_of=date(2021, 9, 1),
        region_code="341721",
    )
    with pytest.raises(InputError) as refused:
        # 贵池's county names 东至 as the region: refused for that, and nothing of 东至's list is told.
        from yibao.core.services.enrolments import EnrolmentInput, enrol

        enrol(
            engine,
            guichi,
            EnrolmentInput(person, 2022, POLICY, "k", region_code="341721", on=date(2021, 10, 8)),
            RULES,
        )
    assert {(e.field, e.code) for e in refused.value.errors} == {("regionCode", "FORBIDDEN")}
    assert "东至某厂" not in str(refused.value)
