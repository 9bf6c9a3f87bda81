"""Calendar arithmetic for the notices' limits: "3个月内", "90日内", waiting periods.

Periods are counted as 《民法典》第二百零一条、第二百零二条 count them: the starting day
is not counted, and a period of months ends on the same day-of-month in the last month
(or that month's last day when it has no such day).
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    days: int = 0
    months: int = 0

    def last_day_from(self, start: date) -> date:
        """The last day still "within" this period of `start` (the start day not counted)."""
        return add_months(start, self.months) + timedelta(days=self.days)

    def __str__(self) -> str:
        parts = ([f"{self.months}个月"] if self.months else []) + ([f"{self.days}日"] if self.days else [])
        return "".join(parts) or "0日"


def next_day(day: date) -> date:
    return day + timedelta(days=1)


def previous_day(day: date) -> date:
    return day - timedelta(days=1)
