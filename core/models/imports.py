"""File imports (department rosters, collected payment rosters, last years' 参保底表, other
departments' name lists): a job and one result per row.

A job commits its rows in batches, each with its checkpoint (`rows_done`) in the same
transaction, so a killed import leaves whole batches or none and the same file resumes.
"""

from datetime import date, datetime
from typing import Any

from sqlmodel import JSON, CheckConstraint, Column, Field, Index, SQLModel, UniqueConstraint

from ..statuses import ImportKind, ImportOutcome, ImportStatus, sql_in
from .base import utcnow


class ImportJob(SQLModel, table=True):
    __tablename__ = "import_job"
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(ImportKind)}", name="kind"),
        CheckConstraint(f"status IN {sql_in(ImportStatus)}", name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)
    # One job per file content, kind, options and region: importing the same file again
    # finds this job, resumes it if it was cut off, and otherwise changes nothing.
    dedup_key: str = Field(unique=True, max_length=64)
    file_sha256: str = Field(max_length=64)
    filename: str = Field(max_length=200)
    source: str | None = Field(default=None, max_length=40)  # the department of a roster
    as_of: date | None = None  # the roster's snapshot date (在册日期)
    options: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    region_code: str = Field(foreign_key="region.code", index=True, max_length=12)
    actor: str = Field(max_length=64)
    status: str = Field(default=ImportStatus.RUNNING, max_length=8)
    rows_total: int | None = None
    rows_done: int = 0
    imported: int = 0
    unchanged: int = 0
    refused: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class ImportRow(SQLModel, table=True):
    __tablename__ = "import_row"
    __table_args__ = (
        UniqueConstraint("job_id", "row_number", name="uq_import_row_job_row"),
        CheckConstraint(f"outcome IN {sql_in(ImportOutcome)}", name="outcome"),
        Index("ix_import_row_job_key", "job_id", "row_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Indexed by the two indexes below, both led by it (migration 0012 dropped its own).
    job_id: int = Field(foreign_key="import_job.id")
    row_number: int  # as a spreadsheet shows it: the header is row 1
    outcome: str = Field(max_length=10)
    field: str | None = Field(default=None, max_length=40)  # the column a refusal names
    code: str | None = Field(default=None, max_length=16)  # core.errors.ErrorCode
    reason: str = Field(default="", max_length=200)
    id_number: str | None = Field(default=None, max_length=18)
    # What makes two rows the same (e.g. a digest of ID number and category): a later row of the
    # same job with the same key is a duplicate, found in SQL so memory stays flat.
    row_key: str | None = Field(default=None, max_length=16)
