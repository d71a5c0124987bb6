"""Tests for losen.lib.idnumbers.

No database is needed. The tests run both under pytest-django (project
settings) and standalone with ``-p no:django``; the few tests that need
Django settings (translated messages, the LOSEN_ALLOW_SYNTHETIC_IDS setting)
use the ``django_ready`` fixture, which configures minimal settings only when
nothing else has.
"""

import datetime as dt

import pytest

from losen.lib import idnumbers
from losen.lib.idnumbers import (
    IdentityNumber,
    IdKind,
    InvalidIdentityNumber,
    mask_identity_number,
    normalize_identity_number,
    parse_identity_number,
)

TODAY = dt.date(2025, 6, 1)


# ---------------------------------------------------------------------------
# Helpers: build valid numbers independently of the code under test
# ---------------------------------------------------------------------------

_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _no_check_digits(first9: str, remainder: int = 0) -> str | None:
    """Check digits for a Norwegian number, or None if the number is unusable.

    remainder 0 is the classic rule; 1-3 are the extra values allowed for
    numbers issued from 2032; 4+ are never valid.
    """
    s1 = sum(int(c) * w for c, w in zip(first9, _K1, strict=True))
    k1 = (remainder - s1) % 11
    if k1 == 10:
        return None
    ten = first9 + str(k1)
    s2 = sum(int(c) * w for c, w in zip(ten, _K2, strict=True))
    k2 = (-s2) % 11
    if k2 == 10:
        return None
    return f"{k1}{k2}"


def make_no(date6: str, individual: int, remainder: int = 0) -> str:
    """First usable Norwegian number for date6, counting down from individual."""
    for ind in range(individual, individual - 50, -1):
        digits = _no_check_digits(f"{date6}{ind:03d}", remainder)
        if digits is not None:
            return f"{date6}{ind:03d}{digits}"
    raise AssertionError("no usable individual number found")


def luhn_digit(nine: str) -> str:
    total = 0
    for position, char in enumerate(nine):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def make_se(date6: str, serial: str = "123") -> str:
    nine = date6 + serial
    return nine + luhn_digit(nine)


def parse_no(raw: str, **kwargs) -> IdentityNumber:
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("allow_synthetic", False)
    return parse_identity_number(raw, country="NO", **kwargs)


def parse_se(raw: str, **kwargs) -> IdentityNumber:
    kwargs.setdefault("today", TODAY)
    return parse_identity_number(raw, country="SE", **kwargs)


def error_code(raw: str, **kwargs) -> str:
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("allow_synthetic", False)
    with pytest.raises(InvalidIdentityNumber) as excinfo:
        parse_identity_number(raw, **kwargs)
    return excinfo.value.code


