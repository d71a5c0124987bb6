"""Exit outcomes and the follow-ups at 6 and 12 months."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation
from losen.cases.models import Case
from losen.outcomes import codes

FOLLOW_UP_MONTHS = (6, 12)


class ExitOutcome(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="exit")
    exited_on = models.DateField(_("exit date"))
    code = models.CharField(_("outcome"), max_length=50)
    top_code = models.CharField(max_length=20, db_index=True)
    code_list_version = models.CharField(max_length=20, default=codes.CODE_LIST_VERSION)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("exit outcome")
        verbose_name_plural = _("exit outcomes")
        indexes = [models.Index(fields=["organisation", "exited_on"], name="exit_org_date")]

    def __str__(self) -> str:
        return f"{self.code} {self.exited_on}"

    @property
    def label(self):
        return codes.get(self.code).label


class FollowUp(models.Model):
    """A check at 6 or 12 months after exit: reached or not, and the status then."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups")
    exit = models.ForeignKey(ExitOutcome, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("months after exit"))
    due_on = models.DateField(_("due"))
    registered_on = models.DateField(_("registered"), null=True, blank=True)
    reached = models.BooleanField(_("reached"), null=True, blank=True)
    code = models.CharField(_("status"), max_length=50, blank=True)
    top_code = models.CharField(max_length=20, blank=True)
    code_list_version = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exit", "months"], name="followup_unique_months"),
        ]
        indexes = [models.Index(fields=["registered_on", "due_on"], name="followup_due")]

    def __str__(self) -> str:
        return f"{self.months} months, due {self.due_on}"

    @property
    def is_registered(self) -> bool:
        return self.registered_on is not None
