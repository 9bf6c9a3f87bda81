"""Receipt numbers: a gap-free counter per county and coverage year, kept in the database.

The counter row is advanced with an upsert inside the payment's own transaction, so two
payments can never draw the same number and a rolled-back payment returns its number.
"""

from sqlalchemy import bindparam, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from .distribution import county_code_of
from .models import Payment, ReceiptSequence


def _advance(insert):
    table = ReceiptSequence.__table__
    return (
        insert(table)
        .values(
            region_code=bindparam("region"),
            coverage_year=bindparam("year"),
            last_value=bindparam("count"),
            county_code=bindparam("county"),
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
    params = {
        "region": region_code,
        "year": coverage_year,
        "count": count,
        "county": county_code_of(region_code),
    }
    last = connection.execute(statement, params).scalar_one()
    return [
        (value, receipt_number(region_code, coverage_year, value))
        for value in range(last - count + 1, last + 1)
    ]


def receipt_number(region_code: str, coverage_year: int, value: int) -> str:
    return f"{region_code}-{coverage_year}-{value:08d}"


def _numbered_insert():
    """PostgreSQL: the counter advanced and the payment inserted with its number in one statement."""
    table, counter = Payment.__table__, ReceiptSequence.__table__.name
    columns = [c.name for c in table.c if c.name not in ("id", "receipt_seq", "receipt_number")]
    seq = "CAST(last_value AS TEXT)"
    quoted, named = ", ".join(f'"{c}"' for c in columns), ", ".join(f":{c}" for c in columns)
    statement = text(
        f"WITH advanced AS (INSERT INTO {counter} (region_code, coverage_year, last_value, county_code)"
        " VALUES (:receipt_region_code, :coverage_year, 1, :county_code)"
        " ON CONFLICT (region_code, coverage_year)"
        f" DO UPDATE SET last_value = {counter}.last_value + 1 RETURNING last_value)"
        f" INSERT INTO {table.name} ({quoted}, receipt_seq, receipt_number) SELECT {named}, last_value,"
        # receipt_number's form: region-year-number, the number zero-padded to at least 8 digits
        " CAST(:receipt_region_code AS TEXT) || '-' || CAST(:coverage_year AS TEXT) || '-'"
        f" || lpad({seq}, greatest(8, length({seq})), '0')"
        " FROM advanced RETURNING id, receipt_seq, receipt_number"
    )
    return statement.bindparams(*(bindparam(c, type_=table.c[c].type) for c in columns))


_NUMBERED_INSERT = _numbered_insert()
_INSERT = Payment.__table__.insert().returning(Payment.__table__.c.id)


def insert_numbered(session: Session, row: dict) -> tuple[int, int, str]:
    """Inserts a ledger row (every column but id and the receipt's) numbered with the next receipt of
    its `receipt_region_code` and `coverage_year`: (id, receipt_seq, receipt_number).

    The counter row stays locked until the commit, and every payment of the county waits for it, so
    the fewer round trips between taking it and committing, the more payments a second can pass:
    on PostgreSQL the advance and the insert are one statement. (SQLite's transaction holds the
    database's write lock from BEGIN, so there the order does not matter.)"""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return tuple(connection.execute(_NUMBERED_INSERT, row).one())
    seq, number = next_receipt(session, row["receipt_region_code"], row["coverage_year"])
    numbered = row | {"receipt_seq": seq, "receipt_number": number}
    return connection.execute(_INSERT, numbered).scalar_one(), seq, number
