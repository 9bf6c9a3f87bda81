"""Other departments' name lists (名单), kept row by row for reconciliation.

- EDUCATION_STUDENTS: the education bureau's roll of pupils and kindergarten children
  (筑医保通〔2021〕34号 四（三）: 九年制义务教育学生名册, 每月调度; 贵医保组〔2023〕1号 六11: 在册学生和
  在园幼儿花名册), `unit` the school, `class_name` the class;
- HR_RESIDENT_PENSION: the human-resources bureau's list of residents in the resident pension scheme
  (贵医保组〔2023〕1号 六12);
- HR_EMPLOYEE_INSURANCE: persons insured as employees (职工基本医疗保险), `unit` the employer,
  `since`/`until` the insured period; they are outside resident insurance (东政办〔2021〕6号 三
  "已在县内外参加职工或城乡居民医保的不得重复参保"; 贵医保组〔2023〕1号 二1);
- ZERO_CLAIM: the medical-insurance bureau's list of residents whose fund paid nothing in `year`
  (基金零报销, 国办发〔2024〕38号), which raises next year's critical-illness maximum.

Rows are matched to registered persons by ID number when read, so a person registered after the
list was imported is still found; a list says nothing about persons outside its job's region.
"""

from datetime import date, datetime

from sqlmodel import CheckConstraint, Field, Index, SQLModel

from ..statuses import ListSource, sql_in
from .base import utcnow


class ListEntry(SQLModel, table=True):
    __tablename__ = "list_entry"
    __table_args__ = (
        CheckConstraint(f"source IN {sql_in(ListSource)}", name="source"),
        CheckConstraint("until IS NULL OR since IS NULL OR until >= since", name="period"),
        CheckConstraint("(source = 'ZERO_CLAIM') = (year IS NOT NULL)", name="year"),
        Index("ix_list_entry_source_id_number", "source", "id_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="import_job.id", index=True)
    source: str = Field(max_length=24)
    # The region the list is for (the job's): it governs persons registered or enrolled in or below it.
    region_code: str = Field(foreign_key="region.code", index=True, max_length=12)
    as_of: date  # the list's date (名单日期)
    id_number: str = Field(max_length=18)
    name: str | None = Field(default=None, max_length=64)
    unit: str | None = Field(default=None, max_length=100)  # school or employer
    class_name: str | None = Field(default=None, max_length=40)  # 年级班级
    since: date | None = None
    until: date | None = None
    year: int | None = None  # ZERO_CLAIM: the year without fund payments
    created_at: datetime = Field(default_factory=utcnow)
