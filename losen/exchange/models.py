"""Referrals between organisations, each organisation keeping its own record.

Nothing is read across organisations. A referral to another organisation is two records:

- `SentReferral`, the sender's: which case, to whom, under which consent, which fields
  were disclosed, and what the receiver has reported back since (its state and dates,
  and the reports themselves, `ReferralReport`);
- `ReceivedReferral`, the receiver's: a copy of exactly the fields the consent let
  cross (`shared`), kept in the receiver's own records, and what the receiver did with
  it (accepted into which of its own cases, declined and why, waiting list).

They share one number, the referral's (`ReceivedReferral.sent` is its primary key), so
the two organisations name the same referral alike. The receiver's actions write back to
the sender's record only what the consent covers, and only while it lasts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation, Team
from losen.cases.models import Case, Consent
from losen.cases.models.core import ReportKind
from losen.catalogue.models import Listing
from losen.people.models import Person


class State(models.TextChoices):
    SENT = "sent", _("Sent")
    WAITING_LIST = "waiting_list", _("On the waiting list")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    STARTED = "started", _("Started")
    ENDED = "ended", _("Ended")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")


# A referral the receiver has not closed: a second one of the same person to the same
# measure (or team) is the same referral.
OPEN = (State.SENT, State.WAITING_LIST, State.ACCEPTED, State.STARTED)


class SentReferral(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sent_referrals")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    to_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    listing = models.ForeignKey(
        Listing, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The measure's or team's name as it was when referred (the listing may go).
    to_name = models.CharField(_("measure or team"), max_length=200)
    fields = models.JSONField(_("fields disclosed"), default=list)
    reason = models.TextField(_("reason for the referral"))
    referred_on = models.DateField(_("referral date"), default=timezone.localdate)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SENT)
    decided_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    exit_on = models.DateField(null=True, blank=True)
    exit_outcome = models.CharField(max_length=30, blank=True)
    # Since when the receiver reports the young person's follow-up paused (empty: not).
    paused_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("referral to another organisation")
        verbose_name_plural = _("referrals to other organisations")
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "listing"],
                condition=models.Q(state__in=[s.value for s in OPEN], listing__isnull=False),
                name="sent_referral_one_open_per_measure",
            ),
            models.UniqueConstraint(
                fields=["person", "to_team"],
                condition=models.Q(state__in=[s.value for s in OPEN], listing__isnull=True),
                name="sent_referral_one_open_per_team",
            ),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk} → {self.to_name}"


class ReceivedReferral(models.Model):
    sent = models.OneToOneField(
        SentReferral, on_delete=models.PROTECT, primary_key=True, related_name="received"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    listing = models.ForeignKey(
        Listing, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_name = models.CharField(_("measure or team"), max_length=200)
    # Exactly what the consent let cross, copied: {"name": "...", "birth_date": "...", ...}.
    shared = models.JSONField(default=dict)
    fields = models.JSONField(default=list)
    # The identity number, when the consent lists it: as the sender stored it
    # (encrypted, with its look-up hash), never shown in the clear in a list.
    id_number_encrypted = models.TextField(blank=True, default="", editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    id_number_kind = models.CharField(max_length=20, blank=True, default="", editable=False)
    id_number_masked = models.CharField(max_length=20, blank=True, default="", editable=False)
    referred_on = models.DateField(_("referral date"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SENT)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # The receiver's own person and case, once accepted.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="received_referrals"
    )
    # Taken into the receiver's intake for its team meeting to decide (the case is there).
    on_agenda_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    paused_on = models.DateField(null=True, blank=True)
    exit_on = models.DateField(null=True, blank=True)
    exit_outcome = models.CharField(max_length=30, blank=True)
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("referral from another organisation")
        verbose_name_plural = _("referrals from other organisations")
        ordering = ["-referred_on", "-sent_id"]

    def __str__(self) -> str:
        return f"referral {self.pk} from organisation {self.from_organisation_id}"


class ReferralReport(models.Model):
    """What the receiver reported back, kept in the sender's records."""

    Kind = ReportKind

    sent = models.ForeignKey(SentReferral, on_delete=models.PROTECT, related_name="reports")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    effective_on = models.DateField()
    # The month a monthly report covers ("2026-11"): one report of a kind per month.
    period = models.CharField(max_length=7, blank=True)
    data = models.JSONField(default=dict, blank=True)
    reported_by_name = models.CharField(max_length=200)
    reported_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("report back")
        verbose_name_plural = _("reports back")
        ordering = ["effective_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sent", "kind", "period"],
                condition=~models.Q(period=""),
                name="referral_report_once_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.effective_on}"


class StatusNote(models.Model):
    """A free-text note from the receiver to the sender, reviewed before it leaves.

    Written by someone in the receiving team, it stays in the receiver's records as a
    draft until a team lead of that team has read it and sends it (or discards it); only
    then does a copy reach the sender, as a report.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Waiting for review")
        SENT = "sent", _("Sent")
        DISCARDED = "discarded", _("Not sent")

    received = models.ForeignKey(
        ReceivedReferral, on_delete=models.PROTECT, related_name="status_notes"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("status note"))
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    report = models.OneToOneField(
        ReferralReport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("status note")
        verbose_name_plural = _("status notes")
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"note {self.pk} ({self.state})"
