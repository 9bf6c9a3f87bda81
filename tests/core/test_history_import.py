"""Last year's base (东政办〔2021〕6号 四（六）1; 方政办明电〔2021〕35号 四（二）): the 参保底表 of 2021,
a year yibao holds no 东至 policy for, imported as history; the 2022 change table, collection
roster, enrolment base and unpaid reminder list read it."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, col, select

from tests.support.factories import wrong_check_digit
from tests.support.people import COUNTY, TOWN, VILLAGE, enrolled, household, number, paid, villages
from yibao.core.models import EnrolmentHistory, ImportRow, Person
from yibao.core.reports import ReportArgs
from yibao.core.scope import Scope
from yibao.core.services.change_table import as_cells, change_table
from yibao.core.services.collection_roster import collection_roster
from yibao.core.services.departures import DepartureInput, record_departure
from yibao.core.services.history_import import import_history
from yibao.core.testing.scenarios import registry

RULES = registry()
POLICY = "anhui/341721/2022"
HEADER = "公民身份号码,姓名,参保年度,参保地行政区划代码,参保状态,个人缴费金额,缴费日期\n"


def write(tmp_path, text: str, name: str = "2021年参保底表.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(engine, path):
    return import_history(engine, COUNTY, path, region_code="341721", rules=RULES)


def outcomes(engine, job) -> list[tuple]:
    with Session(engine) as session:
        rows = session.exec(
            select(ImportRow).where(ImportRow.job_id == job.id).order_by(col(ImportRow.row_number))
        ).all()
    return [(r.row_number, r.outcome, r.field, r.code) for r in rows]


@pytest.fixture
def village(engine):
    """A 新建村 household: 老续 (paid 2021), 小新 (not on the base table), 老停 (停保 in 2021), 老故 (paid
    2021, died in 2021-11); and 无户, paid 2021 but registered without a household."""
    villages(engine)
    ids = {
        "老续": number(date(1960, 1, 1)),
        "小新": number(date(1990, 1, 1)),
        "老停": number(date(1962, 1, 1)),
        "老故": number(date(1940, 1, 1)),
    }
    people = household(engine, VILLAGE, *ids.items(), phone="13905661234")
    with Session(engine) as session, session.begin():
        lone = Person(
            name="无户",
            id_number=number(date(1970, 1, 1)),
            birth_date=date(1970, 1, 1),
            gender="M",
            hukou_region_code=VILLAGE,
        )
        session.add(lone)
        session.flush()
        people["无户"], ids["无户"] = lone.id, lone.id_number
    record_departure(engine, COUNTY, DepartureInput(people["老故"], "DEATH", date(2021, 11, 3)))
    return ids, people


def base_table(ids) -> str:
    return (
        HEADER
        + f"{ids['老续']},老续,2021,{VILLAGE},参保缴费,320,2020-10-08\n"
        + f"{ids['老停']},老停,2021,{VILLAGE},暂停参保,,\n"
        + f"{ids['老故']},老故,2021,{VILLAGE},参保缴费,30.00,2020-10-08\n"
        + f"{ids['无户']},无户,2021,{VILLAGE},正常参保,320,2020-11-01\n"
    )


def test_the_base_table_is_imported_with_a_reason_for_every_row_refused(engine, tmp_path, village):
    ids, people = village
    stranger = number(date(1975, 1, 1))
    miswritten = wrong_check_digit(ids["小新"])  # not a fixed "0": a generated number's digit may be one
    text = base_table(ids) + (
        f"{ids['小新']},小新,2022,{VILLAGE},参保缴费,350,2021-10-08\n"  # a year the 东至 policy covers
        f"{stranger},外人,2021,{VILLAGE},参保缴费,320,2020-10-08\n"  # not registered here
        f"{ids['小新']},小鑫,2021,{VILLAGE},参保缴费,320,2020-10-08\n"  # another name
        f"{ids['小新']},小新,2021,{VILLAGE},待定,320,2020-10-08\n"  # no such status
        f"{ids['小新']},小新,2021,411322,参保缴费,320,2020-10-08\n"  # outside the import's region
        f"{ids['小新']},小新,2021,{VILLAGE},参保缴费,3.205,2020-10-08\n"  # fractions of a fen
        f"{ids['老续']},老续,2021,{VILLAGE},参保缴费,320,2020-10-08\n"  # twice in the file
        f"{miswritten},小新,2021,{VILLAGE},参保缴费,320,\n"  # a wrong check digit
    )
    job = run(engine, write(tmp_path, text))
    assert (job.kind, job.imported, job.refused) == ("HISTORY", 4, 8)
    assert outcomes(engine, job)[4:] == [
        (6, "REFUSED", "year", "CONFLICT"),
        (7, "REFUSED", "idNumber", "NOT_FOUND"),
        (8, "REFUSED", "name", "MISMATCH"),
        (9, "REFUSED", "status", "INVALID"),
        (10, "REFUSED", "region", "FORBIDDEN"),
        (11, "REFUSED", "amount", "INVALID"),
        (12, "REFUSED", "idNumber", "DUPLICATE"),
        (13, "REFUSED", "idNumber", "INVALID"),
    ]
    with Session(engine) as session:
        kept = session.exec(
            select(EnrolmentHistory).where(EnrolmentHistory.person_id == people["老续"])
        ).one()
    assert (kept.coverage_year, kept.status, kept.amount_paid_fen, kept.paid_on) == (
        2021,
        "PAID",
        32000,
        date(2020, 10, 8),
    )
    # The same file is the same job; another file repeating a row is UNCHANGED, contradicting it CONFLICT.
    assert run(engine, write(tmp_path, text)).id == job.id
    second = run(
        engine,
        write(
            tmp_path,
            HEADER
            + f"{ids['老续']},老续,2021,{VILLAGE},参保缴费,320,2020-10-08\n"
            + f"{ids['老停']},老停,2021,{VILLAGE},参保缴费,320,2020-10-08\n",
            "补充.csv",
        ),
    )
    assert outcomes(engine, second) == [(2, "UNCHANGED", None, None), (3, "REFUSED", "status", "CONFLICT")]


def changes(engine) -> list:
    with Session(engine) as session:
        return change_table(session, Scope.of(session, "341721"), RULES, TOWN, 2022)


def test_the_2022_change_table_shows_continuing_new_and_stopped_from_the_base_table(
    engine, tmp_path, village
):
    ids, people = village
    # Without the base table everyone on the roster looks new: 老续, 小新, 老停.
    assert [(r.change, r.reason) for r in changes(engine)] == [("ADDED", "NEW")] * 3
    run(engine, write(tmp_path, base_table(ids)))
    rows = changes(engine)
    found = {(r.change, r.reason, r.name, r.last_year_status, r.last_year_source) for r in rows}
    assert found == {
        ("ADDED", "NEW", "小新", None, None),  # 新增: nothing last year
        ("ADDED", "RESUMED", "老停", "STOPPED", "HISTORY"),  # 停保 in 2021, back on the roster
        ("REMOVED", "DEATH", "老故", "PAID", "HISTORY"),  # 参保 in 2021, died
        ("REMOVED", "NO_HOUSEHOLD", "无户", "PAID", "HISTORY"),
    }  # 老续, 续保 from the base table, is not a change
    removed = next(r for r in rows if r.name == "老故")
    assert (removed.village_code, removed.village_name, removed.departed_on) == (
        VILLAGE,
        "新建村",
        date(2021, 11, 3),
    )
    cells = as_cells(next(r for r in rows if r.name == "老停"), RULES.categories)
    assert "停保（参保底表）" in cells and "上年停保后续保" in cells

    with Session(engine) as session:
        roster = {
            r.name: r for r in collection_roster(session, Scope.of(session, "341721"), RULES, TOWN, 2022)
        }
    assert (
        roster["老续"].last_year_status,
        roster["老续"].last_year_paid,
        roster["老续"].last_year_source,
    ) == (
        "PAID",
        Decimal("320.00"),
        "HISTORY",
    )
    assert (roster["老停"].last_year_status, roster["老停"].last_year_paid) == ("STOPPED", None)
    assert roster["小新"].last_year_status is None


def test_yibaos_own_enrolment_wins_over_the_base_table(engine, tmp_path, village):
    """The 2022 roster against 2022 enrolments (register) and a 2021 base table: for 2023, 2022 is the
    register's year; the base table of 2021 plays no part."""
    ids, people = village
    run(engine, write(tmp_path, base_table(ids)))
    paid(
        engine,
        RULES,
        enrolled(engine, RULES, people["老续"], POLICY, date(2021, 10, 8)),
        "320.00",
        date(2021, 10, 8),
    )
    with Session(engine) as session:
        rows = change_table(session, Scope.of(session, "341721"), RULES, TOWN, 2022)
    assert "老续" not in {r.name for r in rows}


