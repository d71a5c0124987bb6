from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Team

ALLOWED_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.organisation.name} – {obj.name}"


class HistoryImportForm(forms.Form):
    error_messages = {
        "suffix": _("Choose a CSV or XLSX file (a name ending in .csv or .xlsx)."),
        "size": _("The file is larger than %(limit)s. Split it into several files."),
        "empty": _("The file is empty."),
    }

    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (comma or semicolon, UTF-8) or XLSX, with a header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.xlsm"}),
    )
    team = TeamChoiceField(
        label=_("Organisation and team"),
        help_text=_("The cases become this team's, in its organisation."),
        queryset=Team.objects.none(),
        empty_label=None,
    )
    create_measures = forms.BooleanField(
        label=_("Create the measures the organisation does not have yet"),
        required=False,
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(self.error_messages["suffix"], code="suffix")
        if upload.size > settings.LOSEN_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                self.error_messages["size"],
                code="size",
                params={"limit": filesizeformat(settings.LOSEN_UPLOAD_MAX_BYTES)},
            )
        if not upload.size:
            raise forms.ValidationError(self.error_messages["empty"], code="empty")
        return upload
