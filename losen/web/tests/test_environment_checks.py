"""A malformed environment value is a system check error with its id, not a silent default.

Each test reads losen/settings.py afresh under an environment of its own (as a process
started with those variables would), then asks the system checks about what it found.
"""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from losen.web.checks import check_email_backend, check_environment, check_sms_gateway

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = ROOT / "losen" / "settings.py"

NUMBERS = {
    "LOSEN_DB_CONN_MAX_AGE": ("DATABASES", None),
    "LOSEN_LOGIN_FAILURE_LIMIT": ("AXES_FAILURE_LIMIT", 5),
    "LOSEN_LOGIN_COOLOFF_MINUTES": ("AXES_COOLOFF_TIME", 15 / 60),
    "LOSEN_SESSION_IDLE_MINUTES": ("SESSION_COOKIE_AGE", 30 * 60),
    "LOSEN_EMAIL_PORT": ("EMAIL_PORT", 25),
    "LOSEN_PAGE_SIZE": ("LOSEN_PAGE_SIZE", 25),
    "LOSEN_SMALL_COUNT_THRESHOLD": ("LOSEN_SMALL_COUNT_THRESHOLD", 4),
    "LOSEN_JOB_THREADS": ("LOSEN_JOB_THREADS", 2),
    "LOSEN_JOB_RETENTION_DAYS": ("LOSEN_JOB_RETENTION_DAYS", 7),
    "LOSEN_EXPORT_DIRECT_ROWS": ("LOSEN_EXPORT_DIRECT_ROWS", 2000),
    "LOSEN_IMPORT_MAX_ROWS": ("LOSEN_IMPORT_MAX_ROWS", 100_000),
    "LOSEN_IMPORT_MAX_UNPACKED_BYTES": ("LOSEN_IMPORT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024),
    "LOSEN_UPLOAD_MAX_BYTES": ("LOSEN_UPLOAD_MAX_BYTES", 50 * 1024 * 1024),
    "LOSEN_DATA_UPLOAD_MAX_BYTES": ("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024),
}
BOOLEANS = {
    "LOSEN_DEBUG": "DEBUG",
    "LOSEN_ALLOW_SYNTHETIC_IDS": "LOSEN_ALLOW_SYNTHETIC_IDS",
    "LOSEN_SECURE_COOKIES": "SESSION_COOKIE_SECURE",
    "LOSEN_MANIFEST_STATIC": "STORAGES",
}


def read_settings(monkeypatch, **environ: str) -> dict:
    """losen/settings.py as a process with these environment variables would load it."""
    for name in (*NUMBERS, *BOOLEANS, "DATABASE_URL", "LOSEN_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS), run_name="losen_settings_under_test")


def errors(loaded: dict) -> list[tuple[str, str]]:
    """(id, message) of what the system check says about a fresh read of the settings."""
    with override_settings(LOSEN_ENVIRONMENT_PROBLEMS=loaded["LOSEN_ENVIRONMENT_PROBLEMS"]):
        return [(error.id, error.msg) for error in check_environment(None)]


def test_the_environment_of_a_working_installation_raises_nothing(monkeypatch):
    loaded = read_settings(
        monkeypatch,
        DATABASE_URL="postgres://losen:p%40ss@db.example.no:5432/losen",
        LOSEN_PAGE_SIZE="50",
        LOSEN_DEBUG="0",
        LOSEN_SECURE_COOKIES="1",
        LOSEN_LOG_LEVEL="WARNING",
    )
    assert errors(loaded) == []
    assert loaded["LOSEN_PAGE_SIZE"] == 50
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["DATABASES"]["default"]["PORT"] == 5432
    assert check_environment(None) == []  # the test suite's own environment


@pytest.mark.parametrize("name", NUMBERS)
def test_a_number_that_is_not_a_number_is_error_e003_and_the_default_is_kept(monkeypatch, name):
    loaded = read_settings(monkeypatch, **{name: "fem"})
    assert errors(loaded) == [("losen.E003", f"{name} is 'fem', not a whole number.")]
    setting, default = NUMBERS[name]
    if default is not None:
        assert loaded[setting] == default


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LOSEN_PAGE_SIZE", "0", "LOSEN_PAGE_SIZE is 0, not a whole number of at least 1."),
        ("LOSEN_SESSION_IDLE_MINUTES", "-5", "LOSEN_SESSION_IDLE_MINUTES is -5, not a whole "
         "number of at least 1."),
        ("LOSEN_SMALL_COUNT_THRESHOLD", "-1", "LOSEN_SMALL_COUNT_THRESHOLD is -1, not a whole "
         "number of at least 0."),
        ("LOSEN_EMAIL_PORT", "70000", "LOSEN_EMAIL_PORT is 70000, not a whole number from 1 to "
         "65535."),
        ("LOSEN_JOB_THREADS", "0", "LOSEN_JOB_THREADS is 0, not a whole number of at least 1."),
    ],
)  # fmt: skip
def test_a_number_out_of_its_range_is_error_e003(monkeypatch, name, value, message):
    assert errors(read_settings(monkeypatch, **{name: value})) == [("losen.E003", message)]


def test_the_bounds_of_a_range_are_allowed(monkeypatch):
    loaded = read_settings(
        monkeypatch,
        LOSEN_EXPORT_DIRECT_ROWS="0",
        LOSEN_SMALL_COUNT_THRESHOLD="0",
        LOSEN_EMAIL_PORT="65535",
        LOSEN_PAGE_SIZE=" 1 ",
    )
    assert errors(loaded) == []
    assert (loaded["LOSEN_EXPORT_DIRECT_ROWS"], loaded["EMAIL_PORT"]) == (0, 65535)
    assert loaded["LOSEN_PAGE_SIZE"] == 1


@pytest.mark.parametrize("name", BOOLEANS)
def test_a_yes_or_no_that_is_neither_is_error_e004_and_the_default_is_kept(monkeypatch, name):
    loaded = read_settings(monkeypatch, **{name: "ja"})
    assert errors(loaded) == [("losen.E004", f"{name} is 'ja', neither yes nor no.")]
    if BOOLEANS[name] == "STORAGES":
        assert "Manifest" not in loaded["STORAGES"]["staticfiles"]["BACKEND"]
    else:
        assert loaded[BOOLEANS[name]] is False


def test_every_usual_spelling_of_yes_and_no_is_understood(monkeypatch):
    for value in ("1", "true", "Yes", "ON"):
        loaded = read_settings(monkeypatch, LOSEN_SECURE_COOKIES=value)
        assert (loaded["SESSION_COOKIE_SECURE"], errors(loaded)) == (True, []), value
    for value in ("0", "False", "no", "off", ""):
        loaded = read_settings(monkeypatch, LOSEN_SECURE_COOKIES=value)
        assert (loaded["SESSION_COOKIE_SECURE"], errors(loaded)) == (False, []), value


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("xyz://host/losen", "the scheme 'xyz' is unknown"),
        ("losen.sqlite3", "it has no scheme"),
        ("postgres://losen:secret@db:fivefour/losen", "a part of it is malformed"),
        ("mysql://losen:secret@db/losen", "Losen does not run on mysql"),
        ("postgres://losen:secret@db:5432", "it names no database"),
    ],
)
def test_a_database_url_losen_cannot_use_is_error_e005_and_no_database_is_used(
    monkeypatch, url, reason
):
    loaded = read_settings(monkeypatch, DATABASE_URL=url)
    [(error_id, message)] = errors(loaded)
    assert error_id == "losen.E005"
    assert message.startswith(f"DATABASE_URL is not a database URL Losen can use: {reason}")
    assert "secret" not in message
    # Not the default SQLite file: nothing is written to a database nobody meant.
    assert loaded["DATABASES"]["default"] == {"ENGINE": "django.db.backends.dummy"}


