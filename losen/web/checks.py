"""Configuration problems, reported as system checks with ids (not crashes at import)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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
                "LOSEN_ID_KEY is missing or invalid: identity numbers cannot be encrypted.",
                hint="Set it to url-safe base64 of 32 random bytes "
                "(python -c 'import base64,secrets; "
                "print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())'). "
                "Keep it safe: without it stored identity numbers cannot be read.",
                id="losen.E002",
            )
        )
    return problems


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
