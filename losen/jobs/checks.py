"""System checks for the job settings: a misconfiguration stops start-up with a message."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.compatibility)
def check_job_settings(app_configs, **kwargs) -> list[Error]:
    from losen.jobs.runner import RUNNERS

    errors = []
    if settings.LOSEN_JOB_RUNNER not in RUNNERS:
        errors.append(
            Error(
                f"LOSEN_JOB_RUNNER is {settings.LOSEN_JOB_RUNNER!r}.",
                hint=f"Set it to one of: {', '.join(RUNNERS)}.",
                id="losen.jobs.E001",
            )
        )
    if settings.LOSEN_JOB_RETENTION_DAYS < 1:
        errors.append(
            Error(
                "LOSEN_JOB_RETENTION_DAYS must be at least 1.",
                id="losen.jobs.E002",
            )
        )
    return errors
