"""Misconfiguration is reported as system checks with ids, not as crashes."""

from losen.web.checks import check_keys, check_production


def test_it_reports_a_missing_secret_key(settings):
    settings.LOSEN_SECRET_KEY_MISSING = True
    assert "losen.E001" in [p.id for p in check_keys(None)]


def test_it_reports_a_missing_identity_number_key(settings):
    settings.LOSEN_ID_KEY = ""
    assert "losen.E002" in [p.id for p in check_keys(None)]


def test_it_reports_a_malformed_identity_number_key(settings):
    settings.LOSEN_ID_KEY = "too-short"
    assert "losen.E002" in [p.id for p in check_keys(None)]


def test_it_is_quiet_when_the_keys_are_set(settings):
    settings.LOSEN_SECRET_KEY_MISSING = False
    assert check_keys(None) == []


def test_it_warns_a_production_installation_about_synthetic_numbers(settings):
    settings.LOSEN_ALLOW_SYNTHETIC_IDS = True
    assert "losen.W001" in [p.id for p in check_production(None)]
    settings.LOSEN_ALLOW_SYNTHETIC_IDS = False
    assert "losen.W001" not in [p.id for p in check_production(None)]