@pytest.fixture
def django_ready():
    """Make sure Django settings and the app registry are usable."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure()
        django.setup()
    return settings


# ---------------------------------------------------------------------------
# Norway: fødselsnummer
# ---------------------------------------------------------------------------


def test_the_test_helper_agrees_with_a_published_example():
    # Worked example from Skatteetaten's 2032 page: 301082 + 999 -> 30108299920.
    assert make_no("301082", 999) == "30108299920"


def test_it_accepts_a_published_fodselsnummer_and_derives_the_birth_date():
    number = parse_no("30108299920")
    assert number.country == "NO"
    assert number.kind == IdKind.FODSELSNUMMER
    assert number.value == "30108299920"
    assert number.birth_date == dt.date(1982, 10, 30)
    assert number.synthetic is False


def test_it_accepts_computed_fodselsnumre_from_every_century_range():
    cases = {
        ("010190", 499): dt.date(1990, 1, 1),  # 000-499 -> 1900s
        ("311299", 749): dt.date(1899, 12, 31),  # 500-749, yy >= 54 -> 1800s
        ("150605", 999): dt.date(2005, 6, 15),  # 500-999, yy <= 39 -> 2000s
        ("150675", 999): dt.date(1975, 6, 15),  # 900-999, yy >= 40 -> 1900s
    }
    for (date6, individual), expected in cases.items():
        number = parse_no(make_no(date6, individual))
        assert number.kind == IdKind.FODSELSNUMMER
        assert number.birth_date == expected


def test_it_accepts_spaces_anywhere_in_the_number():
    assert normalize_identity_number(" 301082 999 20 ", today=TODAY) == "30108299920"


def test_it_refuses_a_fodselsnummer_with_a_wrong_check_digit():
    assert error_code("30108299921") == "checksum"
    assert error_code("30108299930") == "checksum"


def test_it_refuses_a_fodselsnummer_with_an_impossible_date():
    # Check digits are valid, so the date is what fails.
    assert error_code(make_no("310290", 450)) == "date"  # 31 February
    assert error_code(make_no("320190", 450)) == "date"  # day 32
    assert error_code(make_no("011390", 450)) == "date"  # month 13
    assert error_code(make_no("000190", 450)) == "date"  # day 0
    assert error_code(make_no("290291", 450)) == "date"  # 29 Feb, not a leap year


def test_it_accepts_29_february_in_a_leap_year():
    number = parse_no(make_no("290296", 450))
    assert number.birth_date == dt.date(1996, 2, 29)


def test_it_leaves_the_birth_date_empty_when_the_century_is_not_defined():
    # Individual number 750-899 with a year from 40 is not in the pre-2032
    # allocation table; the number can still be valid under the 2032 rules.
    number = parse_no(make_no("150685", 850))
    assert number.birth_date is None


def test_it_does_not_report_a_birth_date_in_the_future():
    # Skatteetaten's example for a child born 2 January 2032.
    assert parse_no("02013299997").birth_date is None
    later = parse_no("02013299997", today=dt.date(2032, 6, 1))
    assert later.birth_date == dt.date(2032, 1, 2)


# ---------------------------------------------------------------------------
# Norway: the 2032 check digit rule
# ---------------------------------------------------------------------------


def test_it_accepts_a_number_that_is_only_valid_under_the_2032_rule():
    # Skatteetaten's example "person 2": k1 from remainder 1.
    number = parse_no("30108299939")
    assert number.value == "30108299939"


def test_a_number_of_the_2032_series_gives_no_birth_date():
    # Its individual number says nothing of the century: 1982 and 2082 are both possible.
    assert parse_no("30108299939").birth_date is None


def test_01011544718_is_not_read_as_born_in_1915():
    # k1 remainder 2: a 2032-series number. The old table would say 1915 (individual 447).
    number = parse_no("01011544718")
    assert number.birth_date is None
    assert "1915" not in repr(number)


def test_a_2032_series_number_gives_no_birth_date_for_any_remainder_or_individual_number():
    for remainder in (1, 2, 3):
        for individual in (100, 450, 600, 950):
            assert parse_no(make_no("010115", individual, remainder=remainder)).birth_date is None


def test_a_d_number_of_the_2032_series_gives_no_birth_date_either():
    number = parse_no(make_no("410190", 450, remainder=1))
    assert number.kind == IdKind.D_NUMMER
    assert number.birth_date is None


def test_only_coordination_numbers_may_have_a_birth_date_other_than_their_date():
    assert parse_no(make_no("410190", 450)).date_may_differ
    assert parse_se("701063-2391").date_may_differ
    assert not parse_no(make_no("010190", 450)).date_may_differ
    assert not parse_no(make_no("014590", 450)).date_may_differ
    assert not parse_se("640823-3234").date_may_differ


def test_it_accepts_computed_numbers_with_remainders_one_two_and_three():
    for remainder in (1, 2, 3):
        number = make_no("010190", 450, remainder=remainder)
        assert parse_no(number).value == number


def test_it_refuses_a_first_check_digit_with_remainder_four_or_more():
    for remainder in range(4, 11):
        digits = _no_check_digits("301082999", remainder)
        if digits is None:
            continue
        assert error_code("301082999" + digits) == "checksum"


def test_the_second_check_digit_must_still_give_remainder_zero():
    valid = "30108299939"
    for k2 in "0123456789":
        if k2 != valid[-1]:
            assert error_code(valid[:-1] + k2) == "checksum"


# ---------------------------------------------------------------------------
# Norway: D-nummer and H-nummer
# ---------------------------------------------------------------------------


def test_it_accepts_a_d_number():
    number = parse_no(make_no("410190", 450))
    assert number.kind == IdKind.D_NUMMER
    assert number.birth_date == dt.date(1990, 1, 1)
    assert number.synthetic is False


def test_it_accepts_a_d_number_for_the_last_day_of_a_month():
    number = parse_no(make_no("710385", 300))
    assert number.kind == IdKind.D_NUMMER
    assert number.birth_date == dt.date(1985, 3, 31)


def test_it_refuses_a_d_number_with_an_impossible_day():
    assert error_code(make_no("720190", 450)) == "date"  # 32 January
    assert error_code(make_no("700290", 450)) == "date"  # 30 February


def test_it_refuses_a_d_number_with_a_wrong_check_digit():
    number = make_no("410190", 450)
    broken = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert error_code(broken) == "checksum"


def test_it_accepts_an_h_number():
    number = parse_no(make_no("154585", 300))
    assert number.kind == IdKind.H_NUMMER
    assert number.birth_date == dt.date(1985, 5, 15)
    assert number.synthetic is False


def test_it_accepts_an_h_number_even_when_synthetic_numbers_are_refused():
    # Month + 40 is also used by NAV for synthetic numbers, but cannot be told
    # apart from a real H-nummer, so it is always accepted.
    number = parse_no(make_no("015290", 300), allow_synthetic=False)
    assert number.kind == IdKind.H_NUMMER
    assert number.birth_date == dt.date(1990, 12, 1)


def test_it_refuses_an_h_number_with_an_impossible_month():
    assert error_code(make_no("155385", 300)) == "date"  # month 53 -> 13


# Day + 40 and month + 40 together: NAV's synthetic numbers. make_no computes
# both mod-11 check digits, so these numbers are valid apart from the offsets.


def test_a_number_with_day_and_month_plus_40_is_a_synthetic_d_number_when_allowed():
    number = parse_no(make_no("414590", 300), allow_synthetic=True)  # 1 May 1990
    assert number.synthetic is True
    assert number.kind == IdKind.D_NUMMER
    assert number.birth_date == dt.date(1990, 5, 1)


def test_the_birth_date_of_a_day_and_month_plus_40_number_drops_both_offsets():
    number = parse_no(make_no("715299", 300), allow_synthetic=True)
    assert number.birth_date == dt.date(1999, 12, 31)


def test_it_refuses_a_day_and_month_plus_40_number_when_synthetic_numbers_are_not_allowed():
    assert error_code(make_no("414590", 300), allow_synthetic=False) == "synthetic_not_allowed"


def test_it_refuses_a_day_and_month_plus_40_number_with_an_impossible_date():
    # 30 February, written as day 70 and month 42.
    assert error_code(make_no("704290", 300), allow_synthetic=True) == "date"


def test_a_day_and_month_plus_40_number_is_refused_with_the_message_of_other_synthetic_numbers(
    django_ready,
):
    from django.test import override_settings

    with override_settings(LOSEN_ALLOW_SYNTHETIC_IDS=False):
        with pytest.raises(InvalidIdentityNumber) as nav:
            parse_identity_number(make_no("414590", 300), today=TODAY)
        with pytest.raises(InvalidIdentityNumber) as test_norge:
            parse_identity_number("10915596784", today=TODAY)
    assert nav.value.code == "synthetic_not_allowed"
    assert str(nav.value.message) == str(test_norge.value.message)


def test_plain_d_and_h_numbers_stay_real_numbers_when_synthetic_numbers_are_refused():
    d_nummer = parse_no(make_no("410590", 450), allow_synthetic=False)
    h_nummer = parse_no(make_no("014590", 300), allow_synthetic=False)
    assert (d_nummer.kind, d_nummer.synthetic) == (IdKind.D_NUMMER, False)
    assert (h_nummer.kind, h_nummer.synthetic) == (IdKind.H_NUMMER, False)
    assert d_nummer.birth_date == h_nummer.birth_date == dt.date(1990, 5, 1)


# ---------------------------------------------------------------------------
# Norway: synthetic numbers (month + 80)
# ---------------------------------------------------------------------------


def test_it_accepts_10915596784_as_a_synthetic_number_when_allowed():
    number = parse_no("10915596784", allow_synthetic=True)
    assert number.synthetic is True
    assert number.kind == IdKind.FODSELSNUMMER
    assert number.birth_date == dt.date(1955, 11, 10)


def test_it_refuses_10915596784_when_synthetic_numbers_are_not_allowed():
    assert error_code("10915596784", allow_synthetic=False) == "synthetic_not_allowed"


def test_it_accepts_skatteetatens_published_synthetic_examples_when_allowed():
    # From Skatteetaten's "Test for konsumenter" page: (birth date, fnr, dnr).
    examples = [
        (dt.date(2020, 11, 17), "17912099997", "57912075186"),
        (dt.date(2020, 2, 29), "29822099635", "69822075096"),
        (dt.date(2003, 4, 5), "05840399895", "45840375084"),
        (dt.date(1994, 2, 12), "12829499914", "52829400197"),
        (dt.date(1952, 10, 12), "12905299938", "52905200100"),
        (dt.date(1936, 8, 21), "21883649874", "61883600222"),
        (dt.date(1897, 12, 21), "21929774873", "61929750062"),
    ]
    for birth_date, fnr, dnr in examples:
        fodselsnummer = parse_no(fnr, allow_synthetic=True)
        assert fodselsnummer.synthetic is True
        assert fodselsnummer.kind == IdKind.FODSELSNUMMER
        assert fodselsnummer.birth_date == birth_date

        d_nummer = parse_no(dnr, allow_synthetic=True)
        assert d_nummer.synthetic is True
        assert d_nummer.kind == IdKind.D_NUMMER
        assert d_nummer.birth_date == birth_date


def test_it_refuses_a_synthetic_d_number_when_synthetic_numbers_are_not_allowed():
    assert error_code("57912075186", allow_synthetic=False) == "synthetic_not_allowed"


def test_a_wrong_check_digit_is_reported_before_the_synthetic_rule():
    assert error_code("10915596785", allow_synthetic=False) == "checksum"


def test_it_refuses_a_synthetic_number_with_an_impossible_month():
    assert error_code(make_no("019390", 300), allow_synthetic=True) == "date"  # 93 -> 13


def test_it_reads_the_synthetic_setting_when_not_told_explicitly(django_ready):
    from django.test import override_settings

    with override_settings(LOSEN_ALLOW_SYNTHETIC_IDS=True):
        number = parse_identity_number("10915596784", today=TODAY)
        assert number.synthetic is True

    with (
        override_settings(LOSEN_ALLOW_SYNTHETIC_IDS=False),
        pytest.raises(InvalidIdentityNumber) as excinfo,
    ):
        parse_identity_number("10915596784", today=TODAY)
    assert excinfo.value.code == "synthetic_not_allowed"

    with override_settings():
        if hasattr(django_ready, "LOSEN_ALLOW_SYNTHETIC_IDS"):
            del django_ready.LOSEN_ALLOW_SYNTHETIC_IDS
        with pytest.raises(InvalidIdentityNumber) as excinfo:
            parse_identity_number("10915596784", today=TODAY)
        assert excinfo.value.code == "synthetic_not_allowed"


def test_an_explicit_argument_wins_over_the_setting(django_ready):
    from django.test import override_settings

    with override_settings(LOSEN_ALLOW_SYNTHETIC_IDS=True), pytest.raises(InvalidIdentityNumber):
        parse_identity_number("10915596784", allow_synthetic=False, today=TODAY)


# ---------------------------------------------------------------------------
# Sweden
# ---------------------------------------------------------------------------


def test_it_accepts_skatteverkets_example_personnummer_in_all_written_forms():
    # 640823-3234 is the worked example of the check digit in Skatteverket's
    # description of the personnummer.
    for raw in ("640823-3234", "6408233234", "196408233234", "19640823-3234", "640823 - 3234"):
        number = parse_se(raw)
        assert number.country == "SE"
        assert number.kind == IdKind.PERSONNUMMER
        assert number.value == "196408233234"
        assert number.birth_date == dt.date(1964, 8, 23)
        assert number.synthetic is False


def test_it_detects_swedish_numbers_without_being_told_the_country():
    assert normalize_identity_number("811228-9874", today=TODAY) == "198112289874"
    assert normalize_identity_number("198112289874", today=TODAY) == "198112289874"
    assert normalize_identity_number("8112289874", today=TODAY) == "198112289874"


def test_it_puts_a_young_person_in_this_century():
    raw = make_se("100505")
    number = parse_se(raw)
    assert number.value == "20" + raw
    assert number.birth_date == dt.date(2010, 5, 5)


def test_it_puts_a_date_later_this_year_in_the_previous_century():
    # 1 September 2025 has not happened yet on 1 June 2025.
    raw = make_se("250901")
    number = parse_se(raw[:6] + "-" + raw[6:])
    assert number.birth_date == dt.date(1925, 9, 1)


def test_it_reads_a_plus_sign_as_100_years_or_older():
    number = parse_se("640823+3234")
    assert number.value == "186408233234"
    assert number.birth_date == dt.date(1864, 8, 23)

    raw = make_se("200101")
    assert parse_se(raw[:6] + "-" + raw[6:]).birth_date == dt.date(2020, 1, 1)
    assert parse_se(raw[:6] + "+" + raw[6:]).birth_date == dt.date(1920, 1, 1)


def test_the_plus_sign_applies_from_the_start_of_the_year_the_person_turns_100():
    # 18 § folkbokföringslagen: the hyphen becomes a plus "the year" the
    # person turns 100, so a person born 1 September 1925 already has a plus
    # on 1 June 2025.
    raw = make_se("250901")
    number = parse_se(raw[:6] + "+" + raw[6:])
    assert number.birth_date == dt.date(1925, 9, 1)


def test_it_uses_today_to_choose_the_century():
    raw = make_se("300101")
    assert parse_se(raw, today=dt.date(2029, 12, 31)).birth_date == dt.date(1930, 1, 1)
    assert parse_se(raw, today=dt.date(2030, 1, 1)).birth_date == dt.date(2030, 1, 1)


def test_it_accepts_skatteverkets_example_samordningsnummer():
    number = parse_se("701063-2391")
    assert number.kind == IdKind.SAMORDNINGSNUMMER
    assert number.value == "197010632391"
    assert number.birth_date == dt.date(1970, 10, 3)
    assert normalize_identity_number("701063-2391", today=TODAY) == "197010632391"


def test_it_refuses_a_samordningsnummer_with_an_impossible_day():
    assert error_code(make_se("700292"), country="SE") == "date"  # 32 February
    assert error_code(make_se("700260"), country="SE") == "date"  # day 0


def test_it_refuses_a_personnummer_when_the_luhn_check_fails():
    assert error_code("640823-3235") == "checksum"
    assert error_code("196408233235") == "checksum"
    assert error_code("701063-2392") == "checksum"


def test_it_refuses_a_personnummer_with_an_impossible_date():
    assert error_code(make_se("640231"), country="SE") == "date"  # 31 February
    assert error_code(make_se("641301"), country="SE") == "date"  # month 13
    assert error_code(make_se("650229"), country="SE") == "date"  # not a leap year


def test_it_refuses_29_february_when_the_century_makes_it_a_non_leap_year():
    # 1900 was not a leap year; with a plus sign 000229 can only mean 1900.
    raw = make_se("000229")
    assert parse_se(raw).birth_date == dt.date(2000, 2, 29)
    assert error_code(raw[:6] + "+" + raw[6:], country="SE") == "date"


def test_it_refuses_a_twelve_digit_personnummer_born_in_the_future():
    raw = "20" + make_se("300101")
    assert error_code(raw, country="SE") == "date"


def test_it_refuses_a_plus_sign_together_with_a_four_digit_year():
    assert error_code("19640823+3234") == "format"


# ---------------------------------------------------------------------------
# Format errors and country handling
# ---------------------------------------------------------------------------


def test_it_refuses_letters_and_wrong_lengths_as_format_errors():
    for raw in (
        "",
        "   ",
        "abc",
        "3010829992O",  # letter O instead of zero
        "301082999",
        "3010829992011",
        "12345",
        "640823--3234",
        "6408-233234",
        "640823-32345",
        "301082-99920",
        "٣٠١٠٨٢٩٩٩٢٠",  # Arabic-Indic digits are not accepted
    ):
        assert error_code(raw) == "format", raw


def test_it_refuses_none_as_a_format_error():
    assert error_code(None) == "format"


def test_it_refuses_a_swedish_number_when_norway_is_required():
    assert error_code("640823-3234", country="NO") == "format"
    assert error_code("6408233234", country="NO") == "format"


def test_it_refuses_a_norwegian_number_when_sweden_is_required():
    assert error_code("30108299920", country="SE") == "format"


def test_it_accepts_the_country_in_lower_case():
    assert parse_identity_number("30108299920", country="no", today=TODAY).country == "NO"


def test_it_refuses_an_unsupported_country():
    assert error_code("30108299920", country="DK") == "country"


def test_the_error_carries_a_readable_english_message(django_ready):
    from django.utils import translation

    with pytest.raises(InvalidIdentityNumber) as excinfo:
        parse_identity_number("30108299921", today=TODAY)
    with translation.override("en"):
        assert str(excinfo.value.message) == (
            "The identity number is not valid (check digits do not match)."
        )
        assert str(excinfo.value) == str(excinfo.value.message)


def test_the_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_identity_number("abc")


# ---------------------------------------------------------------------------
# Masking and privacy
# ---------------------------------------------------------------------------


def test_masking_shows_the_birth_part_of_a_norwegian_number_only():
    assert mask_identity_number("01019012345") == "010190*****"
    assert parse_no("30108299920").masked() == "301082*****"


def test_masking_shows_the_birth_part_of_a_swedish_number_only():
    assert parse_se("811228-9874").masked() == "19811228-****"
    assert mask_identity_number("197010632391") == "19701063-****"


def test_masking_never_reveals_the_individual_part():
    values = [
        parse_no("30108299920").value,
        parse_no("10915596784", allow_synthetic=True).value,
        parse_se("640823-3234").value,
        parse_se("701063-2391").value,
    ]
    for value in values:
        masked = mask_identity_number(value)
        date_length = 6 if len(value) == 11 else 8
        assert masked[:date_length] == value[:date_length]
        assert set(masked[date_length:]) <= {"*", "-"}


def test_masking_hides_everything_in_an_unexpected_value():
    assert mask_identity_number("12345") == "*****"
    assert mask_identity_number("640823-3234") == "***********"
    assert mask_identity_number("") == ""


def test_the_repr_of_a_number_does_not_reveal_it():
    number = parse_no("30108299920")
    assert "99920" not in repr(number)
    assert "301082*****" in repr(number)


def test_the_number_is_an_immutable_value():
    number = parse_no("30108299920")
    with pytest.raises(AttributeError):
        number.value = "01019012345"
    assert number == parse_no("301082 99920")


def test_the_module_never_exposes_gender():
    names = [name.lower() for name in dir(idnumbers)]
    names += [name.lower() for name in dir(IdentityNumber)]
    for forbidden in ("gender", "sex", "kjonn", "kjønn", "kon", "kön"):
        assert not any(forbidden == name or forbidden in name.split("_") for name in names)
