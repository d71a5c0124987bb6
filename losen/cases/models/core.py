"""The case (forløp) and its append-only event log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation, Team
from losen.people.models import Person


class CaseState(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ASSESSMENT = "assessment", _("Under assessment")
    ACCEPTED = "accepted", _("Accepted")
    WAITING_LIST = "waiting_list", _("On the waiting list")
    REDIRECTED = "redirected", _("Redirected")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


# Which state may follow which; every transition is an action with a case event.
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseState.REFERRED: frozenset(
        {CaseState.ASSESSMENT, CaseState.ACCEPTED, CaseState.WAITING_LIST, CaseState.REDIRECTED}
    ),
    CaseState.ASSESSMENT: frozenset(
        {CaseState.ACCEPTED, CaseState.WAITING_LIST, CaseState.REDIRECTED}
    ),
    CaseState.WAITING_LIST: frozenset(
        {CaseState.ASSESSMENT, CaseState.ACCEPTED, CaseState.REDIRECTED}
    ),
    CaseState.ACCEPTED: frozenset({CaseState.ACTIVE, CaseState.ENDED}),
    CaseState.ACTIVE: frozenset({CaseState.ENDED}),
    CaseState.REDIRECTED: frozenset(),
    CaseState.ENDED: frozenset(),
}
OPEN_STATES = (
    CaseState.REFERRED,
    CaseState.ASSESSMENT,
    CaseState.ACCEPTED,
    CaseState.WAITING_LIST,
    CaseState.ACTIVE,
)


class Case(models.Model):
    """One young person's course through a team's follow-up, from referral to exit."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("organisation")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="cases", verbose_name=_("team")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_("young person")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=CaseState.choices, default=CaseState.REFERRED
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_cases",
        verbose_name=_("contact person"),
    )
    flagged_for_meeting = models.BooleanField(_("flagged for the team meeting"), default=False)
    flag_reason = models.CharField(_("why it is flagged"), max_length=300, blank=True)
    opened_on = models.DateField(_("opened"), default=timezone.localdate)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    # Remaining right to upper secondary education (Norway), as the coordinator records it.
    school_years_used = models.DecimalField(
        _("years of upper secondary used"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    school_years_left = models.DecimalField(
        _("years of upper secondary left"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["team", "state"], name="case_team_state"),
            models.Index(fields=["contact_person", "state"], name="case_contact_state"),
            models.Index(fields=["organisation", "opened_on"], name="case_org_opened"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_state_display()})"

    def can_move_to(self, state: str) -> bool:
        return state in TRANSITIONS[self.state]


class EventKind(models.TextChoices):
    REFERRED = "referred", _("Referred")
    STATE_CHANGED = "state_changed", _("State changed")
    APPLICATION_SIGNED = "application_signed", _("Application signed")
    CONSENT_GIVEN = "consent_given", _("Consent given")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    DECISION = "decision", _("Team meeting decision")
    CONTACT_PERSON_ASSIGNED = "contact_person_assigned", _("Contact person assigned")
    CATEGORY_SET = "category_set", _("Category set")
    MAPPING_RECORDED = "mapping_recorded", _("Mapping recorded")
    PLAN_CHANGED = "plan_changed", _("Action plan changed")
    SCHOOL_RIGHTS_RECORDED = "school_rights_recorded", _("School rights recorded")
    ENROLMENT_WAITLISTED = "enrolment_waitlisted", _("Put on a measure's waiting list")
    ENROLMENT_STARTED = "enrolment_started", _("Enrolment started")
    ENROLMENT_ENDED = "enrolment_ended", _("Enrolment ended")
    EXIT = "exit", _("Exit")
    FOLLOW_UP_REGISTERED = "follow_up_registered", _("Follow-up registered")
    CORRECTION = "correction", _("Correction")
    # A referral to another organisation sent, and what that organisation reported back
    # (losen/exchange).
    REFERRED_OUT = "referred_out", _("Referred to another organisation")
    REPORTED_BACK = "reported_back", _("Reported by the receiving organisation")


class ReportKind(models.TextChoices):
    """What an organisation a case was referred to can report back (EventKind.REPORTED_BACK)."""

    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WAITING_LIST = "waiting_list", _("Put on the waiting list")
    STARTED = "started", _("Started in the measure")
    MOVED_UP = "moved_up", _("Moved up the staircase")
    ATTENDANCE = "attendance", _("Attendance in the month")
    PAUSED = "paused", _("Paused")
    RESUMED = "resumed", _("Resumed after a pause")
    NOTE = "note", _("Status note")
    ENDED = "ended", _("Exit")
    FOLLOW_UP = "follow_up", _("Follow-up after the exit")


class CaseEventQuerySet(models.QuerySet):
    """No bulk rewriting of history: `update()` and `delete()` refuse.

    Only a retention rule removes events, and it says so by calling `purge()`.
    """

    def update(self, **kwargs):
        raise ValueError("Case events are append-only: record a correction instead.")

    def delete(self):
        raise ValueError("Case events are append-only: only a retention rule may purge them.")

    def purge(self):
        return super().delete()


class CaseEvent(models.Model):
    """Append-only: what happened in a case, when it took effect, and who recorded it.

    Reports and timelines read these, never the case's current state. An event is
    never edited or deleted; a correction is a new event that points to the one it
    corrects.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    # The day it took effect (may be back-dated), and the moment it was recorded.
    effective_on = models.DateField(_("took effect"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # Structured detail: {"from": "referred", "to": "accepted"}, {"category": 2}, ...
    data = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["effective_on", "recorded_at", "id"]
        indexes = [
            models.Index(fields=["case", "effective_on"], name="caseevent_case_effective"),
            models.Index(
                fields=["organisation", "kind", "effective_on"], name="caseevent_org_kind"
            ),
            # Results read each case's milestones from this index alone (no table rows):
            # losen.reports.milestones.
            models.Index(
                fields=["organisation", "kind", "case", "effective_on", "recorded_at"],
                condition=models.Q(corrects__isnull=True),
                name="caseevent_milestones",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effective_on} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Case events are append-only: record a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Case events are append-only.")
