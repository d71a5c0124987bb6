"""Forms of the contact ladder: the queue's filter, attempts, SMS, statuses, leaving, referral."""

from __future__ import annotations

import datetime
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.lib.forms import DATE_INPUT
from losen.outreach import correspondence, statuses
from losen.outreach.actions.ladder import RECORDABLE_LEAVE_REASONS
from losen.outreach.models import LeaveReason
from losen.outreach.models.ladder import WRITTEN_METHODS, Method, Result


class QueueFilterForm(forms.Form):
    team: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label=_("Team"), required=False, empty_label=_("All my teams")
    )
    who = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Everyone due")),
            ("mine", _("Assigned to me")),
            ("unassigned", _("Not assigned")),
            ("overdue", _("Overdue")),
        ],
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class AttemptForm(forms.Form):
    """An attempt as it happened: nothing is preselected but the ladder's next method and
    the time now (a call made on the road is often written down later)."""

    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[("", _("Choose the result")), *Result.choices],
        error_messages={"required": _("Choose what came of the attempt.")},
    )
    attempted_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        required=False,
        help_text=_("Empty means now."),
    )
    to_guardian = forms.BooleanField(label=_("To a guardian"), required=False)
    guardian_answer_counts = forms.BooleanField(
        label=_("The guardian's answer counts as contact with the young person"),
        required=False,
        help_text=_("Only then does the OT status leave OTUK."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_(
            "A few words for the next one who tries, such as the best time to call. "
            "No health or other sensitive information."
        ),
    )

    def __init__(self, *args, listed_on: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.listed_on = listed_on
        if not self.is_bound and "attempted_at" not in self.initial:
            self.initial["attempted_at"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean_attempted_at(self) -> datetime.datetime:
        moment = self.cleaned_data["attempted_at"] or timezone.now()
        if moment > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("The time cannot be in the future."))
        if self.listed_on and timezone.localtime(moment).date() < self.listed_on:
            raise forms.ValidationError(
                _("The time cannot be before the person came on the list (%(day)s)."),
                params={"day": self.listed_on.strftime("%d.%m.%Y")},
            )
        return moment

    def clean(self):
        data = super().clean()
        method, result = data.get("method"), data.get("result")
        if result == Result.REACHED and method in WRITTEN_METHODS:
            # Udir: a letter or SMS is contact only when it is answered.
            self.add_error(
                "result",
                _(
                    "A letter or SMS that arrived is not contact. "
                    "Choose “Answered” when the young person replied."
                ),
            )
        if data.get("guardian_answer_counts") and not data.get("to_guardian"):
            self.add_error(
                "guardian_answer_counts",
                _("Only an attempt to a guardian can count as the guardian's answer."),
            )
        return data


class SmsForm(forms.Form):
    text = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=612
    )
    to = forms.ChoiceField(
        choices=[("youth", "youth"), ("guardian", "guardian")], widget=forms.HiddenInput
    )

    def __init__(self, *args, callback: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.callback = callback

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if self.callback and not correspondence.carries_number(text, self.callback):
            raise forms.ValidationError(
                _("Keep the number to call back (%(number)s) in the message."),
                params={"number": self.callback},
            )
        return text


class StatusForm(forms.Form):
    code = forms.ChoiceField(label=_("Status"))
    effective_on = forms.DateField(label=_("From"), widget=DATE_INPUT)

    def __init__(self, *args, scheme: str, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["code"]).choices = statuses.choices(scheme)


class LeaveReasonForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for leaving"),
        choices=[(r.value, r.label) for r in LeaveReason if r in RECORDABLE_LEAVE_REASONS],
    )


class ReferForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the referral"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("What the young person wants help with, in a few words."),
    )
