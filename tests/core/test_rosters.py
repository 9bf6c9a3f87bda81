"""Department rosters (花名册) → hardship identities: per-row refusals, idempotence, resumption."""

from datetime import date

import pytest
from sqlmodel import Session, col, select

from tests.support.db_state import stored
from tests.support.factories import id_number, wrong_check_digit
from tests.support.plans import captured
from yibao.core.audit import Actor
from yibao.core.errors import InputError
from yibao.core.imports.jobs import resume_import
from yibao.core.models import AuditEvent, CategoryFact, Enrolment, ImportJob, ImportRow, Person
from yibao.core.services.coverage import quote_for
from yibao.core.services.rosters import import_roster, start_roster_import
from yibao.core.testing.scenarios import registry

ADMIN = Actor(name="test-admin", role="COUNTY_ADMIN", region_code="340000")
AS_OF = date(2021, 9, 30)
HEADER = "姓名,身份证号码,类别,认定日期,退出日期\n"

ZHANG = id_number(seq=101)
LI = id_number(seq=102, male=False)
WANG = id_number(seq=103)
ZHAO = id_number(seq=104)
HENAN = id_number(region="411322", seq=105)


def register(engine, *people: tuple[str, str, str]) -> dict[str, int]:
    """(name, ID number, hukou region) → person ids by ID number."""
    with Session(engine) as session, session.begin():
        rows = []
        for name, number, region in people:
            born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            gender = "M" if int(number[16]) % 2 else "F"
            rows.append(
                Person(name=name, id_number=number, birth_date=born, gender=gender, hukou_region_code=region)
            )
        session.add_all(rows)
        session.flush()
        return {p.id_number: p.id for p in rows}


