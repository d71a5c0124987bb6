from __future__ import annotations

import datetime
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.lib.forms import DATE_INPUT
from losen.outcomes import codes


def _code_choices(blank_label) -> list:
    return [("", blank_label), *codes.choices()]


def _not_in_future(day: datetime.date) -> None:
    if day > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."), code="future")


class ExitForm(forms.Form):
    code = forms.ChoiceField(
        label=_("Exit outcome"),
        help_text=_("Where the young person goes on to."),
    )
    exited_on = forms.DateField(
        label=_("Exit date"),
        widget=DATE_INPUT,
        help_text=_("May be back-dated. The follow-ups are due 6 and 12 months after it."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # The two-step submit: a valid exit is shown as a summary first; only the summary's
    # "confirm" button ends the case, and its "change" button brings the form back filled.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    change = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, earliest: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.earliest = earliest
        cast(forms.ChoiceField, self.fields["code"]).choices = _code_choices(_("Choose an outcome"))
        self.fields["exited_on"].initial = timezone.localdate()

    def clean_exited_on(self) -> datetime.date:
        day = self.cleaned_data["exited_on"]
        _not_in_future(day)
        if day < self.earliest:
            raise forms.ValidationError(
                _(
                    "The exit cannot be before %(date)s (the case's opening, or the start "
                    "of a measure in progress)."
                ),
                code="too_early",
                params={"date": self.earliest.strftime("%d.%m.%Y")},
            )
        return day

    def is_confirmed(self) -> bool:
        """Valid, and confirmed on the summary (not sent back to be changed)."""
        return self.cleaned_data["confirmed"] and not self.cleaned_data["change"]


class FollowUpForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=_("Did you reach the young person?"),
        choices=[("", _("Choose")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
    )
    code = forms.ChoiceField(
        label=_("Status now"),
        required=False,
        help_text=_("Required when the young person was reached."),
    )
    registered_on = forms.DateField(label=_("Date of the follow-up"), widget=DATE_INPUT)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, exited_on: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.exited_on = exited_on
        cast(forms.ChoiceField, self.fields["code"]).choices = _code_choices(_("Not known"))
        self.fields["registered_on"].initial = timezone.localdate()

    def clean_registered_on(self) -> datetime.date:
        day = self.cleaned_data["registered_on"]
        _not_in_future(day)
        if day < self.exited_on:
            raise forms.ValidationError(
                _("The follow-up cannot be before the exit (%(date)s)."),
                code="before_exit",
                params={"date": self.exited_on.strftime("%d.%m.%Y")},
            )
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reached") and not cleaned.get("code"):
            self.add_error(
                "code",
                forms.ValidationError(
                    _("Give the young person's status: they were reached."),
                    code="status_required",
                ),
            )
        return cleaned
