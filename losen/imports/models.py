"""What the history import brought in, so that running the same file again adds nothing."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from losen.accounts.models import Organisation
from losen.cases.models import Case
from losen.people.models import Person


class HistoryImport(models.Model):
    """One run of the history import: its rows are written in short transactions, one
    chunk at a time, and stay hidden from every reader until the run is complete.

    A run that fails is undone by deleting what it wrote (chunk by chunk); a run left
    running by a crash (no sign of life for ABANDONED_AFTER) is undone the same way by
    the next import or `losen import-history --clean-up`.
    """

    class State(models.TextChoices):
        RUNNING = "running", "running"
        COMPLETE = "complete", "complete"
        FAILED = "failed", "failed"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="organisation"
    )
    file_name = models.CharField("file", max_length=255)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField("started", default=timezone.now)
    # Touched after every chunk: a running import older than this has been abandoned.
    alive_at = models.DateTimeField("last sign of life", default=timezone.now)
    finished_at = models.DateTimeField("finished", null=True, blank=True)
    # The measures the run created (--create-measures): removed with the run if it fails.
    created_measure_ids = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "history import"
        verbose_name_plural = "history imports"
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["state"], name="historyimport_state")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.state})"


class ImportedCase(models.Model):
    """One row of a programme's history file: its own id for the young person, and ours.

    Not shown in the interface yet, so its labels are not marked for translation (the
    catalogues in losen/locale must cover every marked string).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="organisation"
    )
    # The programme's own id for the young person (the file's `person_ref`).
    person_ref = models.CharField("reference in the source", max_length=100)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name="young person"
    )
    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="+", verbose_name="case"
    )
    # A digest of the row's values: a later file with the same person_ref but other
    # values is reported as changed (and not applied) rather than silently skipped.
    row_digest = models.CharField(max_length=64)
    source_file_name = models.CharField("file", max_length=255)
    source_line = models.PositiveIntegerField("line")
    imported_at = models.DateTimeField("imported", default=timezone.now, editable=False)
    # The run that wrote the row; empty for rows imported before runs were recorded
    # (written in one transaction, so complete).
    run = models.ForeignKey(
        HistoryImport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="import run",
    )

    class Meta:
        verbose_name = "imported case"
        verbose_name_plural = "imported cases"
        ordering = ["organisation", "person_ref"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person_ref"], name="importedcase_unique_person_ref"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_ref} ({self.source_file_name}:{self.source_line})"
