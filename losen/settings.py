"""Losen settings, read from the environment.

Everything has a safe default so that a fresh checkout runs (``make demo``) on SQLite.
Problems a production installation must fix (no secret key, no identity-number key)
are reported as system checks (``losen/web/checks.py``), not as crashes at import.

Each variable is read as its kind (text, list, yes/no, whole number, choice, database
URL). A value that is not of its kind never stops this module from loading: the
setting keeps its default, and the problem is kept in ``LOSEN_ENVIRONMENT_PROBLEMS``,
which the system checks report, each kind with its id (``losen.E003`` to ``losen.E006``).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


# Values of the environment that are not of their setting's kind: each a dict with the
# problem's kind ("boolean", "number", "choice", "database"), the variable, a message
# and a hint, for the system check losen.web.checks.check_environment.
LOSEN_ENVIRONMENT_PROBLEMS: list[dict[str, str]] = []


def malformed(kind: str, name: str, message: str, hint: str) -> None:
    LOSEN_ENVIRONMENT_PROBLEMS.append(
        {"kind": kind, "name": name, "message": message, "hint": hint}
    )


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    malformed(
        "boolean",
        name,
        f"{name} is {value!r}, neither yes nor no.",
        f"Set it to 1 or 0 (or true/false, yes/no, on/off), or leave it out for the "
        f"default ({int(default)}).",
    )
    return default


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    if minimum is not None and maximum is not None:
        bounds = f" from {minimum} to {maximum}"
    elif minimum is not None:
        bounds = f" of at least {minimum}"
    else:
        bounds = ""
    hint = f"Set it to a whole number{bounds}, or leave it out for the default ({default})."
    try:
        number = int(value)
    except ValueError:
        malformed("number", name, f"{name} is {value!r}, not a whole number.", hint)
        return default
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        malformed("number", name, f"{name} is {number}, not a whole number{bounds}.", hint)
        return default
    return number


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, whatever its case in the environment."""
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    for choice in choices:
        if value.lower() == choice.lower():
            return choice
    malformed(
        "choice",
        name,
        f"{name} is {value!r}, not one of {', '.join(choices)}.",
        f"Set it to one of them, or leave it out for the default ({default}).",
    )
    return default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_database(name: str, default: str, conn_max_age: int) -> dict[str, Any]:
    """Django's DATABASES entry from a database URL (never shown: it holds the password).

    A URL Losen cannot use gives Django's dummy engine, which refuses every query, rather
    than the default SQLite file: nothing is written to a database nobody meant.
    """
    url = env_str(name).strip() or default
    try:
        database = dj_database_url.parse(url, conn_max_age=conn_max_age)
    except dj_database_url.UnknownSchemeError:
        scheme = url.partition("://")[0] if "://" in url else ""
        reason = f"the scheme {scheme!r} is unknown" if scheme else "it has no scheme"
    except ValueError:
        reason = "a part of it is malformed (a port that is not a number, or a character of "
        reason += "the user name or password that is not URL-quoted)"
    else:
        if database["ENGINE"] not in (
            "django.db.backends.sqlite3",
            "django.db.backends.postgresql",
        ):
            reason = f"Losen does not run on {database['ENGINE'].rpartition('.')[2]}"
        elif not database.get("NAME"):
            reason = "it names no database"
        else:
            return dict(database)
    malformed(
        "database",
        name,
        f"{name} is not a database URL Losen can use: {reason}.",
        "Set it to sqlite:////absolute/path/to/file.db or "
        "postgres://user:password@host:5432/name (with URL-quoted user name and password).",
    )
    return {"ENGINE": "django.db.backends.dummy"}


DEBUG = env_bool("LOSEN_DEBUG", False)

# Empty when not configured: the system check losen.E001 then stops `losen runserver`,
# gunicorn and `losen check --deploy` with a clear message. Django needs a non-empty
# value to start at all, so a placeholder is used for the check to find.
SECRET_KEY = env_str("LOSEN_SECRET_KEY") or "unset-losen-secret-key"
LOSEN_SECRET_KEY_MISSING = not env_str("LOSEN_SECRET_KEY")

# Key for identity numbers at rest (Fernet, url-safe base64 of 32 bytes). Older keys,
# still able to decrypt during a key rotation, go in LOSEN_ID_OLD_KEYS (comma-separated).
LOSEN_ID_KEY = env_str("LOSEN_ID_KEY")
LOSEN_ID_OLD_KEYS = env_list("LOSEN_ID_OLD_KEYS")

# Synthetic identity numbers (Test-Norge, month + 80) are for demo and test installations.
LOSEN_ALLOW_SYNTHETIC_IDS = env_bool("LOSEN_ALLOW_SYNTHETIC_IDS", False)

