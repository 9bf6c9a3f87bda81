"""Receipt numbers: a gap-free counter per county and coverage year, kept in the database.

The counter row is advanced with an upsert inside the payment's own transaction, so two
payments can never draw the same number and a rolled-back payment returns its number.
"""

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from .models import ReceiptSequence


def _advance(insert):
    table = ReceiptSequence.__table__
    return (
        insert(table)
        .values(
            region_code=bindparam("region"), coverage_year=bindparam("year"), last_value=bindparam("count")
        )
        .on_conflict_do_update(
            index_elements=[table.c.region_code, table.c.coverage_year],
            set_={"last_value": table.c.last_value + bindparam("count")},
        )
        .returning(table.c.last_value)
    )


# Built once per dialect: each payment runs it, an import's batch once per county.
_ADVANCE = {"postgresql": _advance(postgresql.insert), "sqlite": _advance(sqlite.insert)}


def next_receipt(session: Session, region_code: str, coverage_year: int) -> tuple[int, str]:
    """The next number. Its counter row stays locked until the transaction ends, so a caller takes
    it as late as it can: other payments of the county and year wait for it."""
    return reserve_receipts(session, region_code, coverage_year, 1)[0]


def reserve_receipts(
    session: Session, region_code: str, coverage_year: int, count: int
) -> list[tuple[int, str]]:
    """The next `count` numbers at once, in order, with one advance of the counter: an import's
    batch takes them at its end, after its checks, so the county's counter is held only from
    then to the commit (as `next_receipt` holds it for one payment)."""
    connection = session.connection()
    statement = _ADVANCE[connection.dialect.name]
    params = {"region": region_code, "year": coverage_year, "count": count}
    last = connection.execute(statement, params).scalar_one()
    return [
        (value, receipt_number(region_code, coverage_year, value))
        for value in range(last - count + 1, last + 1)
    ]


def receipt_number(region_code: str, coverage_year: int, value: int) -> str:
    return f"{region_code}-{coverage_year}-{value:08d}"
