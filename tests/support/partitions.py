"""The ledger as PostgreSQL holds it once partitioned by year (migration 0013), for comparing the
migrated schema with the models: the models declare the keys SQLite keeps, and PostgreSQL requires
every key of a partitioned table to hold the partition key.

What differs is stated here once, table by table, so the comparison still fails on any other drift.
"""

from sqlalchemy import ForeignKeyConstraint, Index, MetaData, UniqueConstraint
from sqlmodel import SQLModel

from yibao.core.partitions import LEDGER

YEAR = "coverage_year"
# Besides the ledger, the tables whose foreign key names a ledger row (and so carries its year).
REFERRING = ("stated_circumstance",)


def partitioned_metadata() -> MetaData:
    """SQLModel's metadata with each ledger unique key, and each foreign key to a ledger row, holding
    the year (primary keys are not compared by alembic)."""
    metadata = MetaData(naming_convention=SQLModel.metadata.naming_convention)
    for table in SQLModel.metadata.sorted_tables:
        table.to_metadata(metadata)
    for name in (*LEDGER, *REFERRING):
        table = metadata.tables[name]
        for constraint in list(table.constraints):
            if isinstance(constraint, UniqueConstraint) and name in LEDGER:
                columns = [c.name for c in constraint.columns]
                table.constraints.remove(constraint)
                table.append_constraint(
                    UniqueConstraint(*columns, *([YEAR] if YEAR not in columns else []), name=constraint.name)
                )
            elif isinstance(constraint, ForeignKeyConstraint) and constraint.referred_table.name in LEDGER:
                (column,) = [c.name for c in constraint.columns]
                (element,) = constraint.elements
                referred = element.column.table.name
                table.constraints.remove(constraint)
                table.append_constraint(
                    ForeignKeyConstraint(
                        [column, YEAR],
                        [f"{referred}.{element.column.name}", f"{referred}.{YEAR}"],
                        name=constraint.name,
                    )
                )
        for index in list(table.indexes):
            if index.unique and name in LEDGER:
                columns = [c.name for c in index.columns]
                table.indexes.remove(index)
                Index(
                    index.name, *[table.c[c] for c in [*columns, YEAR]], unique=True, **index.dialect_kwargs
                )
    return metadata


def is_partition(name: str) -> bool:
    return any(name.startswith(f"{t}_y") or name == f"{t}_default" for t in LEDGER)


def not_a_partition(name, type_, parent_names) -> bool:
    """alembic's include_name: a year's or the DEFAULT partition is part of its table, not a table."""
    return not (type_ == "table" and is_partition(name))


def not_a_partitions_key(obj, name, type_, reflected, compare_to) -> bool:
    """alembic's include_object: PostgreSQL keeps, beside each foreign key to a partitioned table,
    one internal copy per referenced partition; the key itself is compared."""
    return not (type_ == "foreign_key_constraint" and reflected and is_partition(obj.referred_table.name))
