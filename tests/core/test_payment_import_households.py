"""A collected roster under a policy whose households pay whole (贵医保组〔2023〕1号 三8).

The rows of one household are enrolled and paid together, all or none; a household the roster
does not hold whole is refused row by row, naming the members it lacks; a household cut by the
end of a batch is carried into the next one.
"""

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tests.support.factories import id_number
from yibao.core.audit import Actor
from yibao.core.models import Entitlement, ImportRow, Payment
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.payment_import import import_payments
from yibao.core.services.persons import PersonInput
from yibao.core.testing.scenarios import registry

POLICY = "anhui/341702/2024"
VILLAGE = "341702001"  # 乌沙镇
ADMIN = Actor(name="clerk-gc", role="COUNTY_ADMIN", region_code="341702")
HEADER = ["姓名", "身份证号码", "缴费金额", "缴费日期"]


def household(engine, *members: tuple[str, int, int]) -> list[list[str]]:
    """A household registered in 乌沙镇 (not enrolled); its rows as a collected roster writes them:
    name, ID number, 380 (or 180 for a member born before 1944, 三5), the day."""
    people = [(name, id_number("341702", date(born, 3, 1), seq)) for name, born, seq in members]
    register_household(
        engine,
        ADMIN,
        HouseholdInput(
            VILLAGE,
            [
                MemberInput(
                    person=PersonInput(name=name, id_number=number, hukou_region_code=VILLAGE), is_head=i == 0
                )
                for i, (name, number) in enumerate(people)
            ],
        ),
    )
    return [
        [name, number, "180" if born < 1944 else "380", "2023-10-08"]
        for (name, number), (_, born, _) in zip(people, members, strict=True)
    ]


def write(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def run(engine, path: Path, batch_size: int = 500):
    return import_payments(
        engine,
        ADMIN,
        registry(),
        path,
        filename=path.name,
        policy_id=POLICY,
        region_code=VILLAGE,
        channel="COLLECTION_POINT",
        batch_size=batch_size,
    )


def outcomes(engine, job) -> list[tuple]:
    with Session(engine) as session:
        rows = session.exec(
            select(ImportRow).where(ImportRow.job_id == job.id).order_by(ImportRow.row_number)
        )
        return [(r.row_number, r.outcome, r.field, r.reason) for r in rows]


@pytest.mark.parametrize("batch_size", [500, 2])  # 2: the household of three straddles a batch end
def test_a_whole_household_on_the_roster_is_enrolled_and_paid_together(engine, tmp_path, batch_size):
    rows = household(engine, ("钱一", 1975, 1), ("钱二", 1978, 2), ("钱老", 1940, 3))
    job = run(engine, write(tmp_path / "清册.csv", rows), batch_size)

    assert (job.imported, job.refused) == (3, 0), outcomes(engine, job)
    with Session(engine) as session:
        payments = session.exec(select(Payment).order_by(Payment.id)).all()
        covered = session.exec(select(Entitlement)).all()
    assert sorted(p.amount_fen for p in payments) == [18000, 38000, 38000]
    assert len({p.idempotency_key for p in payments}) == 1  # one household payment, one key
    assert len(covered) == 3
    # The same rows in another file (another order) find the household's payment: nothing twice.
    again = run(engine, write(tmp_path / "清册2.csv", rows[::-1]), batch_size)
    assert (again.imported, again.unchanged, again.refused) == (0, 3, 0)


def test_a_household_the_roster_lacks_a_member_of_is_refused_naming_them(engine, tmp_path):
    rows = household(engine, ("孙一", 1975, 11), ("孙二", 1978, 12), ("孙三", 2001, 13))
    single = household(engine, ("周独", 1980, 14))  # a household of one pays alone
    job = run(engine, write(tmp_path / "清册.csv", rows[:2] + single))

    found = outcomes(engine, job)
    assert [(n, o, f) for n, o, f, _ in found] == [
        (2, "REFUSED", "idNumber"),
        (3, "REFUSED", "idNumber"),
        (4, "IMPORTED", None),
    ]
    assert all("须以户为单位缴费，同户 孙三 未在本清册中" in reason for _, _, _, reason in found[:2])
    with Session(engine) as session:
        assert [p.amount_fen for p in session.exec(select(Payment))] == [38000]


def test_one_wrong_amount_refuses_the_whole_household(engine, tmp_path):
    rows = household(engine, ("吴一", 1975, 21), ("吴老", 1940, 22))
    rows[1][2] = "380"  # the elder owes 180 (三5)
    job = run(engine, write(tmp_path / "清册.csv", rows))
    assert [(o, f) for _, o, f, _ in outcomes(engine, job)] == [("REFUSED", "amount")] * 2
    with Session(engine) as session:
        assert session.exec(select(Payment)).all() == []
