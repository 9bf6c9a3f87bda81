"""A Henan village's collected roster (缴费清册 → 导入模板) as payments.

方政办明电〔2021〕35号 四（三）–（五）: collected on the roster, checked, imported.
"""

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tests.support.db_state import stored
from tests.support.payment_rosters import (
    ADMIN,
    FATHER,
    HEADER,
    LOW_INCOME,
    MOTHER,
    POLICY,
    ROWS,
    VILLAGE,
    ledger,
    register,
    rules,
    write,
)
from yibao.core.errors import InputError
from yibao.core.models import Enrolment, ImportJob, ImportRow, Payment, Refund
from yibao.core.services.payment_import import import_payments


def run(engine, path: Path, **options) -> ImportJob:
    return import_payments(
        engine,
        ADMIN,
        rules(),
        path,
        filename=path.name,
        policy_id=POLICY,
        region_code=VILLAGE,
        batch_size=options.pop("batch_size", 4),  # the duplicate of row 2 lies in another batch
        **options,
    )


def results(engine, job: ImportJob) -> dict[int, tuple]:
    with Session(engine) as session:
        rows = session.exec(select(ImportRow).where(ImportRow.job_id == job.id)).all()
    return {r.row_number: (r.outcome, r.field, r.code) for r in rows}


def test_every_row_is_recorded_or_refused_with_its_reason(engine, tmp_path):
    ids = register(engine)
    job = run(engine, write(tmp_path / "释之街道缴费清册.csv"))

    assert (job.status, job.kind, job.rows_total, job.imported, job.refused, job.unchanged) == (
        "DONE",
        "PAYMENTS",
        10,
        3,
        7,
        0,
    )
    assert job.options == {"policyId": POLICY, "coverageYear": 2022, "channel": "VILLAGE_CASH"}
    assert results(engine, job) == {
        2: ("IMPORTED", None, None),
        3: ("IMPORTED", None, None),
        4: ("REFUSED", "amount", "MISMATCH"),
        5: ("IMPORTED", None, None),
        6: ("REFUSED", "paidOn", "INVALID"),
        7: ("REFUSED", "idNumber", "NOT_FOUND"),
        8: ("REFUSED", "idNumber", "DUPLICATE"),
        9: ("REFUSED", "idNumber", "INVALID"),
        10: ("REFUSED", "name", "MISMATCH"),
        11: ("REFUSED", "channel", "INVALID"),
    }
    with Session(engine) as session:
        reasons = {r.row_number: r.reason for r in session.exec(select(ImportRow)).all()}
    assert "应缴 320.00 元" in reasons[4]
    assert "该日期不能缴费" in reasons[6]
    assert "第 2 行" in reasons[8]
    assert "河南税务" in reasons[11]  # the refusal lists the channels the notice names
    # One receipt per recorded row, in file order, counted per county and year.
    assert ledger(engine) == [
        (FATHER, 32000, date(2021, 10, 8), "VILLAGE_CASH", "411322-2022-00000001"),
        (MOTHER, 32000, date(2021, 10, 9), "VILLAGE_CASH", "411322-2022-00000002"),
        (LOW_INCOME, 32000, date(2021, 10, 10), "CREDIT_UNION_COUNTER", "411322-2022-00000003"),
    ]
    assert reasons[2] == "receipt 411322-2022-00000001"
    with Session(engine) as session:
        enrolments = {e.person_id: e for e in session.exec(select(Enrolment)).all()}
        payments = session.exec(select(Payment)).all()
        refunds = session.exec(select(Refund)).all()
    # Enrolled by the import under its policy, the 低保 person's own enrolment reused; a refused
    # row leaves no enrolment behind.
    assert {pid for pid in enrolments} == {ids[FATHER], ids[MOTHER], ids[LOW_INCOME]}
    assert all(e.status == "PAID" and e.policy_id == POLICY for e in enrolments.values())
    assert enrolments[ids[LOW_INCOME]].idempotency_key == "clerk-enrol-1"
    assert enrolments[ids[FATHER]].enrolled_on == date(2021, 10, 8)
    assert {p.collector for p in payments} == {f"import-job-{job.id}"}
    # 方政办明电〔2021〕35号 五（二）: collected in full, the 低保 subsidy is refunded by civil affairs.
    assert [(r.enrolment_id, r.amount_fen, r.department, r.status) for r in refunds] == [
        (enrolments[ids[LOW_INCOME]].id, 20000, "CIVIL_AFFAIRS", "OWED")
    ]


