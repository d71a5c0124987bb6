"""Forms of outreach: the list upload, the queue's filter, attempts, statuses, KAA."""

from __future__ import annotations

import datetime
from pathlib import PurePath
from typing import cast

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.outreach import correspondence, statuses
from losen.outreach.actions.kaa import KAA_LEAVE_REASONS
from losen.outreach.actions.ladder import RECORDABLE_LEAVE_REASONS
from losen.outreach.models import LeaveReason, Scheme
from losen.outreach.models.kaa import (
    SENSITIVE_DATA_WARNING,
    MeasureEndReason,
    Occupation,
)
from losen.outreach.models.ladder import WRITTEN_METHODS, Method, Result

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ListUploadForm(forms.Form):
    team: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label=_("Team"), empty_label=None
    )
    scheme = forms.ChoiceField(label=_("List"), choices=Scheme.choices)
    received_on = forms.DateField(
        label=_("Received"), widget=DATE_INPUT, help_text=_("The day the list was received.")
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (comma or semicolon) or XLSX, with a header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def clean_received_on(self) -> datetime.date:
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name or "").suffix.lower() not in (".csv", ".txt", ".xlsx"):
            raise forms.ValidationError(_("Upload a CSV or XLSX file."))
        if upload.size > settings.LOSEN_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s. Split it into several files."),
                code="size",
                params={"limit": filesizeformat(settings.LOSEN_UPLOAD_MAX_BYTES)},
            )
        return upload


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


class DashboardForm(forms.Form):
    team: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label=_("Team"), required=False
    )
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label=_("Organisation"), required=False
    )
    scheme = forms.ChoiceField(
        label=_("List"), choices=[("", "—"), *Scheme.choices], required=False
    )

    def __init__(self, *args, teams, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["organisation"].queryset = organisations
        if not teams.exists():
            del self.fields["team"]
        if not organisations.exists():
            del self.fields["organisation"]


class StatutoryExportForm(forms.Form):
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label=_("Organisation"), empty_label=None
    )
    layout = forms.ChoiceField(label=_("Layout"))
    period = forms.RegexField(
        label=_("Half-year"),
        regex=r"^20[0-9]{2}H[12]$",
        help_text=_("For example 2026H1 (spring) or 2026H2 (autumn)."),
        error_messages={"invalid": _("Write the half-year as 2026H1 or 2026H2.")},
    )

    def __init__(self, *args, organisations, **kwargs):
        from losen.outreach import statutory

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["layout"].choices = [
            (key, f"{layout.title} ({layout.version})")
            for key, layout in sorted(statutory.current_layouts().items())
        ]

    def clean(self):
        from losen.outreach import statutory
        from losen.outreach.listfile import SCHEME_COUNTRY

        data = super().clean()
        organisation, key = data.get("organisation"), data.get("layout")
        if organisation and key:
            layout = statutory.layouts()[key]
            if SCHEME_COUNTRY[layout.scheme] != organisation.country:
                self.add_error("layout", _("This layout is for another country."))
        return data
