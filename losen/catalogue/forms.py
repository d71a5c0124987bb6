"""The catalogue's search (GET) and the form that publishes a measure or edits its listing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from losen.catalogue.actions import LISTING_FIELDS
from losen.catalogue.models import Listing
from losen.catalogue.queries import Search, Source, counties_named
from losen.programs.models import Measure


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Words"),
        required=False,
        max_length=200,
        help_text=_("Norwegian or Swedish: the name, what it does, for whom, where."),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    age = forms.IntegerField(
        label=_("Age of the young person"), required=False, min_value=0, max_value=99
    )
    county = forms.ChoiceField(label=_("County"), required=False)
    municipality = forms.CharField(label=_("Municipality"), required=False, max_length=100)
    source = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            (Source.ALL, _("Both")),
            (Source.REFERRABLE, _("Measures taking referrals")),
            (Source.REPORTED, _("Measures reported by NAV offices")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = self.fields["kind"]
        assert isinstance(kinds, forms.ChoiceField)
        kinds.choices = [("", _("Any kind")), *Measure.Kind.choices]
        counties = self.fields["county"]
        assert isinstance(counties, forms.ChoiceField)
        counties.choices = [("", _("Any county")), *((c, c) for c in counties_named())]

    def search(self) -> Search:
        """The search asked for; an invalid field is left out (and shown with its error)."""
        self.is_valid()
        cleaned = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return Search(
            query=cleaned.get("q") or "",
            kind=cleaned.get("kind") or "",
            age=cleaned.get("age"),
            county=cleaned.get("county") or "",
            municipality=cleaned.get("municipality") or "",
            source=cleaned.get("source") or Source.ALL,
        )


class ListingForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Listing
        fields = LISTING_FIELDS
        widgets = {
            "target_group": forms.Textarea(attrs={"rows": 3}),
            "method": forms.Textarea(attrs={"rows": 3}),
            "how_to_refer": forms.Textarea(attrs={"rows": 3}),
        }

    error_messages = {
        "ages": _("The upper age must not be below the lower."),
    }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", forms.ValidationError(self.error_messages["ages"], "ages"))
        return cleaned

    def listing_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in LISTING_FIELDS}
