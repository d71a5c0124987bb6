"""Users, organisations (tenants), teams and memberships with roles."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.audit.actors import SYSTEM_USERS


class Country(models.TextChoices):
    NORWAY = "NO", _("Norway")
    SWEDEN = "SE", _("Sweden")


class Language(models.TextChoices):
    """The interface languages (settings.LANGUAGES), for a user's or an organisation's choice."""

    NORWEGIAN_BOKMAL = "nb", _("Norwegian Bokmål")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")


class Organisation(models.Model):
    """A tenant: every row of personal data carries one."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        NAV_OFFICE = "nav_office", _("NAV office")
        COUNTY = "county", _("County (follow-up service)")
        PROVIDER = "provider", _("Provider")
        FUNDER = "funder", _("Funder")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    org_number = models.CharField(
        _("organisation number"),
        max_length=20,
        blank=True,
        help_text=_(
            "Norwegian organisation number (9 digits) or Swedish organisationsnummer; "
            "empty for a group without one."
        ),
    )
    default_language = models.CharField(
        _("default language"),
        max_length=8,
        choices=Language.choices,
        blank=True,
        help_text=_(
            "The interface language of the organisation's users who have not chosen one "
            "themselves. Empty: the language of each user's browser."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "org_number"],
                condition=~models.Q(org_number=""),
                name="organisation_unique_org_number",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from losen.lib.orgnumbers import InvalidOrganisationNumber, normalize_organisation_number

        if self.org_number and self.country:
            try:
                self.org_number = normalize_organisation_number(self.org_number, self.country)
            except InvalidOrganisationNumber as exc:
                raise ValidationError({"org_number": exc.message}) from exc


class Team(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="teams", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    # Printed on every outreach letter and SMS: the young person (or a guardian) must be
    # able to call back without answering a message from an unknown number.
    phone = models.CharField(
        _("phone number to call back"),
        max_length=30,
        blank=True,
        help_text=_("The team's number, printed on outreach letters and SMS."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who works in Losen. Logs in with e-mail address and password."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=Language.choices,
        blank=True,
        help_text=_(
            "The interface language for this user, in the pages and in e-mails and files "
            "made for them. Empty: the organisation's default language."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("can use the administration"),
        default=False,
        help_text=_("Organisation administrators need this to open the administration pages."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name()

    def get_full_name(self) -> str:
        if self.email in SYSTEM_USERS:
            return str(SYSTEM_USERS[self.email][1])
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.get_full_name().split(" ")[0]


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    TEAM_LEAD = "team_lead", _("Team lead")
    MANAGER = "manager", _("Manager (aggregates only)")
    VOLUNTEER = "volunteer", _("Volunteer (sessions only)")
    FUNDER = "funder", _("Funder")
    # In a payer's organisation: verifies the claims of its outcome contracts.
    VERIFIER = "verifier", _("Verifier of outcome claims")
    ADMIN = "admin", _("Organisation administrator")


# Roles that belong to a team; the others may be held for the whole organisation.
TEAM_ROLES = (Role.COORDINATOR, Role.TEAM_LEAD, Role.VOLUNTEER)
# Roles that work with individual young people (and so may read their records).
CASEWORK_ROLES = (Role.COORDINATOR, Role.TEAM_LEAD)


class Membership(models.Model):
    """Gives a user a role in a team, or (manager, funder, admin) in a whole organisation."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("team"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "team__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "team", "role"],
                condition=models.Q(team__isnull=False),
                name="membership_unique_team_role",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(team__isnull=True),
                name="membership_unique_organisation_role",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=[r.value for r in TEAM_ROLES])
                | models.Q(team__isnull=False),
                name="membership_team_role_needs_team",
            ),
        ]

    def __str__(self) -> str:
        where = self.team.name if self.team is not None else self.organisation.name
        return f"{self.user} – {self.get_role_display()} – {where}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.role in TEAM_ROLES and not self.team_id:
            raise ValidationError({"team": _("This role belongs to a team: choose one.")})
        if (
            self.team is not None
            and self.organisation_id
            and self.team.organisation_id != self.organisation_id
        ):
            raise ValidationError({"team": _("The team belongs to another organisation.")})
