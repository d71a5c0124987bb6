"""NAV grant reports: one per measure, year and type, with its answers in versions.

A report holds no personal data: its answers describe a measure, and its figures are
aggregates with small counts hidden. Every save of the answers is a new, immutable
`GrantReportVersion`; the report's `version` is the number of the latest one (0 before
the first save) and is the optimistic lock: a save based on an older number is refused.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation
from losen.programs.models import Measure

FIRST_YEAR = 2000
LAST_YEAR = 2100


class GrantReport(models.Model):
    class Kind(models.TextChoices):
        STATUS = "status", _("Status report")
        FINAL = "final", _("Final report (the measure receives no more grant money)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="grant_reports", verbose_name=_("measure")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("type of report"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # The number of the latest version; 0 before the first save. The optimistic lock.
    version = models.PositiveIntegerField(_("version"), default=0)
    # Last year's version the first answers were taken from, if any.
    started_from = models.ForeignKey(
        "GrantReportVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started from"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The figures as they were when the report was submitted (losen.grants.figures).
    submitted_figures = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("grant report")
        verbose_name_plural = _("grant reports")
        ordering = ["-year", "measure__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "year", "kind"], name="grant_report_unique_measure_year_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="grant_report_year_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.name} {self.year} ({self.get_kind_display()})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def due_date(self) -> datetime.date:
        """1 February of the following year, for status and final reports alike."""
        return datetime.date(self.year + 1, 2, 1)

    @property
    def is_overdue(self) -> bool:
        """Not submitted and past its due date (the local date)."""
        return not self.is_submitted and timezone.localdate() > self.due_date


class VersionIsImmutable(Exception):
    """A saved version of a grant report's answers is never changed."""


class GrantReportVersion(models.Model):
    """One save of a report's answers: who, when, and every answer as it was."""

    report = models.ForeignKey(
        GrantReport, on_delete=models.PROTECT, related_name="versions", verbose_name=_("report")
    )
    number = models.PositiveIntegerField(_("version"))
    answers = models.JSONField(_("answers"))
    saved_at = models.DateTimeField(_("saved"), default=timezone.now, editable=False)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("saved by"),
    )

    class Meta:
        verbose_name = _("grant report version")
        verbose_name_plural = _("grant report versions")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="grant_report_version_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise VersionIsImmutable("A saved version is never changed; save a new one.")
        super().save(*args, **kwargs)
