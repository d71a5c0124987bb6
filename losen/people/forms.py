from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Country, Team
from losen.lib.forms import DATE_INPUT
from losen.lib.idnumbers import IdentityNumber, InvalidIdentityNumber, parse_identity_number
from losen.people.actions import EDITABLE_FIELDS, PersonData
from losen.people.models import Guardian, Language, age_on


class PersonForm(forms.Form):
    error_messages = {
        "birth_date_future": _("The birth date cannot be in the future."),
        "birth_date_mismatch": _(
            "The birth date does not match the identity number (it gives %(date)s)."
        ),
        "too_old": _("The birth date gives an age over 120 years."),
    }

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = forms.DateField(
        label=_("Birth date"),
        widget=DATE_INPUT,
        required=False,
        help_text=_(
            "Filled in from the identity number when one is given. The date in a D-number "
            "or samordningsnummer may differ from the birth date (a D-number's may be the "
            "day it was registered): then give the birth date as registered in the "
            "population register."
        ),
    )
    identity_number = forms.CharField(
        label=_("Identity number"),
        required=False,
        max_length=20,
        help_text=_(
            "Norwegian fødselsnummer, D-number or H-number (11 digits), or Swedish "
            "personnummer or samordningsnummer. Optional."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    municipality = forms.CharField(label=_("Municipality"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices)
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices)

    def __init__(self, *args, require_birth_date: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.require_birth_date = require_birth_date
        self.parsed_identity_number: IdentityNumber | None = None

    def clean_identity_number(self) -> str:
        raw = self.cleaned_data.get("identity_number", "").strip()
        if not raw:
            return ""
        try:
            self.parsed_identity_number = parse_identity_number(
                raw, allow_synthetic=settings.LOSEN_ALLOW_SYNTHETIC_IDS
            )
        except InvalidIdentityNumber as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        return self.parsed_identity_number.value

    def clean(self):
        cleaned = super().clean()
        number = self.parsed_identity_number
        birth_date: datetime.date | None = cleaned.get("birth_date")
        # A coordination number's date may be its registration date: a typed birth date
        # stands (an empty one is taken from the number). Any other number's date is the
        # birth date.
        if number is not None and number.birth_date and not (birth_date and number.date_may_differ):
            if birth_date and birth_date != number.birth_date:
                self.add_error(
                    "birth_date",
                    forms.ValidationError(
                        self.error_messages["birth_date_mismatch"],
                        code="birth_date_mismatch",
                        params={"date": number.birth_date.strftime("%d.%m.%Y")},
                    ),
                )
            else:
                cleaned["birth_date"] = birth_date = number.birth_date
        today = timezone.localdate()
        if birth_date is None:
            if "birth_date" not in self.errors:
                message = (
                    _(
                        "This identity number does not tell the year of birth "
                        "(numbers issued from 2032 do not). Enter the birth date."
                    )
                    if number is not None
                    else _("Enter the birth date, or an identity number that gives it.")
                )
                self.add_error("birth_date", forms.ValidationError(message, code="required"))
        elif birth_date > today:
            self.add_error(
                "birth_date",
                forms.ValidationError(
                    self.error_messages["birth_date_future"], code="birth_date_future"
                ),
            )
        elif age_on(birth_date, today) > 120:
            self.add_error(
                "birth_date", forms.ValidationError(self.error_messages["too_old"], code="too_old")
            )
        return cleaned

    def person_data(self) -> PersonData:
        return PersonData(**{name: self.cleaned_data[name] for name in EDITABLE_FIELDS})


class RegisterPersonForm(PersonForm):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), empty_label=None)
    confirm_possible_duplicate = forms.BooleanField(
        label=_("Register anyway: this is a different person with the same name and birth date"),
        required=False,
    )

    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=200, required=False)
    guardian_relation = forms.ChoiceField(
        label=_("Guardian's relation"), choices=Guardian.Relation.choices, required=False
    )
    guardian_phone = forms.CharField(
        label=_("Guardian's phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    guardian_email = forms.EmailField(label=_("Guardian's e-mail"), required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(pk__in=[t.pk for t in teams])
        self.only_team = teams[0] if len(teams) == 1 else None
        if self.only_team is not None:
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].initial = self.only_team.pk
            self.fields["team"].required = False
        self.order_fields(["team"])

    def clean_team(self):
        return self.cleaned_data.get("team") or self.only_team

    def clean(self):
        cleaned = super().clean()
        birth_date = cleaned.get("birth_date")
        if birth_date and age_on(birth_date, timezone.localdate()) < 18:
            if not cleaned.get("guardian_name"):
                self.add_error(
                    "guardian_name",
                    forms.ValidationError(
                        _("A young person under 18 needs a guardian as contact."),
                        code="guardian_required",
                    ),
                )
            if not (cleaned.get("guardian_phone") or cleaned.get("guardian_email")):
                self.add_error(
                    "guardian_phone",
                    forms.ValidationError(
                        _("Give the guardian's phone or e-mail."), code="guardian_contact_required"
                    ),
                )
        return cleaned


class EditPersonForm(PersonForm):
    version = forms.IntegerField(widget=forms.HiddenInput())
    clear_identity_number = forms.BooleanField(
        label=_("Remove the identity number"), required=False
    )


class GuardianForm(forms.ModelForm):
    class Meta:
        model = Guardian
        fields = ["name", "relation", "phone", "email", "address"]
        labels = {
            "name": _("Name"),
            "relation": _("Relation"),
            "phone": _("Phone"),
            "email": _("E-mail"),
            "address": _("Address"),
        }


class PersonFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Name, or a whole identity number"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All teams")
    )
    age = forms.ChoiceField(
        label=_("Age"),
        required=False,
        choices=[("", _("All ages")), ("minor", _("Under 18")), ("adult", _("18 or older"))],
    )
    municipality = forms.CharField(label=_("Municipality"), required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(pk__in=[t.pk for t in teams])


class FollowForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(
            organisation_id=person.organisation_id
        ).exclude(follows__person=person)
