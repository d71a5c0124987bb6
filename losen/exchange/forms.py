"""Referring to another organisation, and the receiver's accept and decline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Team
from losen.audit.disclosures import REQUIRED_FIELDS, SharedField
from losen.catalogue.models import Listing
from losen.people.models import Person

# The fields a referral may carry beyond those it always carries.
OPTIONAL_FIELDS = [(key, label) for key, label in SharedField.choices if key not in REQUIRED_FIELDS]


class ReferOutForm(forms.Form):
    listing = forms.ModelChoiceField(
        label=_("Measure"),
        queryset=Listing.objects.none(),
        help_text=_("The measures other organisations publish in the catalogue."),
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

    def __init__(self, *args: Any, listings: list[Listing], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["listing"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Listing.objects.filter(pk__in=[listing.pk for listing in listings])
        field.label_from_instance = lambda listing: (  # type: ignore[assignment]
            f"{listing.measure.name} – {listing.organisation.name}"
        )


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
