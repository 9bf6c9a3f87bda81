"""Prior years' enrolment records imported from the 参保底表, for years yibao holds no policy for.

东政办〔2021〕6号 四（六）1 builds each campaign "以2021年参保数据为底表"; 方政办明电〔2021〕35号 四（二）
has the county send last year's 缴费清册 to every village. A row says that a registered person was
enrolled (PAID), registered unpaid (UNPAID) or stopped (STOPPED: 停保、暂停或终止参保) in a region for a
coverage year, and what was paid. yibao's own enrolments answer for years it has a policy for, so
history holds only the years before (core/services/history_import.py refuses the others).
"""

from datetime import date, datetime

from sqlmodel import CheckConstraint, Field, SQLModel, UniqueConstraint

from ..statuses import HistoryStatus, sql_in
from .base import utcnow


class EnrolmentHistory(SQLModel, table=True):
    __tablename__ = "enrolment_history"
    __table_args__ = (
        # One record per person and year, as the national platform keeps one 参保 per year.
        UniqueConstraint("person_id", "coverage_year", name="uq_enrolment_history_person_year"),
        CheckConstraint(f"status IN {sql_in(HistoryStatus)}", name="status"),
        CheckConstraint("amount_paid_fen IS NULL OR amount_paid_fen >= 0", name="amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    coverage_year: int = Field(index=True)
    # Where the person was insured that year (a village, township or county code).
    region_code: str = Field(foreign_key="region.code", index=True, max_length=12)
    status: str = Field(max_length=8)
    amount_paid_fen: int | None = None
    paid_on: date | None = None
    import_job_id: int = Field(foreign_key="import_job.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
