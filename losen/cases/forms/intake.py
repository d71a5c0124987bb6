"""Forms for intake: referral (for a registered or a new person), signing, consent.

A referral for a new person reuses the people app's RegisterPersonForm: identity
number, birth date, guardian under 18 and the duplicate check are validated exactly as
on the person form.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation, Team
from losen.cases.application_text import SIGNING_PURPOSES, SIGNING_SCOPES, scope_key
from losen.cases.models import (
    Application,
    Consent,
    ConsentRecipient,
    ReferralSource,
)
from losen.cases.queries.intake import guardian_signature_needed, is_minor_on
from losen.lib.documents import ACCEPT, check_document
from losen.lib.forms import DATE_INPUT
from losen.lib.names import name_words
from losen.people.forms import RegisterPersonForm
from losen.people.models import Guardian, Person


def _not_in_future(day, message):
    if day and day > timezone.localdate():
        raise forms.ValidationError(message, code="future")
    return day


def _team_field_for(form: forms.Form, teams) -> Team | None:
    """Limit the form's team field to `teams`; hide it when there is only one."""
    cast(forms.ModelChoiceField, form.fields["team"]).queryset = Team.objects.filter(
        pk__in=[t.pk for t in teams]
    )
    only_team = teams[0] if len(teams) == 1 else None
    if only_team is not None:
        form.fields["team"].widget = forms.HiddenInput()
        form.fields["team"].initial = only_team.pk
        form.fields["team"].required = False
    return only_team


