"""Measures and staircases, enrolments with their waiting lists, sessions and attendance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation
from losen.cases.models import Case


class Staircase(models.Model):
    """An organisation's ordered steps of measures (tiltakstrapp)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="staircases",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("staircase")
        verbose_name_plural = _("staircases")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="staircase_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    class Kind(models.TextChoices):
        OUTREACH = "outreach", _("Outreach")
        MEETING_PLACE = "meeting_place", _("Meeting place")
        CLARIFICATION = "clarification", _("Clarification")
        QUALIFICATION = "qualification", _("Qualification")
        COURSE = "course", _("Course")
        WORK_TRAINING = "work_training", _("Work training")
        INDIVIDUAL_FOLLOW_UP = "individual_follow_up", _("Individual follow-up")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    planned_weeks = models.PositiveIntegerField(
        _("planned duration (weeks)"), null=True, blank=True
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Places at a time; empty for no limit.")
    )
    monthly_cost = models.DecimalField(
        _("cost per participant per month"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    staircase = models.ForeignKey(
        Staircase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("staircase"),
    )
    step = models.PositiveSmallIntegerField(_("step in the staircase"), null=True, blank=True)
    # Staffing, for adults per six young people (voksentetthet) in the results.
    adults = models.DecimalField(
        _("adults (staff and volunteers)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["staircase__name", "step", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="measure_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("On the waiting list")
        ACTIVE = "active", _("Taking part")
        ENDED = "ended", _("Ended")

    class EndReason(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        MOVED_UP = "moved_up", _("Moved up the staircase")
        DROPPED_OUT = "dropped_out", _("Dropped out")
        CASE_ENDED = "case_ended", _("The case ended")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="enrolments")
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("measure")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    waitlisted_at = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)
    start_on = models.DateField(_("start"), null=True, blank=True)
    planned_end_on = models.DateField(_("planned end"), null=True, blank=True)
    end_on = models.DateField(_("actual end"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=20, choices=EndReason.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-start_on", "waitlisted_at", "id"]
        indexes = [
            models.Index(fields=["measure", "status", "waitlisted_at"], name="enrolment_queue"),
            models.Index(fields=["case", "status"], name="enrolment_case_status"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} ({self.get_status_display()})"


class Session(models.Model):
    """One meeting of a course or group measure (samling)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.measure} {self.number}"


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.enrolment_id} {self.present}"
