"""Periods count as the Civil Code does: the start day is not counted, months end on the same day."""

from datetime import date

import pytest

from yibao.core.rules.dates import Period, add_months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2022, 3, 15), 3, date(2022, 6, 15)),
        (date(2022, 3, 31), 3, date(2022, 6, 30)),  # June has no 31st: its last day
        (date(2023, 11, 30), 3, date(2024, 2, 29)),  # leap year
        (date(2022, 11, 30), 3, date(2023, 2, 28)),
        (date(2022, 10, 31), 14, date(2023, 12, 31)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(start, months, expected):
    assert add_months(start, months) == expected


def test_ninety_days_from_a_birth_end_ninety_days_later():
    assert Period(days=90).last_day_from(date(2022, 1, 1)) == date(2022, 4, 1)


def test_periods_read_as_the_notices_write_them():
    assert str(Period(months=3)) == "3个月" and str(Period(days=90)) == "90日"