def test_a_log_level_that_is_not_one_is_error_e006(monkeypatch):
    loaded = read_settings(monkeypatch, LOSEN_LOG_LEVEL="loud")
    assert errors(loaded) == [
        (
            "losen.E006",
            "LOSEN_LOG_LEVEL is 'loud', not one of DEBUG, INFO, WARNING, ERROR, CRITICAL.",
        )
    ]
    assert loaded["LOGGING"]["root"]["level"] == "INFO"


def test_a_log_level_in_small_letters_is_understood(monkeypatch):
    loaded = read_settings(monkeypatch, LOSEN_LOG_LEVEL="debug")
    assert errors(loaded) == []
    assert loaded["LOGGING"]["root"]["level"] == "DEBUG"


def test_every_problem_is_reported_not_only_the_first(monkeypatch):
    loaded = read_settings(
        monkeypatch, LOSEN_PAGE_SIZE="x", LOSEN_DEBUG="x", DATABASE_URL="x", LOSEN_LOG_LEVEL="x"
    )
    assert [(error_id, message.split()[0]) for error_id, message in errors(loaded)] == [
        ("losen.E004", "LOSEN_DEBUG"),
        ("losen.E005", "DATABASE_URL"),
        ("losen.E003", "LOSEN_PAGE_SIZE"),
        ("losen.E006", "LOSEN_LOG_LEVEL"),
    ]


@pytest.mark.parametrize(
    "gateway", ["losen.outreach.nowhere.Gateway", "no-dots", "losen.outreach.sms.SentMessage"]
)
def test_an_sms_gateway_that_is_no_gateway_is_error_e007(gateway):
    with override_settings(LOSEN_SMS_GATEWAY=gateway):
        assert [error.id for error in check_sms_gateway(None)] == ["losen.E007"]


@pytest.mark.parametrize(
    "gateway", ["console", "file", "46elks", "", "losen.outreach.sms.FileGateway"]
)
def test_the_named_gateways_and_a_class_with_send_are_accepted(gateway):
    with override_settings(LOSEN_SMS_GATEWAY=gateway):
        assert check_sms_gateway(None) == []


def test_an_email_backend_that_cannot_be_imported_is_error_e008():
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.nowhere.EmailBackend"):
        assert [error.id for error in check_email_backend(None)] == ["losen.E008"]
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"):
        assert check_email_backend(None) == []


def test_the_checks_are_registered_with_django(monkeypatch):
    loaded = read_settings(monkeypatch, LOSEN_PAGE_SIZE="many")
    with override_settings(
        LOSEN_ENVIRONMENT_PROBLEMS=loaded["LOSEN_ENVIRONMENT_PROBLEMS"],
        LOSEN_SMS_GATEWAY="losen.outreach.nowhere.Gateway",
        EMAIL_BACKEND="losen.nowhere.EmailBackend",
    ):
        ids = {message.id for message in run_checks()}
    assert {"losen.E003", "losen.E007", "losen.E008"} <= ids


def test_losen_check_stops_with_the_error_and_no_traceback():
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "losen.settings",
        "DATABASE_URL": "sqlite://:memory:",
        "LOSEN_PAGE_SIZE": "tjuefem",
    }
    result = subprocess.run(
        [sys.executable, "-m", "losen", "check"],
        env=environ,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "(losen.E003) LOSEN_PAGE_SIZE is 'tjuefem', not a whole number." in result.stderr
    assert "Traceback" not in result.stderr
