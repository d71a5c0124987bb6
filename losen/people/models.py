"""The young person, their guardians, and the teams that follow them."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Country, Organisation, Team


class Language(models.TextChoices):
    NORWEGIAN_BOKMAL = "nb", _("Norwegian Bokmål")
    NORWEGIAN_NYNORSK = "nn", _("Norwegian Nynorsk")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")
    ARABIC = "ar", _("Arabic")
    SOMALI = "so", _("Somali")
    TIGRINYA = "ti", _("Tigrinya")
    POLISH = "pl", _("Polish")
    UKRAINIAN = "uk", _("Ukrainian")
    OTHER = "other", _("Other")


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class Person(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("organisation"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    # The identity number is never stored in the clear: see losen/lib/crypto.py.
    id_number_encrypted = models.TextField(blank=True, default="", editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    id_number_kind = models.CharField(max_length=20, blank=True, default="", editable=False)
    id_number_masked = models.CharField(max_length=20, blank=True, default="", editable=False)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, choices=Country.choices, default=Country.NORWAY
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=Language.choices,
        default=Language.NORWEGIAN_BOKMAL,
    )
    teams: models.ManyToManyField = models.ManyToManyField(
        Team, through="Follow", related_name="people", verbose_name=_("followed by")
    )
    # Incremented by every update: two people editing the same record cannot
    # overwrite each other (see actions.do_update_person).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("young person")
        verbose_name_plural = _("young people")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "id_number_hash"],
                condition=~models.Q(id_number_hash=""),
                name="person_unique_id_number_in_organisation",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "last_name", "first_name"], name="person_org_name"
            ),
            models.Index(fields=["organisation", "birth_date"], name="person_org_birth"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age(self, day: datetime.date | None = None) -> int:
        return age_on(self.birth_date, day or timezone.localdate())

    @property
    def is_minor(self) -> bool:
        return self.age() < 18

    @property
    def has_identity_number(self) -> bool:
        return bool(self.id_number_hash)

    def masked_identity_number(self) -> str:
        return self.id_number_masked


class Guardian(models.Model):
    class Relation(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        PARENT = "parent", _("Parent")
        APPOINTED = "appointed", _("Appointed guardian")
        OTHER = "other", _("Other")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="guardians", verbose_name=_("young person")
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(
        _("relation"), max_length=20, choices=Relation.choices, default=Relation.PARENT
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Follow(models.Model):
    """A team follows a person; the team's coordinators can then see them."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="follows")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="follows")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    since = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("team following")
        verbose_name_plural = _("teams following")
        constraints = [
            models.UniqueConstraint(fields=["person", "team"], name="follow_unique_team"),
        ]
        indexes = [models.Index(fields=["team", "person"], name="follow_team_person")]

    def __str__(self) -> str:
        return f"{self.team} → {self.person_id}"
