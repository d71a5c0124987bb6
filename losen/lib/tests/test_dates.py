import datetime

import pytest

from losen.lib.dates import add_months, parse_written_date


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


@pytest.mark.parametrize(
    "text", ["2008-03-14", "14.03.2008", "14.3.2008", " 2008-03-14 ", "2008-03-14 00:00:00"]
)
def test_it_reads_a_date_written_the_iso_or_the_norwegian_way(text):
    assert parse_written_date(text) == datetime.date(2008, 3, 14)


@pytest.mark.parametrize(
    "text", ["14.03.08", "080314", "2008-3-14", "14/03/2008", "31.02.2008", "2008-13-01", ""]
)
def test_it_refuses_a_two_digit_year_another_format_or_a_day_that_does_not_exist(text):
    with pytest.raises(ValueError):
        parse_written_date(text)