def roster(tmp_path, lines: list[str], name: str = "roster.csv", header: str = HEADER):
    path = tmp_path / name
    path.write_text(header + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def run(engine, path, source="CIVIL_AFFAIRS", as_of=AS_OF, region="341721", **more) -> ImportJob:
    return import_roster(
        engine,
        ADMIN,
        path,
        source=source,
        as_of=as_of,
        region_code=region,
        categories=registry().categories,
        **more,
    )


def results(engine, job_id: int) -> list[tuple]:
    with Session(engine) as session:
        rows = session.exec(
            select(ImportRow).where(ImportRow.job_id == job_id).order_by(col(ImportRow.row_number))
        ).all()
        return [(r.row_number, r.outcome, r.field, r.code) for r in rows]


def facts(engine) -> list[tuple]:
    with Session(engine) as session:
        rows = session.exec(select(CategoryFact).order_by(col(CategoryFact.id))).all()
        return [(r.person_id, r.code, r.since, r.until, r.source, r.import_job_id) for r in rows]


def test_each_refused_row_names_its_column_and_reason_and_the_rest_import(engine, tmp_path):
    ids = register(
        engine,
        ("张三", ZHANG, "341721"),
        ("李四", LI, "341721"),
        ("王五", WANG, "341721"),
        ("赵六", ZHAO, "341721"),
        ("方城人", HENAN, "411322"),
    )
    path = roster(
        tmp_path,
        [
            f"张三,{ZHANG},低保,2021-03-01,",  # 2 imported
            f"李四,{wrong_check_digit(LI)},低保,,",  # 3 check digit
            f"陌生人,{id_number(seq=199)},低保,,",  # 4 nobody registered
            f"李 四,{LI},低保户,2021/5/1,",  # 5 imported: spaces in a name are no difference
            f"王小五,{WANG},低保,,",  # 6 name differs
            f"张三,{ZHANG},低保对象,2021-04-01,",  # 7 same ID and category as row 2
            f"赵六,{ZHAO},贫困生,,",  # 8 no such category
            f"赵六,{ZHAO},重度残疾人,,",  # 9 the disabled persons' federation's, not civil affairs'
            f"赵六,{ZHAO},孤儿,2021-13-01,",  # 10 no such date
            f"赵六,{ZHAO},低保边缘户,2021-06-01,2021-05-31",  # 11 ends before it starts
            f"方城人,{HENAN},低保,,",  # 12 registered, but in Henan: not this county's
            f"赵六,{ZHAO},特困供养人员,,",  # 13 imported; no 认定日期: the roster's date
            ",,低保,,",  # 14 no ID
            f"王五,{WANG},,,",  # 15 no category
        ],
    )
    job = run(engine, path, batch_size=4)
    assert results(engine, job.id) == [
        (2, "IMPORTED", None, None),
        (3, "REFUSED", "idNumber", "INVALID"),
        (4, "REFUSED", "idNumber", "NOT_FOUND"),
        (5, "IMPORTED", None, None),
        (6, "REFUSED", "name", "MISMATCH"),
        (7, "REFUSED", "idNumber", "DUPLICATE"),
        (8, "REFUSED", "category", "INVALID"),
        (9, "REFUSED", "category", "FORBIDDEN"),
        (10, "REFUSED", "since", "INVALID"),
        (11, "REFUSED", "until", "INVALID"),
        (12, "REFUSED", "idNumber", "NOT_FOUND"),
        (13, "IMPORTED", None, None),
        (14, "REFUSED", "idNumber", "REQUIRED"),
        (15, "REFUSED", "category", "REQUIRED"),
    ]
    assert (job.status, job.rows_total, job.rows_done) == ("DONE", 14, 14)
    assert (job.imported, job.unchanged, job.refused) == (3, 0, 11)
    source = "CIVIL_AFFAIRS:2021-09-30"
    assert facts(engine) == [
        (ids[ZHANG], "MINIMUM_LIVING", date(2021, 3, 1), None, source, job.id),
        (ids[LI], "MINIMUM_LIVING", date(2021, 5, 1), None, source, job.id),
        (ids[ZHAO], "EXTREME_POVERTY", AS_OF, None, source, job.id),
    ]
    with Session(engine) as session:
        reasons = dict(
            session.exec(
                select(ImportRow.row_number, ImportRow.reason).where(ImportRow.job_id == job.id)
            ).all()
        )
        events = session.exec(select(AuditEvent.action).where(AuditEvent.entity == "import_job")).all()
    assert "校验码" in reasons[3] and "贫困生" in reasons[8] and "2021-05-31" in reasons[11]
    # One event per batch on the job (4 batches of ≤ 4 rows), none per fact.
    assert sorted(events) == ["finish_import"] + ["import_batch"] * 4 + ["start_import"]


def test_the_same_file_twice_changes_nothing_and_a_resaved_copy_is_unchanged(engine, tmp_path):
    register(engine, ("张三", ZHANG, "341721"), ("李四", LI, "341721"))
    lines = [
        f"张三,{ZHANG},低保,2021-03-01,",
        f"李四,{LI},特困,2021-03-02,",
        f"李四,{id_number(seq=7)},特困,,",
    ]
    first = run(engine, roster(tmp_path, lines))
    before = stored(engine)
    again = run(engine, roster(tmp_path, lines, name="again.csv"))
    assert again.id == first.id and stored(engine) == before

    # The same rows in another order are another file: a new job, every identity UNCHANGED.
    resaved = run(engine, roster(tmp_path, list(reversed(lines)), name="resaved.csv"))
    assert resaved.id != first.id
    assert [r[1] for r in results(engine, resaved.id)] == ["REFUSED", "UNCHANGED", "UNCHANGED"]
    after = stored(engine)
    assert after["category_fact"] == before["category_fact"]


def test_a_later_roster_ends_a_stored_identity(engine, tmp_path):
    ids = register(engine, ("张三", ZHANG, "341721"))
    run(engine, roster(tmp_path, [f"张三,{ZHANG},低保,2021-03-01,"]))
    later = run(
        engine,
        roster(tmp_path, [f"张三,{ZHANG},低保,2021-03-01,2021-12-15"], name="q4.csv"),
        as_of=date(2021, 12, 31),
    )
    assert results(engine, later.id) == [(2, "IMPORTED", None, None)]
    assert (later.imported, later.unchanged) == (1, 0)
    with Session(engine) as session:
        fact = session.exec(select(CategoryFact)).one()
        reason = session.exec(select(ImportRow.reason).where(ImportRow.job_id == later.id)).one()
        ended = session.exec(select(AuditEvent).where(AuditEvent.action == "end_category")).one()
    assert (fact.person_id, fact.since, fact.until) == (ids[ZHANG], date(2021, 3, 1), date(2021, 12, 15))
    assert "2021-12-15" in reason
    assert (ended.before["until"], ended.after["until"]) == (None, "2021-12-15")

    # A third roster giving another end date for it contradicts what is stored.
    third = run(
        engine,
        roster(tmp_path, [f"张三,{ZHANG},低保,2021-03-01,2022-01-31"], name="q1.csv"),
        as_of=date(2022, 3, 31),
    )
    assert results(engine, third.id) == [(2, "REFUSED", "until", "CONFLICT")]
    with Session(engine) as session:
        assert session.exec(select(CategoryFact.until)).one() == date(2021, 12, 15)


def test_a_file_without_a_required_column_or_for_a_foreign_region_stores_nothing(engine, tmp_path):
    register(engine, ("张三", ZHANG, "341721"))
    before = stored(engine)
    with pytest.raises(InputError) as missing:
        run(engine, roster(tmp_path, [f"张三,{ZHANG},2021-03-01"], header="姓名,身份证号码,认定日期\n"))
    assert [(e.field, e.code) for e in missing.value.errors] == [("category", "REQUIRED")]

    clerk = Actor(name="dongzhi", role="COUNTY_ADMIN", region_code="341721")
    path = roster(tmp_path, [f"张三,{ZHANG},低保,2021-03-01,"])
    with pytest.raises(InputError) as foreign:
        import_roster(engine, clerk, path, source="CIVIL_AFFAIRS", as_of=AS_OF, region_code="411322")
    assert [(e.field, e.code) for e in foreign.value.errors] == [("regionCode", "FORBIDDEN")]
    with pytest.raises(InputError) as unknown:
        import_roster(engine, clerk, path, source="MINISTRY_OF_MAGIC", as_of=AS_OF, region_code="341721")
    assert [(e.field, e.code) for e in unknown.value.errors] == [("source", "INVALID")]
    assert stored(engine) == before


def test_an_import_cut_off_between_batches_resumes_where_it_stopped(engine, tmp_path):
    people = [(f"居民{n}", id_number(seq=300 + n), "341721") for n in range(7)]
    register(engine, *people)
    lines = [f"{name},{number},低保,2021-03-01," for name, number, _ in people]
    lines.append(lines[1])  # row 9 repeats row 3, in the batch after the cut
    path = roster(tmp_path, lines)

    class Killed(Exception):
        pass

    def die_after_two_batches(job):
        if job.rows_done >= 6:
            raise Killed

    job, handler = start_roster_import(
        engine, ADMIN, path, source="CIVIL_AFFAIRS", as_of=AS_OF, region_code="341721"
    )
    with pytest.raises(Killed):
        resume_import(engine, ADMIN, job, path, handler, batch_size=3, progress=die_after_two_batches)
    with Session(engine) as session:
        cut = session.get(ImportJob, job.id)
        assert (cut.status, cut.rows_done) == ("RUNNING", 6)
        assert len(session.exec(select(CategoryFact)).all()) == 6

    # A fresh process knows nothing of the first: the duplicate is still found (row 9 of row 3).
    finished = run(engine, path, batch_size=3)
    assert finished.id == job.id and finished.status == "DONE"
    assert (finished.imported, finished.refused, finished.rows_done) == (7, 1, 8)
    assert results(engine, job.id)[7] == (9, "REFUSED", "idNumber", "DUPLICATE")
    assert len(facts(engine)) == 7


def test_guichi_counts_an_identity_recognised_by_2023_08_31_and_not_one_day_later(engine, tmp_path):
    early, late = id_number(region="341702", seq=401), id_number(region="341702", seq=402)
    ids = register(engine, ("早认定", early, "341702001"), ("晚认定", late, "341702001"))
    path = roster(tmp_path, [f"早认定,{early},低保,2023-08-31,", f"晚认定,{late},低保,2023-09-01,"])
    job = run(engine, path, as_of=date(2023, 9, 30), region="341702")
    assert (job.imported, job.refused) == (2, 0)

    rules = registry()
    with Session(engine) as session:
        quotes = {
            number: quote_for(
                session,
                rules,
                Enrolment(
                    person_id=ids[number],
                    coverage_year=2024,
                    region_code="341702001",
                    policy_id="anhui/341702/2024",
                    tier="1",
                    idempotency_key=number,
                ),
                date(2023, 10, 15),
            )
            for number in (early, late)
        }
    assert quotes[early].subsidy_category == "MINIMUM_LIVING" and quotes[early].subsidy > 0
    assert quotes[late].subsidy == 0 and str(quotes[late].amount_due) == "380.00"
    assert quotes[early].amount_due < quotes[late].amount_due


PRAGMAS = ("synchronous", "wal_autocheckpoint")


def test_sqlite_batches_commit_without_waiting_for_the_disk_and_leave_the_pool_as_it_was(engine, tmp_path):
    """On SQLite each batch runs on a connection of its own with `synchronous = NORMAL` (a batch
    taken back by a crash is a batch the job resumes before) and a checkpoint only past 64 MiB of
    WAL, still under the write lock its claim takes (BEGIN IMMEDIATE); the connection goes back
    to the pool as it came."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's synchronous setting")
    register(engine, ("张三", ZHANG, "341721"), ("李四", LI, "341721"), ("王五", WANG, "341721"))
    path = roster(tmp_path, [f"张三,{ZHANG},低保对象,,", f"李四,{LI},低保对象,,", f"王五,{WANG},低保对象,,"])
    job, handler = start_roster_import(
        engine, ADMIN, path, source="CIVIL_AFFAIRS", as_of=AS_OF, region_code="341721"
    )
    seen, used = [], set()
    handle = handler.handle

    def watched(session, job, rows):
        connection = session.connection()
        pragmas = [connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in PRAGMAS]
        seen.append((*pragmas, connection.in_transaction()))
        used.add(connection.connection.dbapi_connection)
        return handle(session, job, rows)

    handler.handle = watched
    with engine.connect() as connection:
        default = [connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in PRAGMAS]
    with captured(engine) as statements:
        finished = resume_import(engine, ADMIN, job, path, handler, batch_size=2)
    assert (finished.status, finished.imported) == ("DONE", 3)
    assert seen == [(1, 16384, True), (1, 16384, True)]  # NORMAL, 64 MiB, in each batch's transaction
    begins = [s for s, _ in statements if s.startswith("BEGIN")]
    assert begins.count("BEGIN IMMEDIATE") >= 3  # two batches and the finish, each under the write lock
    assert default[0] != 1 and default[1] != 16384
    for dbapi_connection in used:  # pooled again, as the import found it
        assert [dbapi_connection.execute(f"PRAGMA {name}").fetchone()[0] for name in PRAGMAS] == default
