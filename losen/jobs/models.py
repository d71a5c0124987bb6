"""A background job: who asked for it, how far it has come, and the file it made.

Jobs are rows in the database, so the web process, a `losen run-jobs` worker and the
job's own thread all see the same state. The file a job makes lives in the job's own
folder under settings.LOSEN_JOB_DIR (see files.py), never under MEDIA_ROOT.
"""

from __future__ import annotations

import threading
import time
import uuid

from django.conf import settings
from django.db import connection, connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation

# At most one progress write per this many seconds (the last one is always written).
REPORT_EVERY_SECONDS = 1.0

# Progress of jobs running in this process, read by the status page between the
# throttled writes (and while a job's writes sit in a transaction not yet committed).
LIVE_PROGRESS: dict[uuid.UUID, tuple[int, int | None]] = {}


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("started by"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    # The owner's language when the job was started: messages and files use it.
    language = models.CharField(max_length=10, default="nb")
    # Primary keys and choices only: the job reads the data itself, with the owner's
    # permissions at the time it runs.
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    # What the job found (an import's summary, a file's row problems), for its page.
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The file the job made, in the job's folder; emptied when the file is deleted.
    file_name = models.CharField(max_length=200, blank=True)
    download_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    # Whether downloading the file reads personal data (and so writes the access log).
    personal_data = models.BooleanField(default=False)
    # Who runs it ("host:pid"), and when it last said it was alive.
    worker = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("started"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    # When this instance last wrote its progress (time.monotonic()).
    _last_report: float = 0.0

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="job_status_created"),
            models.Index(fields=["owner", "-created_at"], name="job_owner_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def has_file(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file_name)

    def percent(self) -> int | None:
        done, total = LIVE_PROGRESS.get(self.pk, (self.done, self.total))
        if self.status == self.Status.DONE:
            return 100
        if not total:
            return None
        return min(100, done * 100 // total)

    def progress(self) -> tuple[int, int | None]:
        """(done, total), the live figures when this process runs the job."""
        if self.status == self.Status.RUNNING:
            return LIVE_PROGRESS.get(self.pk, (self.done, self.total))
        return self.done, self.total

    def report(self, done: int, total: int | None = None, *, message: str | None = None) -> None:
        """Progress: written at most once a second (and always when done reaches total)."""
        self.done = done
        if total is not None:
            self.total = total
        if message is not None:
            self.message = message[:300]
        LIVE_PROGRESS[self.pk] = (self.done, self.total)
        now = time.monotonic()
        finished = self.total is not None and self.done >= self.total
        if not finished and message is None and now - self._last_report < REPORT_EVERY_SECONDS:
            return
        self._last_report = now
        write_progress(
            self.pk,
            done=self.done,
            total=self.total,
            message=self.message,
            heartbeat_at=timezone.now(),
        )


def write_progress(job_id, **fields) -> None:
    """A job's progress, written in a short transaction of its own.

    On SQLite a job that reads as it writes (an export iterating its rows) keeps a
    statement open on its connection, and with it a read snapshot. An UPDATE on that
    connection must upgrade the snapshot to a write, which SQLite refuses at once
    ("database is locked", without waiting for the busy timeout) as soon as any other
    connection has written since: two exports at once each made the other fail. So the
    progress goes through another connection (a short-lived thread's), which waits its
    turn like any writer. Inside a transaction (an import writing its rows, or a test)
    the write stays in it: another connection would wait for that very transaction.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        Job.objects.filter(pk=job_id).update(**fields)
        return
    failure: list[BaseException] = []

    def write() -> None:
        try:
            Job.objects.filter(pk=job_id).update(**fields)
        except BaseException as exc:  # re-raised in the job's own thread
            failure.append(exc)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=write, name=f"job-progress-{job_id}")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
