"""Referring to another organisation, and the receiver's accept and decline."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Team
from losen.audit.disclosures import REQUIRED_FIELDS, SharedField
from losen.catalogue.models import Listing
from losen.lib.forms import DATE_INPUT
from losen.people.models import Person

# The fields a referral may carry beyond those it always carries.
OPTIONAL_FIELDS = [(key, label) for key, label in SharedField.choices if key not in REQUIRED_FIELDS]


class ReferOutForm(forms.Form):
    listing = forms.ModelChoiceField(
        label=_("Measure"),
        queryset=Listing.objects.none(),
        required=False,
        help_text=_("The measures other organisations publish in the catalogue."),
    )
    team = forms.ModelChoiceField(
        label=_("Or a team"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_(
            "A team of an organisation that publishes in the catalogue or takes part in "
            "your team meetings, when no single measure fits."
        ),
    )
    reason = forms.CharField(
        label=_("Reason for the referral"), widget=forms.Textarea(attrs={"rows": 3})
    )
    shared = forms.MultipleChoiceField(
        label=_("Also share"),
        required=False,
        choices=OPTIONAL_FIELDS,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The name, the birth date and the reason always go with the referral. The "
            "identity number goes only if it is ticked here and the consent names it."
        ),
    )
    youth_consents = forms.BooleanField(
        label=_("The young person consents to the referral and to what is shared"),
        required=False,
    )
    guardian_consents = forms.BooleanField(
        label=_("The guardian consents too (required under 18)"), required=False
    )

    def __init__(
        self, *args: Any, listings: list[Listing], teams: list[Team], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["listing"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Listing.objects.filter(pk__in=[listing.pk for listing in listings])
        field.label_from_instance = lambda listing: (  # type: ignore[assignment]
            f"{listing.measure.name} – {listing.organisation.name}"
        )
        team = self.fields["team"]
        assert isinstance(team, forms.ModelChoiceField)
        team.queryset = Team.objects.filter(pk__in=[t.pk for t in teams]).select_related(
            "organisation"
        )
        team.label_from_instance = lambda t: f"{t.name} – {t.organisation.name}"  # type: ignore[assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("listing")) == bool(data.get("team")):
            raise forms.ValidationError(_("Choose a measure or a team, one of them."))
        return data


class AcceptForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Into the team"), queryset=Team.objects.none())
    person = forms.ModelChoiceField(
        label=_("The young person in our records"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Register as a new person"),
        help_text=_(
            "Someone already registered with the same birth date and name: choose them "
            "only if it is the same person. A shared identity number finds them by itself."
        ),
    )

    def __init__(
        self, *args: Any, teams: list[Team], candidates: list[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.ModelChoiceField)
        team.queryset = Team.objects.filter(pk__in=[t.pk for t in teams])
        if len(teams) == 1:
            team.initial = teams[0].pk
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = Person.objects.filter(pk__in=[p.pk for p in candidates])
        person.label_from_instance = lambda p: (  # type: ignore[assignment]
            f"{p.full_name}, {p.birth_date:%d.%m.%Y}"
        )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the referral is declined"), widget=forms.Textarea(attrs={"rows": 3})
    )


class PauseForm(forms.Form):
    on = forms.DateField(label=_("Paused from"), widget=DATE_INPUT)
    until = forms.DateField(
        label=_("Expected back"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("If you know it. The sender sees both dates, and no reason."),
    )


class ResumeForm(forms.Form):
    on = forms.DateField(label=_("Back from"), widget=DATE_INPUT)


class AttendanceForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args: Any, months: list[datetime.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["month"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m.isoformat(), date_format(m, "F Y")) for m in months]


class StatusNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Status note to the sender"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Write only what the sender needs for its own follow-up. A team lead reads the "
            "note before it leaves; until then it stays with you."
        ),
    )
