"""The statutory export's choice of layout and period."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