def test_importing_the_same_rows_again_records_nothing_twice(engine, tmp_path):
    register(engine)
    path = write(tmp_path / "清册.csv")
    first = run(engine, path)
    before = stored(engine)

    again = run(engine, path)  # the same file: the same job, nothing written
    assert again.id == first.id
    assert stored(engine) == before

    # Another file with the same rows (re-typed into the 导入模板 with another column order):
    # a new job whose recorded rows are UNCHANGED and whose ledger is the same.
    header = ["身份证号码", "姓名", "缴费日期", "缴费金额", "缴费方式"]
    retyped = [[r[2], r[1], r[4], r[3], r[5]] for r in ROWS]
    second = run(engine, write(tmp_path / "导入模板.csv", retyped, header), batch_size=500)
    assert second.id != first.id
    assert (second.imported, second.unchanged, second.refused) == (0, 3, 7)
    after = stored(engine)
    for table in ("payment", "enrolment", "refund", "entitlement", "receipt_sequence", "person"):
        assert after[table] == before[table], table
    assert results(engine, second)[2] == ("UNCHANGED", None, None)


def test_postgresql_analyses_the_ledger_each_time_the_job_s_batches_double(engine, tmp_path):
    """Its triggers' and foreign keys' cached plans follow the year's partition as it fills
    (core/imports/jobs.py `_Analyses`): after batches 1, 2 and 4 of the file's 10 rows in 5."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's statistics and plan cache")
    register(engine)
    counts = (
        "SELECT relname, analyze_count FROM pg_stat_user_tables WHERE relname IN ('enrolment', 'payment')"
    )
    with engine.connect() as connection:
        before = dict(connection.exec_driver_sql(counts).all())
    job = run(engine, write(tmp_path / "清册.csv"), batch_size=2)
    with engine.connect() as connection:
        after = dict(connection.exec_driver_sql(counts).all())
    assert job.rows_done == 10
    assert {table: after[table] - before.get(table, 0) for table in after} == {"enrolment": 3, "payment": 3}


def test_a_batch_repeated_after_a_crash_finds_its_payments(engine, tmp_path):
    """The runner calls the handler before the batch's transaction; a crash between the two
    repeats the batch, which must then record nothing new."""
    from yibao.core.services.payment_import import PaymentImport

    register(engine)
    job = run(engine, write(tmp_path / "清册.csv"))
    before = ledger(engine)
    handler = PaymentImport(engine, ADMIN, rules(), POLICY)
    rows = [(2, {"idNumber": FATHER, "name": "王大山", "amount": "320", "paidOn": "2021-10-08"})]
    fresh = ImportJob(id=10_000, kind="PAYMENTS", region_code=VILLAGE, dedup_key="x", file_sha256="x",
                      filename="x", actor="x")  # fmt: skip
    [outcome] = handler.handle(None, fresh, rows)
    assert (outcome.outcome, outcome.reason) == ("UNCHANGED", "已导入（收据号 411322-2022-00000001）")
    assert ledger(engine) == before and job.imported == 3


def test_a_file_without_an_amount_column_or_for_another_county_is_refused_whole(engine, tmp_path):
    register(engine)
    before = stored(engine)
    no_amount = write(tmp_path / "a.csv", [r[:3] + r[4:] for r in ROWS], HEADER[:3] + HEADER[4:])
    with pytest.raises(InputError) as refused:
        run(engine, no_amount)
    assert [(e.field, e.code) for e in refused.value.errors] == [("amount", "REQUIRED")]
    with pytest.raises(InputError) as refused:
        import_payments(
            engine, ADMIN, rules(), write(tmp_path / "b.csv"), filename="b.csv",
            policy_id="anhui/341721/2022", region_code=VILLAGE,
        )  # fmt: skip
    assert [(e.field, e.code) for e in refused.value.errors] == [("policyId", "MISMATCH")]
    with pytest.raises(InputError) as refused:
        run(engine, write(tmp_path / "c.csv"), channel="WANSHITONG")  # not a Henan channel
    assert [(e.field, e.code) for e in refused.value.errors] == [("channel", "INVALID")]
    assert stored(engine) == before
