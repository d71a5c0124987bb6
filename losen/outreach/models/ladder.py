"""The contact ladder: its configuration per organisation and scheme, attempts, notices."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation
from losen.outreach.models.lists import Scheme, TargetEntry
from losen.people.models import Person


class Method(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Letter")
    HOME_VISIT = "home_visit", _("Home visit")


# Methods that need a working phone number: a wrong number skips them.
PHONE_METHODS = frozenset({Method.PHONE, Method.SMS})


class Result(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    DECLINED = "declined", _("Declined")
    MESSAGE_LEFT = "message_left", _("Message left")
    ANSWERED = "answered", _("Answered (a reply to a letter or SMS)")


# Results that mean contact was made: the ladder stops and the promise is kept.
CONTACT_RESULTS = frozenset({Result.REACHED, Result.DECLINED, Result.ANSWERED})
# A letter or an SMS that reached the person is not contact until it is answered (Udir:
# OTUK "skal stå inntil oppfølgingstjenesten har etablert kontakt med ungdommen").
WRITTEN_METHODS = frozenset({Method.SMS, Method.LETTER})


def is_contact(method: str, result: str) -> bool:
    """Whether an attempt made contact: an answer, a refusal, or reaching the person in
    a conversation (phone, home visit); a delivered letter or SMS is not an answer."""
    if result not in CONTACT_RESULTS:
        return False
    return not (result == Result.REACHED and method in WRITTEN_METHODS)


class LadderConfig(models.Model):
    """An organisation's own ladder for a scheme; without one, rules/ladder.json holds."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    scheme = models.CharField(_("scheme"), max_length=3, choices=Scheme.choices)
    # [{"method": "phone", "wait_days": 0}, {"method": "sms", "wait_days": 1}, ...]
    steps = models.JSONField(
        _("steps"),
        help_text=_(
            'A list of steps such as [{"method": "phone", "wait_days": 0}, '
            '{"method": "sms", "wait_days": 1}]. Methods: phone, sms, letter, home_visit. '
            "The first wait counts from the day the person appeared on the list, the others "
            "from the unanswered attempt before."
        ),
    )
    promise_days = models.PositiveSmallIntegerField(_("contact promised within (days)"), default=14)
    letter_sender = models.CharField(
        _("sender on letters"),
        max_length=200,
        blank=True,
        help_text=_(
            "A neutral sender and return address for letters (not the municipality's name)."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("ladder setting")
        verbose_name_plural = _("ladder settings")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "scheme"], name="ladderconfig_unique_scheme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_scheme_display()}"

    def clean(self) -> None:
        from losen.outreach.ladder import LadderError, parse_steps

        try:
            parse_steps(self.steps)
        except LadderError as error:
            raise ValidationError({"steps": str(error)}) from error


class ContactAttempt(models.Model):
    """One attempt to reach a person on a list: method, time, who, result."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(TargetEntry, on_delete=models.PROTECT, related_name="attempts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    to_guardian = models.BooleanField(_("to a guardian"), default=False)
    # A guardian's answer is contact with the young person only when the worker says so.
    guardian_answer_counts = models.BooleanField(
        _("the guardian's answer counts as contact with the young person"), default=False
    )
    attempted_at = models.DateTimeField(_("time"), default=timezone.now)
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    # The SMS gateway's id for the message, or the letter's reference; never its text.
    reference = models.CharField(max_length=100, blank=True)
    # What the worker wants the next one to know ("the mother says he works nights").
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        ordering = ["-attempted_at", "-id"]
        indexes = [models.Index(fields=["entry", "attempted_at"], name="attempt_entry_time")]

    def __str__(self) -> str:
        return f"{self.method} {self.result} {self.attempted_at:%Y-%m-%d}"


class Notice(models.Model):
    """A statutory notice sent to a person on a list (OT: information about rights)."""

    class Kind(models.TextChoices):
        RIGHTS_INFORMATION = "rights_information", _("Information about rights sent")

    class Recipient(models.TextChoices):
        YOUTH = "youth", _("The young person")
        GUARDIAN = "guardian", _("Guardian")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(TargetEntry, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("notice"), max_length=30, choices=Kind.choices)
    recipient = models.CharField(_("recipient"), max_length=10, choices=Recipient.choices)
    sent_on = models.DateField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["sent_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "kind", "recipient"], name="notice_unique_per_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.recipient} {self.sent_on}"
