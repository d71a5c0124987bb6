"""The work inside a case: category, mapping, goals and action plan, journal."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation
from losen.cases.models.core import Case


class Category(models.IntegerChoices):
    """P 1824's four follow-up categories (Drammen, seed 001 slide 9)."""

    READY = 1, _("1 – Good enough prerequisites and motivation for active measures")
    UNMOTIVATED = 2, _("2 – Good enough prerequisites, but without will or motivation")
    MOTIVATED_LIMITED = 3, _("3 – Limited prerequisites, but with will and motivation")
    LIMITED = 4, _("4 – Large limitations, and limited prerequisites, will or motivation")


class CategoryAssessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="categories")
    category = models.PositiveSmallIntegerField(_("category"), choices=Category.choices)
    set_on = models.DateField(_("date"), default=timezone.localdate)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    note = models.TextField(_("reasoning"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["-set_on", "-id"]

    def __str__(self) -> str:
        return f"{self.category} ({self.set_on})"


class MappingDomain(models.TextChoices):
    EDUCATION = "education", _("Education")
    WORK = "work", _("Work")
    HEALTH = "health", _("Health")
    HOUSING = "housing", _("Housing")
    ECONOMY = "economy", _("Economy")
    SOCIAL_NETWORK = "social_network", _("Social network")
    DAILY_RHYTHM = "daily_rhythm", _("Daily rhythm")


class MappingAspect(models.TextChoices):
    RESOURCES = "resources", _("Resources")
    NEEDS = "needs", _("Needs")
    MOTIVATION = "motivation", _("Motivation")


SCORE_MIN, SCORE_MAX = 1, 5


class Mapping(models.Model):
    """One mapping (kartlegging); repeated mappings show change over time."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="mappings")
    mapped_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("mapping")
        verbose_name_plural = _("mappings")
        ordering = ["mapped_on", "id"]

    def __str__(self) -> str:
        return f"mapping {self.mapped_on}"


class MappingScore(models.Model):
    """A score on the scale 1–5, by the young person and by the coordinator."""

    mapping = models.ForeignKey(Mapping, on_delete=models.CASCADE, related_name="scores")
    domain = models.CharField(_("domain"), max_length=20, choices=MappingDomain.choices)
    aspect = models.CharField(_("aspect"), max_length=20, choices=MappingAspect.choices)
    youth_score = models.PositiveSmallIntegerField(
        _("the young person's score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    coordinator_score = models.PositiveSmallIntegerField(
        _("the coordinator's score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )

    class Meta:
        verbose_name = _("mapping score")
        verbose_name_plural = _("mapping scores")
        constraints = [
            models.UniqueConstraint(
                fields=["mapping", "domain", "aspect"], name="mappingscore_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain}/{self.aspect}"


class ActionPlan(models.Model):
    """The goals and steps of a case. Saving checks `version`: racing edits are refused."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="plan")
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return f"plan {self.case_id} v{self.version}"


class Goal(models.Model):
    class Kind(models.TextChoices):
        OUTCOME = "outcome", _("Outcome goal")
        DEVELOPMENT = "development", _("Development goal")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="goals")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("goal"), max_length=500)
    position = models.PositiveIntegerField(default=0)
    achieved_on = models.DateField(_("achieved"), null=True, blank=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class PlanStep(models.Model):
    class Owner(models.TextChoices):
        YOUTH = "youth", _("The young person")
        COORDINATOR = "coordinator", _("The coordinator")
        OTHER = "other", _("Another actor")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="steps")
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="steps",
        verbose_name=_("goal"),
    )
    text = models.CharField(_("step"), max_length=500)
    owner = models.CharField(_("who does it"), max_length=20, choices=Owner.choices)
    owner_name = models.CharField(_("the other actor"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["status", "deadline"], name="planstep_status_deadline")]

    def __str__(self) -> str:
        return self.text


class JournalNote(models.Model):
    """Visible to the case's team; a confidential note only to the contact person and team lead."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("note"))
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only the contact person and the team lead can read it."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("journal note")
        verbose_name_plural = _("journal notes")
        ordering = ["-written_on", "-id"]

    def __str__(self) -> str:
        return f"note {self.pk}"
