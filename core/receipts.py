"""Receipt numbers: a gap-free counter per county and coverage year, kept in the database.

The counter row is advanced with an upsert inside the payment's own transaction, so two
payments can never draw the same number and a rolled-back payment returns its number.
"""

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from .models import ReceiptSequence


def next_receipt(session: Session, region_code: str, coverage_year: int) -> tuple[int, str]:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = ReceiptSequence.__table__
    statement = (
        insert(table)
        .values(region_code=region_code, coverage_year=coverage_year, last_value=1)
        .on_conflict_do_update(
            index_elements=[table.c.region_code, table.c.coverage_year],
            set_={"last_value": table.c.last_value + 1},
        )
        .returning(table.c.last_value)
    )
    value = session.execute(statement).scalar_one()
    return value, f"{region_code}-{coverage_year}-{value:08d}"