class ReferralFieldsForm(forms.Form):
    """The referral itself: where it comes from, why, and when."""

    source = forms.ChoiceField(
        label=_("Referred by (source)"), choices=[("", "–"), *ReferralSource.choices]
    )
    referred_on = forms.DateField(
        label=_("Referral date"),
        widget=DATE_INPUT,
        initial=timezone.localdate,
        help_text=_("The day the referral came in. It may be earlier than today."),
    )
    reason = forms.CharField(
        label=_("Reason for the referral"), widget=forms.Textarea(attrs={"rows": 4})
    )
    referrer_name = forms.CharField(label=_("Referrer's name"), max_length=200, required=False)
    referrer_organisation = forms.CharField(
        label=_("Referrer's organisation"), max_length=200, required=False
    )
    referrer_contact = forms.CharField(
        label=_("Referrer's phone or e-mail"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_referred_on(self):
        return _not_in_future(
            self.cleaned_data.get("referred_on"),
            _("The referral date cannot be in the future."),
        )

    def referral_kwargs(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in (
                "source",
                "reason",
                "referred_on",
                "referrer_name",
                "referrer_organisation",
                "referrer_contact",
            )
        }


class ReferralForm(ReferralFieldsForm):
    """A referral for someone already registered (chosen among the people one sees)."""

    team = forms.ModelChoiceField(
        label=_("Referred to team"), queryset=Team.objects.none(), empty_label=None
    )

    def __init__(self, *args, teams=(), person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.only_team = _team_field_for(self, list(teams))

    def clean_team(self):
        team = self.cleaned_data.get("team") or self.only_team
        if team is not None and team.organisation_id != self.person.organisation_id:
            raise forms.ValidationError(
                _("Choose a team of the young person's organisation."), code="other_organisation"
            )
        return team


class NewPersonReferralForm(ReferralFieldsForm, RegisterPersonForm):
    """A referral for someone not registered yet: the person form plus the referral."""

    def guardian_data(self) -> dict[str, str] | None:
        if not self.cleaned_data.get("guardian_name"):
            return None
        return {
            "name": self.cleaned_data["guardian_name"],
            "relation": self.cleaned_data["guardian_relation"] or Guardian.Relation.PARENT,
            "phone": self.cleaned_data["guardian_phone"],
            "email": self.cleaned_data["guardian_email"],
        }


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the young person"),
        max_length=100,
        help_text=_("Name, or a whole identity number. Only people your teams follow are found."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class ReferralStartForm(forms.Form):
    """`?person=<id>`: the referral is for this (registered) person."""

    person = forms.IntegerField(required=False, min_value=1)


class QueueFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All teams")
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class _SigningForm(forms.Form):
    """The signers' names; the young person's must match the registered name."""

    youth_name = forms.CharField(
        label=_("The young person's full name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    guardian_name = forms.CharField(
        label=_("The guardian's full name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, person: Person, application: Application | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.application = application
        self.guardian_needed = guardian_signature_needed(application, person)
        if not self.guardian_needed:
            del self.fields["guardian_name"]

    def clean_youth_name(self) -> str:
        name = " ".join(self.cleaned_data.get("youth_name", "").split())
        registered = name_words(f"{self.person.first_name} {self.person.last_name}")
        if name and not registered <= name_words(name):
            raise forms.ValidationError(
                _("Type the young person's full name as registered: %(name)s."),
                code="name_mismatch",
                params={"name": self.person.full_name},
            )
        return name

    def clean_guardian_name(self) -> str:
        return " ".join(self.cleaned_data.get("guardian_name", "").split())

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("youth_name") or cleaned.get("guardian_name")):
            raise forms.ValidationError(
                _("Type the name of at least one person who signs."), code="nobody_signs"
            )
        return cleaned


class SignOnScreenForm(_SigningForm):
    """The names, a tick per consent scope per signer who signs now, and the witness.

    `text_sha256` is the hash of the text the page showed (the template writes the
    current one, never the posted one back), so a page opened before the text changed
    is refused by the action instead of signed.
    """

    witnessed = forms.BooleanField(
        label=_("I am with the signer now and witnessed the signing in person"),
        required=True,
    )
    text_sha256 = forms.CharField(max_length=64, widget=forms.HiddenInput)

    error_messages = {
        "ticks_without_name": _(
            "The ticks for %(signer)s count only when %(signer)s signs: type the name, or "
            "remove the ticks."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.signers: list[str] = []
        if self.application is None or self.application.youth_signed_at is None:
            self.signers.append(Consent.GivenBy.YOUTH)
        if self.guardian_needed and (
            self.application is None or self.application.guardian_signed_at is None
        ):
            self.signers.append(Consent.GivenBy.GUARDIAN)
        for signer in self.signers:
            for purpose, recipient in SIGNING_SCOPES:
                self.fields[self.scope_field(signer, purpose, recipient)] = forms.BooleanField(
                    required=False
                )

    @staticmethod
    def scope_field(signer: str, purpose: str, recipient: str) -> str:
        return f"{signer}__{scope_key(purpose, recipient)}"

    def scopes_of(self, signer: str) -> set[tuple[str, str]]:
        """The (purpose, recipient) pairs `signer` ticked."""
        if signer not in self.signers:
            return set()
        return {
            (purpose, recipient)
            for purpose, recipient in SIGNING_SCOPES
            if self.cleaned_data.get(self.scope_field(signer, purpose, recipient))
        }

    def clean(self):
        cleaned = super().clean()
        names = {
            Consent.GivenBy.YOUTH: ("youth_name", _("the young person")),
            Consent.GivenBy.GUARDIAN: ("guardian_name", _("the guardian")),
        }
        for signer in self.signers:
            name_field, who = names[signer]
            if (
                not cleaned.get(name_field)
                and name_field not in self.errors
                and any(cleaned.get(self.scope_field(signer, p, r)) for p, r in SIGNING_SCOPES)
            ):
                self.add_error(
                    name_field,
                    forms.ValidationError(
                        self.error_messages["ticks_without_name"],
                        code="ticks_without_name",
                        params={"signer": who},
                    ),
                )
        return cleaned


class PaperUploadForm(_SigningForm):
    paper = forms.FileField(
        label=_("The signed application (scanned or photographed)"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    signed_on = forms.DateField(
        label=_("Date of the signatures"), widget=DATE_INPUT, initial=timezone.localdate
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["youth_name"].help_text = _("As signed on the paper, if they signed it.")
        if "guardian_name" in self.fields:
            self.fields["guardian_name"].help_text = _(
                "As signed on the paper, if the guardian signed it."
            )
        self.order_fields(["paper", "signed_on"])

    def clean_signed_on(self):
        return _not_in_future(
            self.cleaned_data.get("signed_on"), _("The date cannot be in the future.")
        )

    def clean_paper(self):
        paper = self.cleaned_data.get("paper")
        return None if paper is None else check_document(paper)


class ConsentForm(forms.Form):
    # A referral's consent is given with the referral (losen/exchange): it names the fields.
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[("", "–"), *((p.value, p.label) for p in SIGNING_PURPOSES)],
    )
    recipient = forms.ChoiceField(
        label=_("Who may receive the information"),
        choices=[("", "–"), *ConsentRecipient.choices],
    )
    recipient_organisation = forms.ModelChoiceField(
        label=_("The named organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Only when the recipient is a named organisation."),
    )
    given_on = forms.DateField(label=_("Given on"), widget=DATE_INPUT, initial=timezone.localdate)
    given_by = forms.ChoiceField(label=_("Given by"), choices=[("", "–"), *Consent.GivenBy.choices])

    def __init__(self, *args, person: Person, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        cast(
            forms.ModelChoiceField, self.fields["recipient_organisation"]
        ).queryset = Organisation.objects.exclude(pk=organisation_id).order_by("name")
        if is_minor_on(person):
            self.fields["given_by"].help_text = _(
                "The young person is under 18: the guardian gives the consent."
            )

    def clean_given_on(self):
        return _not_in_future(
            self.cleaned_data.get("given_on"), _("The date cannot be in the future.")
        )

    def clean(self):
        cleaned = super().clean()
        recipient = cleaned.get("recipient")
        if recipient == ConsentRecipient.ORGANISATION and not cleaned.get("recipient_organisation"):
            self.add_error(
                "recipient_organisation",
                forms.ValidationError(_("Choose the organisation."), code="required"),
            )
        elif recipient and recipient != ConsentRecipient.ORGANISATION:
            cleaned["recipient_organisation"] = None
        given_on = cleaned.get("given_on")
        if (
            given_on
            and cleaned.get("given_by") == Consent.GivenBy.YOUTH
            and is_minor_on(self.person, given_on)
        ):
            self.add_error(
                "given_by",
                forms.ValidationError(
                    _("Under 18, the guardian must give the consent."), code="guardian_required"
                ),
            )
        return cleaned


class WithdrawConsentForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example how the withdrawal was given: in a meeting, by phone."),
    )


class FormLanguageForm(forms.Form):
    """`?lang=nb|sv` for the printable application."""

    lang = forms.ChoiceField(required=False, choices=[("nb", "Norsk bokmål"), ("sv", "Svenska")])