def report(engine, name: str, as_of: date, identity: bool = True, region: str = "341721"):
    with Session(engine) as session:
        result = RULES.reports.run(
            session,
            Scope.of(session, region),
            RULES,
            RULES.reports.get(name),
            ReportArgs(region, 2022, as_of),
            identity,
        )
    return result


def test_the_unpaid_reminder_list_names_who_was_insured_last_year_and_has_not_paid(engine, tmp_path, village):
    ids, people = village
    run(engine, write(tmp_path, base_table(ids)))
    unpaid = enrolled(engine, RULES, people["老续"], POLICY, date(2021, 10, 8))
    listed = report(engine, "unpaid_reminders", date(2021, 12, 15)).dicts()
    assert [
        (r["village_code"], r["name"], r["phone"], r["last_year_paid"], r["last_year_source"], r["this_year"])
        for r in listed
    ] == [
        (VILLAGE, "老续", "13905661234", Decimal("320.00"), "参保底表", "登记未缴"),
        (VILLAGE, "无户", None, Decimal("320.00"), "参保底表", "未登记参保"),
    ]  # 老故 died; 老停 was not insured last year
    masked = report(engine, "unpaid_reminders", date(2021, 12, 15), identity=False).dicts()
    assert masked[0]["phone"] == "139****1234" and "*" in masked[0]["id_number"]
    paid(engine, RULES, unpaid, "320.00", date(2021, 12, 20))
    assert [r["name"] for r in report(engine, "unpaid_reminders", date(2021, 12, 31)).dicts()] == ["无户"]
    # As of before the payment, 老续 is still owed a reminder.
    assert "老续" in [r["name"] for r in report(engine, "unpaid_reminders", date(2021, 12, 19)).dicts()]


def test_the_enrolment_base_counts_last_years_paid_from_the_base_table(engine, tmp_path, village):
    ids, _ = village
    run(engine, write(tmp_path, base_table(ids)))
    rows = report(engine, "anhui_enrolment_base", date(2021, 12, 31)).dicts()
    town = next(r for r in rows if r["unit_code"] == TOWN)
    assert (town["base"], town["base_source"], town["enrolled"], town["difference"]) == (3, "上年参保", 0, -3)
