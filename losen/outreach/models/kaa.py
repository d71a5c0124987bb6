"""The KAA register's own tables, limited to what förordning (2006:39), 4 §, allows.

The förordning is "förordning (2006:39) om register och dokumentation vid fullgörandet
av kommunernas aktivitetsansvar för ungdomar" (its title since SFS 2014:1382, in force
1 January 2015), under 29 kap. 9 § skollagen (2010:800). Swedish coordination numbers
are given under lag (2022:1697) om samordningsnummer (in force 1 September 2023).

4 § lets the municipality's register over young people under the activity duty hold:
name; personnummer or samordningsnummer; contact details; past, present and planned
occupation; and the individual measures. Name, number and contact details are the
Person's (people app); past and present occupation are the school status on the list and
the KAA status history (StatusChange); planned occupation is KaaRecord; the measures are
KaaMeasure (with whether the young person declined one offered), with their history in
KaaMeasureVersion. When the responsibility began and ended, and why, is the target-list
entry's (TargetEntry: listed_on, left_on, left_reason), and contact made is its
reached_on.

`PARAGRAPH_4` below is the whitelist: for each KAA model, every field it may have, and
which item of 4 § (or which piece of bookkeeping) it belongs to. The model layer holds
to it three ways:

* a system check (losen.outreach.E001) fails when a model has a field not on the list;
* `save()` refuses an instance carrying any other attribute (say ``diagnosis``), instead
  of dropping it silently, and refuses `update_fields` outside the list;
* a measure's history snapshot may only hold the measure's own listed fields.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation
from losen.outreach.models.lists import TargetEntry

# Item of 4 § (or bookkeeping) for each field of each KAA model.
BOOKKEEPING = "bookkeeping (who recorded it, when; tenant and links)"
PARAGRAPH_4: dict[str, dict[str, str]] = {
    "KaaRecord": {
        "id": BOOKKEEPING,
        "organisation": BOOKKEEPING,
        "entry": BOOKKEEPING,
        "planned_occupation": "planned occupation",
        "planned_occupation_text": "planned occupation",
        "planned_from": "planned occupation",
        "version": BOOKKEEPING,
        "updated_at": BOOKKEEPING,
        "updated_by": BOOKKEEPING,
    },
    "KaaMeasure": {
        "id": BOOKKEEPING,
        "organisation": BOOKKEEPING,
        "entry": BOOKKEEPING,
        "plan": "individual measures: the individual plan",
        "goal": "individual measures: the plan's goal",
        "youth_responsibility": "individual measures: what the young person is responsible for",
        "municipality_responsibility": "individual measures: what the municipality does",
        "other_actor": "individual measures: another actor",
        "other_actor_responsibility": "individual measures: what the other actor does",
        "start_on": "individual measures: start",
        "end_on": "individual measures: end",
        "end_reason": "individual measures: why it ended",
        "declined": "individual measures: offered, and declined by the young person",
        "follow_up_dates": "individual measures: follow-up dates",
        "version": BOOKKEEPING,
        "created_at": BOOKKEEPING,
        "created_by": BOOKKEEPING,
        "updated_at": BOOKKEEPING,
        "updated_by": BOOKKEEPING,
    },
    "KaaMeasureVersion": {
        "id": BOOKKEEPING,
        "organisation": BOOKKEEPING,
        "measure": BOOKKEEPING,
        "version": BOOKKEEPING,
        "values": "individual measures: the measure's earlier values (its listed fields only)",
        "changed_at": BOOKKEEPING,
        "changed_by": BOOKKEEPING,
    },
    # Shared with OT, but for KAA entries it is the register's past and present occupation.
    "StatusChange": {
        "id": BOOKKEEPING,
        "organisation": BOOKKEEPING,
        "entry": BOOKKEEPING,
        "scheme": BOOKKEEPING,
        "code": "present occupation (category)",
        "code_list_version": BOOKKEEPING,
        "effective_on": "past and present occupation: from when",
        "recorded_at": BOOKKEEPING,
        "recorded_by": BOOKKEEPING,
    },
}

# A measure's content: what its history keeps.
MEASURE_CONTENT = (
    "plan",
    "goal",
    "youth_responsibility",
    "municipality_responsibility",
    "other_actor",
    "other_actor_responsibility",
    "start_on",
    "end_on",
    "end_reason",
    "declined",
    "follow_up_dates",
)

SENSITIVE_DATA_WARNING = _(
    "Write only what the register may hold (förordning (2006:39), 4 §): the plan, "
    "responsibilities and occupation. Never health, diagnoses, ethnicity, religion, crime "
    "or family matters."
)


class NotAllowedInKaaRegister(ValueError):
    """Something outside förordning (2006:39), 4 §, was to be stored in the KAA register."""


def unlisted_fields(model: type[models.Model]) -> list[str]:
    """The model's fields that PARAGRAPH_4 does not list for it."""
    allowed = PARAGRAPH_4.get(model.__name__, {})
    return sorted(f.name for f in model._meta.get_fields() if f.concrete and f.name not in allowed)


