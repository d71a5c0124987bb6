"""The weekly team meeting (henvisningsutvalg, multikompetent team) and its decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation, Team
from losen.cases.models.core import Case


class TeamMeeting(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("team")
    )
    starts_at = models.DateTimeField(_("time"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    notes = models.TextField(_("notes for the minutes"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("team meeting")
        verbose_name_plural = _("team meetings")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["team", "starts_at"], name="meeting_team_starts")]
        # A meeting has a start and no set length: "at the same time" is the same
        # minute (do_create_meeting keeps whole minutes and says so in the form).
        constraints = [
            models.UniqueConstraint(
                fields=["team", "starts_at"], name="meeting_one_per_team_at_a_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team.name} {self.starts_at:%Y-%m-%d}"


class MeetingAttendee(models.Model):
    """A member of the team, or a guest from another organisation (a Losen user too)."""

    meeting = models.ForeignKey(TeamMeeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="meeting_attendances",
        verbose_name=_("attendee"),
    )
    # The organisation the attendee comes from: consent is checked against it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    is_guest = models.BooleanField(_("guest"), default=False)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendee_unique_user"),
        ]

    def __str__(self) -> str:
        return str(self.user)


class MeetingInvitation(models.Model):
    """An invitation by e-mail address to attend a meeting as a guest: one per address typed.

    Kept whoever the address belongs to (a user of another organisation, a colleague of
    the team's own organisation, or no one), and shown to the team the same way until
    it is answered, so the team cannot learn from it who works where. Only the owner
    of the address, when they are a user in another organisation, sees it and answers
    (`invitations_for` matches it to them by address whenever they open their work list
    or the meetings page, so an address that becomes a user later is matched then).
    Accepting makes them a guest attendee; until then the team sees only the address.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("invited")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    meeting = models.ForeignKey(TeamMeeting, on_delete=models.CASCADE, related_name="invitations")
    # Lower-cased: an address is matched to a user case-insensitively.
    email = models.EmailField(_("e-mail address"))
    status = models.CharField(
        _("answer"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_invitations_answered",
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")
        ordering = ["meeting", "email"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "email"], name="invitation_unique_email"),
            models.CheckConstraint(
                condition=models.Q(status="pending")
                | models.Q(answered_by__isnull=False, answered_at__isnull=False),
                name="invitation_answered_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["email", "status"], name="invitation_email_status")]

    def __str__(self) -> str:
        return f"{self.meeting} {self.email}"


class Decision(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    WAITING_LIST = "waiting_list", _("Put on the waiting list")
    REDIRECT = "redirect", _("Redirect to another service")
    MORE_INFORMATION = "more_information", _("Ask for more information")


class AgendaItem(models.Model):
    class Reason(models.TextChoices):
        NEW_APPLICATION = "new_application", _("New application")
        FLAGGED = "flagged", _("Flagged for discussion")

    meeting = models.ForeignKey(TeamMeeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    reason = models.CharField(_("why on the agenda"), max_length=20, choices=Reason.choices)
    position = models.PositiveIntegerField(default=0)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact person"),
    )
    redirect_to = models.CharField(_("redirected to"), max_length=200, blank=True)
    redirect_reason = models.TextField(_("why redirected"), blank=True)
    note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="agendaitem_unique_case"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} #{self.position}"


class TeamPartner(models.Model):
    """Someone of another organisation who takes part in the team's meetings regularly.

    A partner is seated as a guest in every meeting the team calls from then on (and in
    the coming ones when named): what they see of each item is governed by consent to
    their organisation, as for any guest.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="partners")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("partner"),
    )
    # The organisation the partner comes from: consent is checked against it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("partner of the team")
        verbose_name_plural = _("partners of the team")
        ordering = ["user__full_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_partner_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.team})"
