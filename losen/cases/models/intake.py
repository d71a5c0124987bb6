"""Referral, application and consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation, Team
from losen.cases.models.core import Case
from losen.people.models import Person


class ReferralSource(models.TextChoices):
    NAV = "nav", _("NAV")
    SCHOOL = "school", _("School")
    CHILD_WELFARE = "child_welfare", _("Child welfare")
    HEALTH = "health", _("Health services")
    SOCIAL_SERVICES = "social_services", _("Social services")
    COUNTY = "county", _("County (follow-up service)")
    RELATIVE = "relative", _("Relative")
    SELF = "self", _("The young person themself")
    OUTREACH = "outreach", _("Outreach")
    OTHER = "other", _("Other")


class Referral(models.Model):
    """A referral to `team`, filed with the team's case for the young person.

    When the identity number typed with a referral belongs to someone the referring team
    may not see, the referral is *passed on*: it waits, with no case, for a team that
    follows the person. Until one of them accepts it the referring team sees only what it
    typed (`typed_name`); accepting makes the referring team a follower and files the
    referral with its case. Declining leaves the record closed to the referring team.
    """

    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        PASSED_ON = "passed_on", _("Passed on, waiting for the team that follows the person")
        ACCEPTED = "accepted", _("Accepted by the team that follows the person")
        DECLINED = "declined", _("Declined by the team that follows the person")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("team")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    # None while a passed-on referral waits (and after it was declined).
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.FILED
    )
    # The name as the referring team typed it: all it sees of a passed-on referral.
    typed_name = models.CharField(_("name as typed"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=ReferralSource.choices)
    referrer_name = models.CharField(_("referrer's name"), max_length=200, blank=True)
    referrer_organisation = models.CharField(
        _("referrer's organisation"), max_length=200, blank=True
    )
    referrer_contact = models.CharField(_("referrer's phone or e-mail"), max_length=200, blank=True)
    reason = models.TextField(_("reason for the referral"))
    referred_on = models.DateField(_("referral date"), default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False)
                | models.Q(status__in=["passed_on", "declined"]),
                name="referral_case_unless_passed_on",
            ),
        ]
        indexes = [models.Index(fields=["status", "person"], name="referral_status_person")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.referred_on}"


class Application(models.Model):
    """The young person's signed application; under 18 a guardian signs too."""

    class Method(models.TextChoices):
        ON_SCREEN = "on_screen", _("Signed on screen in the person's presence")
        PAPER = "paper", _("Signed on paper (uploaded)")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="application")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(
        _("how it was signed"), max_length=20, choices=Method.choices, blank=True
    )
    youth_signed_name = models.CharField(
        _("signed by the young person"), max_length=200, blank=True
    )
    youth_signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    guardian_signed_name = models.CharField(_("signed by the guardian"), max_length=200, blank=True)
    guardian_signed_at = models.DateTimeField(_("guardian signed at"), null=True, blank=True)
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("witnessed by"),
    )
    paper = models.FileField(_("signed paper"), upload_to="applications/%Y/", blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"application {self.case_id}"

    @property
    def is_signed(self) -> bool:
        return self.youth_signed_at is not None


class ConsentPurpose(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up and coordination of measures")
    TEAM_MEETING = "team_meeting", _("Discussion in the team meeting")
    INFORMATION_SHARING = "information_sharing", _("Sharing of information")
    # A referral to another organisation, and its reports back while the consent lasts
    # (losen/exchange): the fields it lets cross are listed in Consent.shared_fields.
    REFERRAL = "referral", _("Referral and follow-up")
    # The payer of an outcome contract sees the young person's name on the claims
    # (losen/contracts); without it the payer sees a pseudonym.
    OUTCOME_VERIFICATION = "outcome_verification", _("Verification of outcomes by the payer")


class ConsentRecipient(models.TextChoices):
    NAV = "nav", _("NAV")
    SCHOOL = "school", _("The school")
    HEALTH = "health", _("Health services")
    ORGANISATION = "organisation", _("A named organisation")
    MEETING_MEMBERS = "meeting_members", _("The team meeting's members from other organisations")


class Consent(models.Model):
    """Consent is data: scope (purpose, recipient), given when and by whom, withdrawn when."""

    class GivenBy(models.TextChoices):
        YOUTH = "youth", _("The young person")
        GUARDIAN = "guardian", _("The guardian")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    recipient = models.CharField(_("recipient"), max_length=30, choices=ConsentRecipient.choices)
    recipient_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("named organisation"),
    )
    given_on = models.DateField(_("given"), default=timezone.localdate)
    given_by = models.CharField(_("given by"), max_length=20, choices=GivenBy.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # What a referral consent lets cross to the named organisation (losen.exchange.fields).
    shared_fields = models.JSONField(_("what may be shared"), default=list, blank=True)
    # The signature on screen that gave it (None: registered on the consents page).
    signature = models.ForeignKey(
        "Signature", on_delete=models.PROTECT, null=True, blank=True, related_name="consents"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(recipient="organisation")
                | models.Q(recipient_organisation__isnull=False),
                name="consent_named_organisation_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {self.get_recipient_display()}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Signature(models.Model):
    """One signer's signature on screen: who, when, before whom, and what they signed.

    The text is stored as its version, language and SHA-256 (losen/cases/application_text.py),
    with the signer's answer to every consent scope offered (`answers`). A signer signs an
    application once (the constraint holds against a double post that slips past the lock).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="signatures"
    )
    signer = models.CharField(_("signer"), max_length=20, choices=Consent.GivenBy.choices)
    name = models.CharField(_("name as signed"), max_length=200)
    signed_at = models.DateTimeField(_("signed at"))
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("witnessed by"),
    )
    text_version = models.CharField(_("text version"), max_length=20)
    text_language = models.CharField(_("text language"), max_length=10, choices=settings.LANGUAGES)
    text_sha256 = models.CharField(_("SHA-256 of the signed text"), max_length=64)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "signer"], name="signature_once_per_signer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer} {self.signed_at:%Y-%m-%d %H:%M}"


class ScopeAnswer(models.Model):
    """A signer's answer to one consent scope on the signing page: given or not given."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    signature = models.ForeignKey(Signature, on_delete=models.PROTECT, related_name="answers")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    recipient = models.CharField(_("recipient"), max_length=30, choices=ConsentRecipient.choices)
    given = models.BooleanField(_("given"))

    class Meta:
        verbose_name = _("answer to a consent scope")
        verbose_name_plural = _("answers to consent scopes")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["signature", "purpose", "recipient"], name="scope_answer_once_per_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.recipient}: {self.given}"
