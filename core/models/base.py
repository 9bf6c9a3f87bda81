"""What every table shares: constraint names the error mapper can read, and the clock."""

from datetime import UTC, datetime

from sqlmodel import SQLModel

# Named constraints let a violation be traced back to the field a clerk typed (core/db_errors.py).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)
