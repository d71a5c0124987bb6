"""`losen jobs-cleanup`: delete finished jobs and their files past the retention.

`losen run-jobs` does this by itself once an hour; run this from cron where jobs run in
the web process's threads (LOSEN_JOB_RUNNER=thread) instead.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from losen.jobs import files, runner


class Command(BaseCommand):
    help = (
        "Delete finished background jobs and their files older than "
        "LOSEN_JOB_RETENTION_DAYS, and mark jobs whose worker is gone as failed."
    )

    def handle(self, *args, **options) -> None:
        interrupted = runner.recover_interrupted()
        deleted = files.cleanup()
        self.stdout.write(
            f"Deleted {deleted} finished job(s) older than {settings.LOSEN_JOB_RETENTION_DAYS} "
            f"days; marked {interrupted} interrupted job(s) as failed."
        )
