"""A Henan village's collected roster (缴费清册 → 导入模板) as payments.

方政办明电〔2021〕35号 四（三）–（五）: collected on the roster, checked, imported.
"""

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tests.db_state import stored
from tests.factories import id_number, wrong_check_digit
from yibao.core.audit import Actor
from yibao.core.errors import InputError
from yibao.core.models import Enrolment, ImportJob, ImportRow, Payment, Refund
from yibao.core.services.categories import CategoryInput, record_category
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.payment_import import import_payments
from yibao.core.services.persons import PersonInput
from yibao.core.testing.scenarios import registry

POLICY = "henan/411322/2022"
VILLAGE = "411322001"  # 释之街道
ADMIN = Actor(name="clerk-fc", role="COUNTY_ADMIN", region_code="411322")
HEADER = ["序号", "姓名", "身份证号码", "缴费金额", "缴费日期", "缴费方式"]

FATHER = id_number("411322", date(1975, 3, 9), 11)
MOTHER = id_number("411322", date(1978, 7, 21), 12, male=False)
CHILD = id_number("411322", date(2010, 1, 2), 13)
LOW_INCOME = id_number("411322", date(1950, 2, 3), 14)  # 低保: collect 320, refund 200
LATE = id_number("411322", date(1960, 4, 5), 15)
NAMED = id_number("411322", date(1961, 4, 5), 16)
WECHAT = id_number("411322", date(1962, 4, 5), 17)
STRANGER = id_number("411322", date(1990, 1, 1), 99)  # never registered
PEOPLE = {
    FATHER: "王大山",
    MOTHER: "李秀英",
    CHILD: "王小明",
    LOW_INCOME: "赵低保",
    LATE: "钱晚缴",
    NAMED: "孙正名",
    WECHAT: "周微信",
}


def rules():
    return registry().with_parameters(POLICY, {"refund.MINIMUM_LIVING": "200.00"})


def register(engine) -> dict[str, int]:
    """The village's residents, one household; the 低保 person enrolled beforehand by a clerk."""
    household = register_household(
        engine,
        ADMIN,
        HouseholdInput(
            address_region_code=VILLAGE,
            address="方城县释之街道某村",
            members=[
                MemberInput(
                    person=PersonInput(name=name, id_number=number, hukou_region_code=VILLAGE),
                    relation="户主" if i == 0 else "其他",
                    is_head=i == 0,
                )
                for i, (number, name) in enumerate(PEOPLE.items())
            ],
        ),
    )
    with Session(engine) as session:
        from yibao.core.models import HouseholdMember, Person

        rows = session.exec(
            select(Person).join(HouseholdMember).where(HouseholdMember.household_id == household.id)
        ).all()
        ids = {p.id_number: p.id for p in rows}
    record_category(
        engine,
        ADMIN,
        CategoryInput(ids[LOW_INCOME], "MINIMUM_LIVING", since=date(2021, 7, 1)),
        {"MINIMUM_LIVING"},
        None,
    )
    enrol(
        engine,
        ADMIN,
        EnrolmentInput(ids[LOW_INCOME], 2022, POLICY, "clerk-enrol-1", on=date(2021, 9, 20)),
        rules(),
    )
    return ids


ROWS = [
    # row 2..
    ["1", "王大山", FATHER, "320", "2021-10-08", ""],  # default channel: the village's collection
    ["2", "李秀英", MOTHER, "320.00", "2021/10/9", "现金"],
    ["3", "王小明", CHILD, "300", "2021-10-09", ""],  # wrong amount
    ["4", "赵低保", LOW_INCOME, "320元", "2021年10月10日", "信用社网点"],
    ["5", "钱晚缴", LATE, "320", "2022-02-01", ""],  # after the last window
    ["6", "某某", STRANGER, "320", "2021-10-11", ""],  # not registered
    ["7", "王大山", FATHER, "320", "2021-10-08", ""],  # row 2 again
    ["8", "坏号码", wrong_check_digit(CHILD), "320", "2021-10-11", ""],
    ["9", "孙错名", NAMED, "320", "2021-10-11", ""],  # name differs from the registered one
    ["10", "周微信", WECHAT, "320", "2021-10-11", "微信"],  # a channel 35号 does not name
]


def write(path: Path, rows=ROWS, header=HEADER) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


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


def ledger(engine) -> list[tuple]:
    with Session(engine) as session:
        from yibao.core.models import Person

        rows = session.exec(
            select(
                Person.id_number, Payment.amount_fen, Payment.paid_on, Payment.channel, Payment.receipt_number
            )
            .join(Enrolment, Enrolment.id == Payment.enrolment_id)
            .join(Person, Person.id == Enrolment.person_id)
            .order_by(Payment.receipt_seq)
        ).all()
    return [tuple(r) for r in rows]


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
    assert (outcome.outcome, outcome.reason) == ("UNCHANGED", "已导入（receipt 411322-2022-00000001）")
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