class Paragraph4Model(models.Model):
    """Refuses to save anything that 4 § does not allow (see the module docstring)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        allowed = PARAGRAPH_4[type(self).__name__]
        attnames = {f.attname for f in self._meta.concrete_fields}
        extra = sorted(k for k in vars(self) if not k.startswith("_") and k not in attnames)
        if extra:
            raise NotAllowedInKaaRegister(
                f"{type(self).__name__} cannot store {', '.join(extra)}: "
                "not allowed in the KAA register (förordning (2006:39), 4 §)."
            )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            outside = sorted(
                set(update_fields)
                - set(allowed)
                - {f.attname for f in self._meta.concrete_fields if f.name in allowed}
            )
            if outside:
                raise NotAllowedInKaaRegister(
                    f"{type(self).__name__} has no field {', '.join(outside)} in the KAA register."
                )
        super().save(*args, **kwargs)


class Occupation(models.TextChoices):
    STUDIES = "studies", _("Studies")
    WORK = "work", _("Work")
    MEASURE = "measure", _("Measure")
    OTHER = "other", _("Other")


class KaaRecord(Paragraph4Model):
    """The planned occupation of a person on the KAA list."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    entry = models.OneToOneField(TargetEntry, on_delete=models.PROTECT, related_name="kaa_record")
    planned_occupation = models.CharField(
        _("planned occupation"), max_length=20, choices=Occupation.choices, blank=True
    )
    planned_occupation_text = models.CharField(
        _("planned occupation, in words"),
        max_length=300,
        blank=True,
        help_text=SENSITIVE_DATA_WARNING,
    )
    planned_from = models.DateField(_("planned from"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("KAA register entry")
        verbose_name_plural = _("KAA register entries")

    def __str__(self) -> str:
        return f"KAA {self.entry_id}"


class MeasureEndReason(models.TextChoices):
    COMPLETED = "completed", _("The plan was completed")
    STUDIES = "studies", _("Started studies")
    WORK = "work", _("Started work")
    OTHER_MEASURE = "other_measure", _("Moved to another measure")
    DECLINED = "declined", _("The young person ended it")
    TURNED_20 = "turned_20", _("Turned 20")
    MOVED = "moved", _("Moved")
    OTHER = "other", _("Other")


class KaaMeasure(Paragraph4Model):
    """An individual measure (insats) for a person on the KAA list; changes keep history."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(TargetEntry, on_delete=models.PROTECT, related_name="kaa_measures")
    plan = models.TextField(_("individual plan"), help_text=SENSITIVE_DATA_WARNING)
    goal = models.TextField(_("goal of the plan"), help_text=SENSITIVE_DATA_WARNING)
    youth_responsibility = models.TextField(
        _("the young person is responsible for"), blank=True, help_text=SENSITIVE_DATA_WARNING
    )
    municipality_responsibility = models.TextField(
        _("the municipality is responsible for"), blank=True, help_text=SENSITIVE_DATA_WARNING
    )
    other_actor = models.CharField(_("other actor"), max_length=200, blank=True)
    other_actor_responsibility = models.TextField(
        _("the other actor is responsible for"), blank=True, help_text=SENSITIVE_DATA_WARNING
    )
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason it ended"), max_length=20, choices=MeasureEndReason.choices, blank=True
    )
    declined = models.BooleanField(
        _("declined by the young person"),
        default=False,
        help_text=_("The measure was offered, and the young person said no."),
    )
    follow_up_dates = models.JSONField(_("follow-up dates"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("KAA measure")
        verbose_name_plural = _("KAA measures")
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True)
                | models.Q(end_on__gte=models.F("start_on")),
                name="kaameasure_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"KAA measure {self.pk} ({self.start_on})"

    def content(self) -> dict[str, object]:
        values = {name: getattr(self, name) for name in MEASURE_CONTENT}
        for name in ("start_on", "end_on"):
            values[name] = values[name].isoformat() if values[name] else None
        return values


class KaaMeasureVersion(Paragraph4Model):
    """A measure as it was before a change (its listed fields only)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(KaaMeasure, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    values = models.JSONField()
    changed_at = models.DateTimeField(default=timezone.now, editable=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("earlier version of a KAA measure")
        verbose_name_plural = _("earlier versions of KAA measures")
        ordering = ["measure", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "version"], name="kaameasureversion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} v{self.version}"

    def save(self, *args, **kwargs) -> None:
        outside = sorted(set(self.values) - set(MEASURE_CONTENT))
        if outside:
            raise NotAllowedInKaaRegister(
                f"A measure's history cannot hold {', '.join(outside)} (förordning (2006:39), 4 §)."
            )
        super().save(*args, **kwargs)
