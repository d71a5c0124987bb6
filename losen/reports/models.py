"""Reference figures and targets: what the dashboard's own figures are compared with.

A reference figure is someone else's number for one of the dashboard's metrics (NAV
measures at 17,000 kr per participant per month, another municipality's share to work),
with its source. A target is a goal for one of our own figures over time (P 1824:
"reduce recipients aged 18–24 by 50 %, 214 persons, by 31.12.09"), with a baseline and
a deadline; a target on a figure Losen does not compute is followed by readings entered
by hand. Both belong to an organisation; the metric keys are those of
`losen.reports.comparisons` (kept as plain strings here, so the list can grow without a
migration; the forms and actions accept only known keys).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation, Team
from losen.programs.models import Measure


class ReferenceFigure(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="reference_figures",
        verbose_name=_("organisation"),
    )
    metric = models.CharField(_("what it measures"), max_length=40)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    label = models.CharField(
        _("whose figure"),
        max_length=200,
        help_text=_("For example NAV measures or Drammen kommune."),
    )
    year_from = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    source = models.TextField(_("source"))
    url = models.URLField(_("web address of the source"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("reference figure")
        verbose_name_plural = _("reference figures")
        ordering = ["metric", "label", "-year_to"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_from__isnull=True)
                | Q(year_to__isnull=True)
                | Q(year_to__gte=F("year_from")),
                name="reference_figure_years_in_order",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "metric"], name="reference_org_metric")]

    def __str__(self) -> str:
        return f"{self.label}: {self.metric} = {self.value}"


class Target(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("organisation"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("team"),
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("measure"),
    )
    description = models.CharField(_("target"), max_length=300)
    metric = models.CharField(_("what it measures"), max_length=40)
    baseline_value = models.DecimalField(_("baseline value"), max_digits=12, decimal_places=2)
    baseline_on = models.DateField(_("baseline date"))
    target_value = models.DecimalField(_("target value"), max_digits=12, decimal_places=2)
    deadline = models.DateField(_("deadline"))
    source = models.TextField(_("decision or source"), blank=True)
    url = models.URLField(_("web address of the source"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["deadline", "description"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=F("baseline_on")), name="target_deadline_after_baseline"
            ),
            models.CheckConstraint(
                condition=~Q(target_value=F("baseline_value")), name="target_differs_from_baseline"
            ),
        ]

    def __str__(self) -> str:
        return self.description


class TargetReading(models.Model):
    """A value of a target's figure on a day, entered by hand (figures Losen does not count)."""

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="readings", verbose_name=_("target")
    )
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    note = models.CharField(_("source or note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        ordering = ["measured_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "measured_on"], name="target_reading_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measured_on}: {self.value}"
