import datetime

import pytest

from losen.lib.dates import add_months


def test_it_adds_months_keeping_the_day():
    assert add_months(datetime.date(2026, 1, 15), 6) == datetime.date(2026, 7, 15)


def test_it_clamps_to_the_last_day_of_a_shorter_month():
    assert add_months(datetime.date(2025, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2027, 8, 31), 6) == datetime.date(2028, 2, 29)


def test_it_crosses_years_both_ways():
    assert add_months(datetime.date(2026, 11, 30), 12) == datetime.date(2027, 11, 30)
    assert add_months(datetime.date(2026, 3, 31), -1) == datetime.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2025, 8, 31), 6, datetime.date(2026, 2, 28)),
        (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
        (datetime.date(2025, 8, 31), 12, datetime.date(2026, 8, 31)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
        (datetime.date(2025, 11, 15), 6, datetime.date(2026, 5, 15)),
        (datetime.date(2025, 5, 31), -6, datetime.date(2024, 11, 30)),
    ],
)
def test_it_keeps_the_day_or_clamps_it_to_the_months_end(day, months, expected):
    assert add_months(day, months) == expected
