"""What a report is: a title, a citation, typed columns under the notice's headings, and a query.

A report's `build` receives a read-only `ReportSource` (core/reports/source.py) and returns rows,
one value per column in column order. It composes SQL from the source's scoped selectables and
runs it through `source.fetch`: aggregation happens in the database, never in Python loops over
enrolments. MONEY values are integer fen (shown as yuan), RATE values are Decimal fractions.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from ..rules.cite import Cite

if TYPE_CHECKING:
    from .source import ReportSource


class Kind(StrEnum):
    TEXT = "TEXT"
    INT = "INT"
    MONEY = "MONEY"  # fen in, Decimal yuan out
    RATE = (
        "RATE"  # a Decimal fraction, e.g. 0.9512, in GraphQL, CSV and XLSX alike; None without a denominator
    )
    DATE = "DATE"
    BOOL = "BOOL"
    ID_NUMBER = "ID_NUMBER"  # masked for roles that do not need whole ID numbers
    PHONE = "PHONE"  # a phone number, masked (138****5678) as ID numbers are


@dataclass(frozen=True)
class Column:
    key: str  # snake_case; the GraphQL field is its camelCase
    heading: str  # the notice's wording, used in exports
    kind: Kind = Kind.TEXT
    # ID_NUMBER only: masked for every reader, as a list posted in public is (张榜公示). Built whole
    # all the same, so the access log learns whose rows were read (core/access_log.py).
    masked_for_all: bool = False
    # Never null, on every row, totals included: the GraphQL field is non-null. A report's build
    # that yields None there is a bug the catalog refuses as it runs.
    required: bool = False


class Total(tuple):
    """A row that totals (合计) or subtotals (小计) rows before it: `yield Total((…))`. The API
    flags it (`isTotal`), so an app need not recognise the word in a name column."""


@dataclass(frozen=True)
class ReportArgs:
    region_code: str
    coverage_year: int
    as_of: date | None = None  # None: today


@dataclass(frozen=True)
class Report:
    name: str  # snake_case and unique; a plugin's reports start with its name, e.g. anhui_agency_fee
    title: str  # the notice's name for it, e.g. 村（社区）代办经费
    cite: Cite
    columns: tuple[Column, ...]
    build: "Callable[[ReportSource], Iterable[Sequence]]"
    # Region codes (and everything below them) the report applies to; () applies everywhere.
    regions: tuple[str, ...] = ()
    description: str = ""

    @property
    def headings(self) -> list[str]:
        return [column.heading for column in self.columns]


@dataclass(frozen=True)
class Target:
    region_code: str
    headcount: int


@dataclass(frozen=True)
class TargetTable:
    """A notice's task table: headcounts per unit for one coverage year, with its own headings.

    `stated_total` is the total the notice prints; where it differs from the sum of its rows the
    difference is reported, never corrected (筑医保通〔2021〕34号 附件 prints 2,710,466 over rows
    summing to 2,710,446).
    """

    coverage_year: int
    cite: Cite
    unit_heading: str  # e.g. 单位, 地区
    target_heading: str  # e.g. 2024年任务数, 约束目标（人）
    rows: tuple[Target, ...] = field(default_factory=tuple)
    regions: tuple[str, ...] = ()  # the regions the table covers, e.g. 贵阳市 and 贵安新区
    stated_total: int | None = None

    def headcount(self, region_code: str) -> int | None:
        return next((t.headcount for t in self.rows if t.region_code == region_code), None)
