"""Target lists: the lists received, who is on them, and each person's status over time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation, Team
from losen.outreach import statuses
from losen.people.models import Person


class Scheme(models.TextChoices):
    KAA = "kaa", _("KAA (Swedish municipal activity duty)")
    OT = "ot", _("OT (Norwegian follow-up service)")


class SchoolStatus(models.TextChoices):
    DROPPED_OUT = "dropped_out", _("Dropped out")
    STUDIEBEVIS = "studiebevis", _("Left with a certificate of studies (studiebevis)")
    NEVER_STARTED = "never_started", _("Never started")
    INTRODUCTION_PROGRAMME = "introduction_programme", _("Introduction programme")
    OTHER = "other", _("Other")


class LeaveReason(models.TextChoices):
    TURNED_20 = "turned_20", _("Turned 20")
    AGE_WINDOW = "age_window", _("Outside the age window")
    INTRODUCTION_PROGRAMME = "introduction_programme", _("In an introduction programme")
    NATIONAL_PROGRAMME_STARTED = "national_started", _("Started a national programme")
    NATIONAL_PROGRAMME_COMPLETED = "national_completed", _("Completed a national programme")
    MOVED = "moved", _("Moved")
    NOT_ON_LIST = "not_on_list", _("No longer on the list (reason not yet known)")
    OTHER = "other", _("Other reason")


class ListImport(models.Model):
    """One list received for a period (a file), imported all or nothing.

    The import writes a chunk of rows per transaction (losen/outreach/importer.py), so
    pages are not kept waiting on SQLite; until its state is complete the list, its
    entries and the people it registered are shown to nobody.
    """

    class State(models.TextChoices):
        RUNNING = "running", _("being imported")
        COMPLETE = "complete", _("imported")
        FAILED = "failed", _("failed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    scheme = models.CharField(_("scheme"), max_length=3, choices=Scheme.choices)
    received_on = models.DateField(_("received"))
    file_name = models.CharField(_("file"), max_length=255)
    # Of the checked rows (not the bytes): the same list saved again is the same list.
    digest = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    stayed = models.PositiveIntegerField(_("still on the list"), default=0)
    left = models.PositiveIntegerField(_("left the list"), default=0)
    excluded = models.PositiveIntegerField(_("outside the target group"), default=0)
    people_created = models.PositiveIntegerField(_("people registered"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now, editable=False)
    # Lists imported before chunked imports were complete when they were committed.
    state = models.CharField(max_length=10, choices=State.choices, default=State.COMPLETE)
    # Touched after every chunk: a running import silent for long has been abandoned.
    alive_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("target list")
        verbose_name_plural = _("target lists")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "scheme", "received_on", "digest"],
                name="listimport_unique_list",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.received_on} ({self.file_name})"


class TargetEntryQuerySet(models.QuerySet):
    def shown(self) -> TargetEntryQuerySet:
        """Without the entries of a list that is not completely imported."""
        return self.exclude(
            list_import__in=ListImport.objects.exclude(state=ListImport.State.COMPLETE).values("pk")
        )


class TargetEntry(models.Model):
    """A person's time in a target group: from the list that brought them to leaving it.

    The ladder's progress is kept here (`step_index`, `last_attempt_on`) so the daily
    queue is one query; the attempts themselves are ContactAttempt rows.

    A list import writes many of these at once, so foreign keys that the composite
    indexes below already lead with (or that nothing looks up by) have no index of their
    own: every index is written for every row.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"), db_index=False
    )
    scheme = models.CharField(_("scheme"), max_length=3, choices=Scheme.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="target_entries")
    school_status = models.CharField(
        _("school status"), max_length=30, choices=SchoolStatus.choices
    )
    listed_on = models.DateField(_("on the list from"))
    list_import = models.ForeignKey(
        ListImport, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
        db_index=False,
    )
    # The next step of the ladder (an index into the ladder's steps; past the end when
    # every step has been tried) and the day of the last unanswered attempt.
    step_index = models.PositiveSmallIntegerField(default=0)
    last_attempt_on = models.DateField(null=True, blank=True)
    first_attempt_on = models.DateField(_("first attempt"), null=True, blank=True)
    reached_on = models.DateField(_("contact made"), null=True, blank=True)
    # The case opened when the person was referred from outreach (turned into a referral).
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    left_on = models.DateField(_("left the list"), null=True, blank=True)
    left_reason = models.CharField(
        _("reason for leaving"), max_length=30, choices=LeaveReason.choices, blank=True
    )
    left_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = TargetEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("person on a target list")
        verbose_name_plural = _("people on target lists")
        ordering = ["listed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "scheme", "person"],
                condition=models.Q(left_on__isnull=True),
                name="targetentry_one_open_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "scheme", "left_on"], name="targetentry_org_open"),
            models.Index(fields=["team", "reached_on"], name="targetentry_team_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.person_id} {self.listed_on}"


class MembershipChange(models.TextChoices):
    NEW = "new", _("New")
    STAYED = "stayed", _("Still on the list")
    LEFT = "left", _("Left the list")
    EXCLUDED = "excluded", _("Outside the target group")


class ListMembership(models.Model):
    """What one import said about one person: new, still there, left (and why)."""

    # Indexed by listmembership_import_change (list_import leads it).
    list_import = models.ForeignKey(
        ListImport, on_delete=models.CASCADE, related_name="members", db_index=False
    )
    entry = models.ForeignKey(
        TargetEntry, on_delete=models.CASCADE, null=True, related_name="memberships"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    change = models.CharField(max_length=10, choices=MembershipChange.choices)
    reason = models.CharField(max_length=30, choices=LeaveReason.choices, blank=True)
    line = models.PositiveIntegerField(null=True)

    class Meta:
        verbose_name = _("list row")
        verbose_name_plural = _("list rows")
        ordering = ["list_import", "line", "id"]
        indexes = [
            models.Index(fields=["list_import", "change"], name="listmembership_import_change")
        ]

    def __str__(self) -> str:
        return f"{self.list_import_id} {self.person_id} {self.change}"


class StatusChange(models.Model):
    """A status from a day on (OT code or KAA category); append-only.

    `effective_on` is the day it took effect, `recorded_at` when Losen learnt it: a
    count at a cut-off date made at some moment reads only what was recorded by then,
    so it can be made again later and give the same figures.
    """

    # Indexed by the composite indexes below (each leads with one of them).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    entry = models.ForeignKey(
        TargetEntry, on_delete=models.PROTECT, related_name="statuses", db_index=False
    )
    scheme = models.CharField(max_length=3, choices=Scheme.choices)
    code = models.CharField(_("status"), max_length=10)
    code_list_version = models.CharField(max_length=10)
    effective_on = models.DateField(_("from"))
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        ordering = ["effective_on", "recorded_at", "id"]
        indexes = [
            models.Index(fields=["entry", "effective_on"], name="statuschange_entry_day"),
            models.Index(fields=["organisation", "scheme"], name="statuschange_org_scheme"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.effective_on}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Status changes are append-only: record a new one.")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """The status as the interface names it: "OTUK – Unknown activity", "Work"."""
        return str(
            dict(statuses.choices(self.scheme)).get(
                statuses.canonical(self.scheme, self.code), self.code
            )
        )


class PendingPerson(models.Model):
    """A person a list import registered, hidden until that import is complete.

    The import's last transaction deletes these rows; one that fails deletes the people.
    """

    list_import = models.ForeignKey(
        ListImport, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["list_import"], name="pendingperson_import")]

    def __str__(self) -> str:
        return f"{self.list_import_id} {self.person_id}"
