"""The target list upload."""

from __future__ import annotations

import datetime
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.lib.forms import DATE_INPUT
from losen.outreach.models import Scheme


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
