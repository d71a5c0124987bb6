"""Statutory exports: one per organisation, scheme and half-year (a new one replaces it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation
from losen.outreach.models.lists import Scheme


class StatutoryExport(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    scheme = models.CharField(_("scheme"), max_length=3, choices=Scheme.choices)
    period = models.CharField(_("half-year"), max_length=6)  # "2026H1"
    cutoff = models.DateField(_("cut-off date"))
    layout = models.CharField(_("layout"), max_length=100)
    layout_version = models.CharField(max_length=20)
    # The moment the figures were read as known: made again with it, they are the same.
    known_at = models.DateTimeField(_("made"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rows = models.PositiveIntegerField(_("rows"))
    contains_identity_numbers = models.BooleanField(default=False)
    # The file, encrypted like identity numbers at rest (it may carry personnummer).
    content_encrypted = models.TextField(editable=False)
    # The people in the file (for the access log when it is downloaded).
    person_ids = models.JSONField(default=list, editable=False)
    replaced = models.PositiveIntegerField(_("times replaced"), default=0)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("statutory export")
        verbose_name_plural = _("statutory exports")
        ordering = ["-period", "scheme"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "scheme", "period"], name="statutoryexport_one_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.scheme} {self.period}"
