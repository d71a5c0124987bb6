"""Configuration problems, reported as system checks with ids (not crashes at import).

The ids, also listed in the README's settings section:

losen.E001  LOSEN_SECRET_KEY is not set
losen.E002  LOSEN_ID_KEY (or a key of LOSEN_ID_OLD_KEYS) is missing or invalid
losen.E003  a variable that must be a whole number is not one, or is out of its range
losen.E004  a variable that must be yes or no (1/0, true/false, yes/no, on/off) is neither
losen.E005  DATABASE_URL is not a SQLite or PostgreSQL URL that can be read
losen.E006  a variable that must be one of a set of choices (LOSEN_LOG_LEVEL) is not one
losen.E007  LOSEN_SMS_GATEWAY is none of console, file, 46elks, nor a class with send()
losen.E008  LOSEN_EMAIL_BACKEND cannot be imported
losen.W001  synthetic identity numbers accepted (deploy)
losen.W002  SQLite as the database (deploy)

E003 to E006 are found while losen/settings.py reads the environment (it keeps the
default and records the problem in LOSEN_ENVIRONMENT_PROBLEMS); E007 and E008 look at
the settings themselves. The job settings are checked in losen/jobs/checks.py.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

# The id of each kind of problem losen/settings.py records.
ENVIRONMENT_PROBLEM_IDS = {
    "number": "losen.E003",
    "boolean": "losen.E004",
    "database": "losen.E005",
    "choice": "losen.E006",
}


@register(Tags.security, deploy=False)
def check_keys(app_configs, **kwargs):
    problems = []
    if getattr(settings, "LOSEN_SECRET_KEY_MISSING", False):
        problems.append(
            Error(
                "LOSEN_SECRET_KEY is not set.",
                hint="Set it in the environment to a long random value "
                "(python -c 'import secrets; print(secrets.token_urlsafe(50))').",
                id="losen.E001",
            )
        )
    from losen.lib import crypto

    if not crypto.key_is_usable():
        problems.append(
            Error(
                "LOSEN_ID_KEY (or a key in LOSEN_ID_OLD_KEYS) is missing or invalid: "
                "identity numbers cannot be encrypted.",
                hint="Set it to url-safe base64 of 32 random bytes "
                "(python -c 'import base64,secrets; "
                "print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())'). "
                "Keep it safe: without it stored identity numbers cannot be read.",
                id="losen.E002",
            )
        )
    return problems


@register()
def check_environment(app_configs, **kwargs):
    """The environment's values that losen/settings.py could not read as their kind."""
    return [
        Error(problem["message"], hint=problem["hint"], id=ENVIRONMENT_PROBLEM_IDS[problem["kind"]])
        for problem in getattr(settings, "LOSEN_ENVIRONMENT_PROBLEMS", [])
    ]


@register()
def check_sms_gateway(app_configs, **kwargs):
    from losen.outreach.sms import ALIASES

    name = settings.LOSEN_SMS_GATEWAY or "console"
    if name in ALIASES:
        return []
    hint = (
        f"Set LOSEN_SMS_GATEWAY to {', '.join(ALIASES)}, or to the dotted path of a class "
        "with a send(to, text) method."
    )
    try:
        gateway = import_string(name)
    except ImportError:
        return [
            Error(
                f"LOSEN_SMS_GATEWAY is {name!r}: it cannot be imported.", hint=hint, id="losen.E007"
            )
        ]
    if not callable(getattr(gateway, "send", None)):
        return [
            Error(f"LOSEN_SMS_GATEWAY is {name!r}: it has no send().", hint=hint, id="losen.E007")
        ]
    return []


@register()
def check_email_backend(app_configs, **kwargs):
    try:
        import_string(settings.EMAIL_BACKEND)
    except ImportError:
        return [
            Error(
                f"LOSEN_EMAIL_BACKEND is {settings.EMAIL_BACKEND!r}: it cannot be imported.",
                hint="Set it to the dotted path of a Django e-mail backend, for example "
                "django.core.mail.backends.smtp.EmailBackend.",
                id="losen.E008",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_production(app_configs, **kwargs):
    problems = []
    if settings.LOSEN_ALLOW_SYNTHETIC_IDS:
        problems.append(
            Warning(
                "Synthetic test identity numbers are accepted (LOSEN_ALLOW_SYNTHETIC_IDS).",
                hint="Turn it off in production.",
                id="losen.W001",
            )
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        problems.append(
            Warning(
                "SQLite is the database.",
                hint="Use PostgreSQL in production: set DATABASE_URL=postgres://...",
                id="losen.W002",
            )
        )
    return problems
