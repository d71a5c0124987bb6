"""The outreach dashboard's choice of team and period."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from losen.outreach.models import Scheme


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
