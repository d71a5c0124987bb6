"""What the history import brought in, so that running the same file again adds nothing."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from losen.accounts.models import Organisation
from losen.cases.models import Case
from losen.people.models import Person


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
