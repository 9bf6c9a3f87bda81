"""Administrative regions: GB/T 2260 codes, extended downwards for townships and villages."""

from sqlmodel import CheckConstraint, Field, SQLModel

LEVELS = ("province", "city", "county", "township", "village")


class Region(SQLModel, table=True):
    __table_args__ = (CheckConstraint(f"level IN {LEVELS}", name="level"),)

    code: str = Field(primary_key=True, max_length=12)
    parent_code: str | None = Field(default=None, foreign_key="region.code", max_length=12)
    level: str = Field(max_length=10)
    name: str = Field(max_length=64)
    # Codes of all ancestors and itself, "/"-joined with a trailing "/": a scope is a path prefix,
    # which also covers areas (贵安新区) whose towns do not share their code's digits.
    path: str = Field(index=True, max_length=128)
