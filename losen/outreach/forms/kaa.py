"""Forms of the KAA register: planned occupation, leaving, measures."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from losen.lib.forms import DATE_INPUT
from losen.outreach.actions.kaa import KAA_LEAVE_REASONS
from losen.outreach.models.kaa import (
    SENSITIVE_DATA_WARNING,
    MeasureEndReason,
    Occupation,
)


class PlannedOccupationForm(forms.Form):
    planned_occupation = forms.ChoiceField(
        label=_("Planned occupation"), choices=[("", "—"), *Occupation.choices], required=False
    )
    planned_occupation_text = forms.CharField(
        label=_("Planned occupation, in words"),
        max_length=300,
        required=False,
        help_text=SENSITIVE_DATA_WARNING,
    )
    planned_from = forms.DateField(label=_("Planned from"), required=False, widget=DATE_INPUT)


class KaaLeavingForm(forms.Form):
    left_on = forms.DateField(
        label=_("The responsibility ended on"),
        widget=DATE_INPUT,
        help_text=_("The first day the young person was no longer covered."),
    )
    reason = forms.ChoiceField(
        label=_("Reason for leaving"),
        choices=[("", "—"), *((r.value, r.label) for r in KAA_LEAVE_REASONS)],
    )


class KaaMeasureForm(forms.Form):
    plan = forms.CharField(
        label=_("Individual plan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=SENSITIVE_DATA_WARNING,
    )
    goal = forms.CharField(label=_("Goal of the plan"), widget=forms.Textarea(attrs={"rows": 2}))
    youth_responsibility = forms.CharField(
        label=_("The young person is responsible for"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    municipality_responsibility = forms.CharField(
        label=_("The municipality is responsible for"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    other_actor = forms.CharField(label=_("Other actor"), max_length=200, required=False)
    other_actor_responsibility = forms.CharField(
        label=_("The other actor is responsible for"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    start_on = forms.DateField(label=_("Start"), widget=DATE_INPUT)
    end_on = forms.DateField(label=_("End"), widget=DATE_INPUT, required=False)
    end_reason = forms.ChoiceField(
        label=_("Reason it ended"), choices=[("", "—"), *MeasureEndReason.choices], required=False
    )
    declined = forms.BooleanField(
        label=_("The young person declined the measure"),
        required=False,
        help_text=_("The measure was offered, and the young person said no."),
    )
    follow_up_dates = forms.CharField(
        label=_("Follow-up dates"),
        required=False,
        help_text=_("Dates as YYYY-MM-DD, separated by commas."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_follow_up_dates(self) -> list[datetime.date]:
        text = self.cleaned_data["follow_up_dates"]
        days = []
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                days.append(datetime.date.fromisoformat(part))
            except ValueError:
                raise forms.ValidationError(
                    _("%(value)s is not a date (YYYY-MM-DD)."), params={"value": part}
                ) from None
        return days

    def clean(self):
        data = super().clean()
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", _("The end cannot be before the start."))
        if end and not data.get("end_reason"):
            self.add_error("end_reason", _("Give the reason the measure ended."))
        return data

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data
