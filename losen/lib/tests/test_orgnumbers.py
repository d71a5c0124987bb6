"""Tests for losen.lib.orgnumbers. No database and no settings are needed."""

import pytest

from losen.lib.orgnumbers import InvalidOrganisationNumber, normalize_organisation_number


def error_code(raw, country):
    with pytest.raises(InvalidOrganisationNumber) as excinfo:
        normalize_organisation_number(raw, country)
    return excinfo.value.code


def test_it_accepts_valid_norwegian_organisation_numbers():
    for raw in ("923609016", "974760673", "988077917"):
        assert normalize_organisation_number(raw, "NO") == raw


def test_it_accepts_spaces_in_a_norwegian_organisation_number():
    assert normalize_organisation_number(" 923 609 016 ", "NO") == "923609016"


def test_it_refuses_a_norwegian_organisation_number_with_a_wrong_check_digit():
    assert error_code("923609017", "NO") == "checksum"


def test_it_refuses_a_norwegian_organisation_number_with_the_wrong_length():
    assert error_code("92360901", "NO") == "format"
    assert error_code("9236090160", "NO") == "format"


def test_it_refuses_letters_in_a_norwegian_organisation_number():
    assert error_code("92360901A", "NO") == "format"
    assert error_code("NO923609016MVA", "NO") == "format"


def test_it_accepts_valid_swedish_organisation_numbers():
    assert normalize_organisation_number("556036-0793", "SE") == "5560360793"
    assert normalize_organisation_number("2021005448", "SE") == "2021005448"
    assert normalize_organisation_number(" 202100 - 5448 ", "SE") == "2021005448"


def test_it_accepts_a_swedish_organisation_number_with_the_16_prefix():
    assert normalize_organisation_number("165560360793", "SE") == "5560360793"


def test_it_refuses_a_swedish_organisation_number_with_a_wrong_check_digit():
    assert error_code("556036-0794", "SE") == "checksum"


def test_it_refuses_a_swedish_organisation_number_with_the_wrong_length():
    assert error_code("55603607", "SE") == "format"
    assert error_code("195560360793", "SE") == "format"


def test_it_refuses_letters_in_a_swedish_organisation_number():
    assert error_code("556036-079X", "SE") == "format"


def test_it_refuses_an_empty_organisation_number():
    assert error_code("", "NO") == "format"
    assert error_code(None, "SE") == "format"


def test_it_accepts_the_country_in_lower_case():
    assert normalize_organisation_number("923609016", "no") == "923609016"


def test_it_refuses_an_unsupported_country():
    assert error_code("923609016", "DK") == "country"


def test_the_error_is_a_value_error():
    with pytest.raises(ValueError):
        normalize_organisation_number("123", "NO")