ALLOWED_HOSTS = env_list("LOSEN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("LOSEN_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "losen.accounts.apps.LoginAttemptsConfig",  # django-axes
    "csp",
    # Losen's apps in their import order: each imports only those above it (lib, which
    # is not an app, below them all). docs/architecture.md explains the order, and
    # losen/web/tests/test_import_order.py keeps it true.
    "losen.audit",
    "losen.accounts",
    "losen.submissions",
    "losen.jobs",
    "losen.people",
    "losen.cases",
    "losen.programs",
    "losen.outcomes",
    "losen.outreach",
    "losen.imports",
    "losen.reports",
    "losen.grants",
    "losen.catalogue",
    "losen.exchange",
    "losen.contracts",
    "losen.web",
    "losen.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "losen.web.middleware.SessionMiddleware",
    "losen.web.middleware.NorwegianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "losen.web.middleware.UserLanguageMiddleware",
    "losen.web.middleware.NoStoreMiddleware",
    "losen.web.uploads.RequestSizeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "losen.urls"
WSGI_APPLICATION = "losen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "losen" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% csrf_token %} renders a one-time submission token too (losen.submissions).
            "builtins": ["losen.submissions.templatetags.submissions"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "losen.web.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL (sqlite:////abs/path.db or postgres://user:pass@host:port/name);
# without it, a SQLite file in the project folder.
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'losen.sqlite3'}",
        conn_max_age=env_int("LOSEN_DB_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated failed log-ins (django-axes), per e-mail address: a password
# guesser is stopped whatever address they come from. Locking per IP address would lock
# a whole NAV office behind one gateway out, so axes' advice to add the IP (W006) is
# deliberately not followed.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_FAILURE_LIMIT = env_int("LOSEN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LOSEN_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the log-in form field that holds the e-mail
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password"]

# Session expiry after inactivity: every request renews the cookie.
SESSION_COOKIE_AGE = env_int("LOSEN_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("LOSEN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp) on every response: scripts and styles only from
# Losen's own static files (htmx is vendored), no inline script or style anywhere (the
# templates have none, and htmx is told not to add its indicator <style>, see base.html),
# no plugins, no framing, forms post only back to Losen. WeasyPrint renders PDFs from
# templates on the server, so their <style> blocks are not under this policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

EMAIL_BACKEND = env_str("LOSEN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("LOSEN_FROM_EMAIL", "Losen <noreply@losen.invalid>")
EMAIL_HOST = env_str("LOSEN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LOSEN_EMAIL_PORT", 25, minimum=1, maximum=65535)

LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("sv", _("Swedish")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "losen" / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("LOSEN_MANIFEST_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = BASE_DIR / "var" / "media"
# Uploaded files (signed applications) hold personal data: readable by Losen only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Lists
LOSEN_PAGE_SIZE = env_int("LOSEN_PAGE_SIZE", 25, minimum=1)

# Figures that leave the team hide counts from 1 to this threshold (and what would
# reveal them).
LOSEN_SMALL_COUNT_THRESHOLD = env_int("LOSEN_SMALL_COUNT_THRESHOLD", 4, minimum=0)

# Background jobs (large exports, the history import). LOSEN_JOB_RUNNER says where they
# run: "thread" in a small thread pool of the web process (the demo, one machine),
# "worker" in `losen run-jobs` processes on the same database queue (production),
# "inline" within the request that starts them (the tests). Their files are kept in
# LOSEN_JOB_DIR, a private folder never served as media, for LOSEN_JOB_RETENTION_DAYS.
# An export of more than LOSEN_EXPORT_DIRECT_ROWS rows becomes a job.
LOSEN_JOB_RUNNER = env_str("LOSEN_JOB_RUNNER", "thread")
LOSEN_JOB_THREADS = env_int("LOSEN_JOB_THREADS", 2, minimum=1)
LOSEN_JOB_DIR = Path(env_str("LOSEN_JOB_DIR") or BASE_DIR / "var" / "jobs")
LOSEN_JOB_RETENTION_DAYS = env_int("LOSEN_JOB_RETENTION_DAYS", 7)
LOSEN_EXPORT_DIRECT_ROWS = env_int("LOSEN_EXPORT_DIRECT_ROWS", 2000, minimum=0)

# Imports (history, target lists) refuse a file of more than LOSEN_IMPORT_MAX_ROWS rows,
# or one that unpacks to more than LOSEN_IMPORT_MAX_UNPACKED_BYTES (a CSV's size, an XLSX's
# members as declared in its zip directory), before it costs time or memory. An upload
# is at most LOSEN_UPLOAD_MAX_BYTES; a request body without files at most
# DATA_UPLOAD_MAX_MEMORY_SIZE, and an upload above FILE_UPLOAD_MAX_MEMORY_SIZE is kept
# in a temporary file rather than in memory.
LOSEN_IMPORT_MAX_ROWS = env_int("LOSEN_IMPORT_MAX_ROWS", 100_000, minimum=1)
LOSEN_IMPORT_MAX_UNPACKED_BYTES = env_int(
    "LOSEN_IMPORT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024, minimum=1
)
LOSEN_UPLOAD_MAX_BYTES = env_int("LOSEN_UPLOAD_MAX_BYTES", 50 * 1024 * 1024, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("LOSEN_DATA_UPLOAD_MAX_BYTES", 2 * 1024 * 1024, minimum=1)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Outreach SMS (losen/outreach/sms.py): "console" prints them (default), "file" writes
# them to LOSEN_SMS_OUTBOX, "46elks" sends them (with its user name and password).
# LOSEN_SMS_SENDER is the neutral sender name the young person sees (11 letters at most).
LOSEN_SMS_GATEWAY = env_str("LOSEN_SMS_GATEWAY", "console")
LOSEN_SMS_OUTBOX = env_str("LOSEN_SMS_OUTBOX") or str(BASE_DIR / "var" / "sms-outbox")
LOSEN_SMS_SENDER = env_str("LOSEN_SMS_SENDER", "Losen")
LOSEN_SMS_46ELKS_USERNAME = env_str("LOSEN_SMS_46ELKS_USERNAME")
LOSEN_SMS_46ELKS_PASSWORD = env_str("LOSEN_SMS_46ELKS_PASSWORD")

LOSEN_LOG_LEVEL = env_choice(
    "LOSEN_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOSEN_LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}},
}

# WhiteNoise serves from the app folders (finders) until `losen collectstatic` fills
# STATIC_ROOT for production; it need not warn that the folder is missing before then.
warnings.filterwarnings("ignore", message="No directory at")
