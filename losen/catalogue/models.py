"""The catalogue of measures: what organisations publish for referral, and what NAV offices
reported.

A `Listing` is an organisation's own measure (programs.Measure) put in the catalogue: the
measure gives its name, description, kind, duration, capacity and cost; the listing adds
what someone who refers needs to know (for whom, how it works, where, how to refer) and
whether the organisation takes referrals now. Its free places and waiting list are not
stored: they are read from the enrolments when the catalogue is shown.

A `ReportedMeasure` is a row of NAV offices' grant reports (seed 004, 2022): reported
knowledge of what exists and what it achieved, never a place to refer to. Its answers
keep the confidence with which each was read from the report.

Both keep a folded copy of their words (`search_text`, losen.lib.search) for the search.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation
from losen.catalogue.regions import NORWEGIAN_COUNTIES, SWEDISH_COUNTIES
from losen.programs.models import Measure

COUNTY_CHOICES = [
    (_("Norway"), [(name, name) for name in NORWEGIAN_COUNTIES]),
    (_("Sweden"), [(name, name) for name in SWEDISH_COUNTIES]),
]


class Availability(models.TextChoices):
    OPEN = "open", _("Open: places free")
    WAITING_LIST = "waiting_list", _("Full: waiting list")
    CLOSED = "closed", _("Closed: takes no referrals now")


class Listing(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    measure = models.OneToOneField(
        Measure, on_delete=models.CASCADE, related_name="listing", verbose_name=_("measure")
    )
    target_group = models.TextField(
        _("target group"), help_text=_("Who the measure is for: their situation and needs.")
    )
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    method = models.TextField(
        _("method"), blank=True, help_text=_("How the measure works with the young people.")
    )
    municipality = models.CharField(
        _("municipality"),
        max_length=100,
        help_text=_("Where the measure is offered; several may be named, separated by commas."),
    )
    county = models.CharField(_("county"), max_length=60, choices=COUNTY_CHOICES)
    how_to_refer = models.TextField(
        _("how to refer"),
        help_text=_("Whom to contact, what the referral should say, what consent is needed."),
    )
    taking_referrals = models.BooleanField(
        _("takes referrals"),
        default=True,
        help_text=_("Untick to show the measure as closed for referrals for now."),
    )
    published_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Two editors of one listing: the second save is refused (losen.lib.errors.StaleEdit).
    version = models.PositiveIntegerField(default=1, editable=False)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("catalogue listing")
        verbose_name_plural = _("catalogue listings")
        ordering = ["measure__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="listing_ages_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.measure.name


# The grant report's questions (seed 004) in the order a reader wants them.
QUESTIONS = (
    ("target_group", _("Target group")),
    ("measure", _("What the measure does")),
    ("develops", _("What it develops")),
    ("achieved", _("What was achieved")),
    ("goal_measurement", _("How goal achievement was examined")),
    ("law_sections", _("Sections of the Social Services Act")),
    ("partners", _("Collaboration with others")),
    ("interest_from_others", _("Interest from others")),
    ("trial_elsewhere", _("To be tried elsewhere")),
    ("challenges", _("The main challenges")),
    ("success_factors", _("The main success factors")),
    ("continue_yes", _("Continued, through")),
    ("continue_no", _("Not continued, because")),
)


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    confidence: str


class ReportedMeasure(models.Model):
    class ReportType(models.TextChoices):
        STATUS = "status", _("Status report")
        FINAL = "final", _("Final report (no further grant)")

    class Confidence(models.TextChoices):
        HIGH = "high", _("high")
        MEDIUM = "medium", _("medium")
        LOW = "low", _("low")

    # The row's number in the source file, which keeps the order of the report's table.
    source_id = models.PositiveIntegerField(unique=True)
    source_page = models.PositiveSmallIntegerField()
    name = models.CharField(_("name"), max_length=300)
    office = models.CharField(_("NAV office"), max_length=300)
    county = models.CharField(_("county"), max_length=60)
    report_type = models.CharField(
        _("report type"), max_length=10, choices=ReportType.choices, blank=True
    )
    # {question key: {"text": ..., "confidence": "high" | "medium" | "low"}}, as read.
    answers = models.JSONField(default=dict)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("reported NAV measure")
        verbose_name_plural = _("reported NAV measures")
        ordering = ["name", "source_id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.office_name})"

    @property
    def office_name(self) -> str:
        """The office as NAV names it: "NAV Lurøy" (the report writes "Lurøy" or "Nav Lurøy")."""
        if self.office.casefold().startswith("nav "):
            return "NAV " + self.office[4:]
        return f"NAV {self.office}"

    def shown_answers(self) -> list[Answer]:
        """The report's answers in the order of QUESTIONS, each with how sure its reading is."""
        confidence = dict(self.Confidence.choices)
        shown = []
        for key, question in QUESTIONS:
            found = self.answers.get(key) or {}
            if found.get("text"):
                level = confidence.get(found.get("confidence", ""), "")
                shown.append(Answer(str(question), found["text"], str(level)))
        return shown
