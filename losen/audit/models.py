"""Access log (who read which person's data, and why) and change log (who wrote what).

Both are append-only. They refer to the person by id rather than by foreign key:
`audit` comes before `people` in the app order, and a log row must outlive any
retention-rule deletion of the person it is about.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.audit.actors import actor_label


class Purpose(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up")
    REGISTRATION = "registration", _("Registration and correction")
    IDENTITY_NUMBER = "identity_number", _("Identity number shown")
    ACCESS_LOG = "access_log", _("Access log inspected")
    EXPORT = "export", _("Export")
    DISCLOSURE = "disclosure", _("Disclosure between organisations")


class AccessLog(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reader"),
    )
    # Kept as text so the row still says who it was if the user account is removed.
    actor_name = models.CharField(_("reader"), max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("reader's organisation"),
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("reader's team"),
    )
    person_id = models.BigIntegerField(_("person"))
    person_organisation_id = models.BigIntegerField()
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    what = models.CharField(_("what was read"), max_length=100, default="person")
    # A disclosure's particulars: {"organisation": "PitStop Demo", "fields": [...],
    # "consent": 12, "referral": 3, "report": "started"}, shown by `what_label`.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person_id", "-at"], name="accesslog_person_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.purpose} person {self.person_id}"

    @property
    def actor_label(self) -> str:
        return actor_label(self.actor_name)

    @property
    def what_label(self) -> str:
        from losen.audit.exporters import what_label

        return what_label(self.what, self.detail)


class ChangeLog(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    actor_name = models.CharField(_("changed by"), max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    person_id = models.BigIntegerField(null=True, db_index=True)
    # Names of changed fields only: values would put personal data (and identity
    # numbers) into the log.
    changed_fields = models.JSONField(_("changed fields"), default=list)

    class Meta:
        verbose_name = _("change log entry")
        verbose_name_plural = _("change log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    @property
    def actor_label(self) -> str:
        return actor_label(self.actor_name)
