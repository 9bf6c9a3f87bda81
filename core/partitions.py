"""The ledger's partitions per coverage year on PostgreSQL (migration 0013, docs/scaling.md §2).

The migration made one partition per year the ledger held and a DEFAULT partition per table, so
an insert never fails for want of a partition. A year's own partition is made here, ahead of its
rows: `yibao db upgrade` and `yibao serve` call `add_year_partitions` with every year an installed
policy covers, so deploying next year's policy prepares its partitions.

A year whose rows already went to the DEFAULT partition (no policy announced it when they were
written) keeps them there: PostgreSQL refuses a new partition while the DEFAULT one holds its
rows, and moving them means rewriting the ledger (docs/scaling.md §2 says how). Its statements
still read one partition, the DEFAULT one, which it shares with other unannounced years.
"""

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.engine import Connection

# In the order their foreign keys need them (all are made in one transaction anyway).
LEDGER = ("enrolment", "payment", "refund", "entitlement", "settlement")

# A partitioned table's statement-level triggers, which PostgreSQL does not clone to a partition
# (it clones row triggers): each partition needs its own, for an INSERT that names the partition.
# As migration 0020 gives them to the partitions it finds.
_STATEMENT_TRIGGERS = {
    "payment": (
        "CREATE TRIGGER payment_summary AFTER INSERT ON {partition} REFERENCING NEW TABLE AS new_payments "
        "FOR EACH STATEMENT EXECUTE FUNCTION payment_summary_of_statement()"
    ),
}


def partition_name(table: str, year: int) -> str:
    return f"{table}_y{int(year)}"


def is_partitioned(connection: Connection) -> bool:
    if connection.dialect.name != "postgresql":
        return False
    return bool(
        connection.execute(
            text("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass('enrolment')")
        ).first()
    )


def add_year_partitions(connection: Connection, years: Iterable[int]) -> dict[int, str]:
    """Each year's partition of every ledger table, where missing. Returns what was not done and
    why, per year (rows of that year in a DEFAULT partition); nothing on SQLite."""
    if not is_partitioned(connection):
        return {}
    skipped = {}
    for year in sorted(set(int(y) for y in years)):
        if waiting := _in_default(connection, year):
            skipped[year] = f"{', '.join(waiting)} 的默认分区已有 {year} 年度的行"
            continue
        for table in LEDGER:
            name = partition_name(table, year)
            if connection.execute(text("SELECT to_regclass(:t)"), {"t": name}).scalar() is None:
                connection.execute(text(f"CREATE TABLE {name} PARTITION OF {table} FOR VALUES IN ({year})"))
                _name_indexes(connection, name)
                if trigger := _STATEMENT_TRIGGERS.get(table):
                    connection.execute(text(trigger.format(partition=name)))
    return skipped


# The partition's indexes (and the constraints they back) named `<its table's index>_y<year>`, as
# migration 0013 names them, so a violation names a constraint core/db_errors.py knows.
_PARTITION_INDEXES = text(
    "SELECT c.relname, p.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
    "JOIN pg_inherits i ON i.inhrelid = x.indexrelid JOIN pg_class p ON p.oid = i.inhparent "
    "WHERE x.indrelid = CAST(:t AS regclass)"
)


def _name_indexes(connection: Connection, partition: str) -> None:
    suffix = partition[partition.rindex("_") :]
    for name, parent in connection.execute(_PARTITION_INDEXES, {"t": partition}).all():
        connection.execute(text(f'ALTER INDEX "{name}" RENAME TO "{parent}{suffix}"'))


def _in_default(connection: Connection, year: int) -> list[str]:
    return [
        table
        for table in LEDGER
        if connection.execute(
            text(f"SELECT 1 FROM {table}_default WHERE coverage_year = :year LIMIT 1"), {"year": year}
        ).first()
    ]


def partitions(connection: Connection, table: str) -> list[str]:
    """The partitions of `table`, by name (empty if it is not partitioned)."""
    return list(
        connection.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = to_regclass(:t) ORDER BY 1"
            ),
            {"t": table},
        ).scalars()
    )
