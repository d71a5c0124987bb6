"""The dashboard's filter form (GET): organisation, team, measure and a period in months."""

from __future__ import annotations

import datetime
import re
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.lib.dates import add_months
from losen.programs.models import Measure
from losen.reports.dashboard import Access, teams_for

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_MONTHS = 60


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.CharField):
    """A month as YYYY-MM (what `<input type="month">` sends); cleans to its first day."""

    widget = MonthInput

    def to_python(self, value: Any) -> datetime.date | None:  # type: ignore[override]
        value = super().to_python(value)
        if not value:
            return None
        match = MONTH.match(value)
        if match is None or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError(self.error_messages["month"], code="month")
        return datetime.date(int(match[1]), int(match[2]), 1)

    default_error_messages = {"month": _("Enter a month as YYYY-MM, for example 2026-01.")}


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last 12 months, this month included."""
    this_month = (today or timezone.localdate()).replace(day=1)
    return add_months(this_month, -11), this_month


class DashboardForm(forms.Form):
    error_messages = {
        "order": _("The first month must not be after the last."),
        "span": _("Choose at most %(max)d months."),
    }

    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int, required=False)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    measure = forms.TypedChoiceField(
        label=_("Measure"), coerce=int, required=False, empty_value=None
    )
    start = MonthField(label=_("From month"), required=False)
    end = MonthField(label=_("To month"), required=False)

    def __init__(self, data: Any, *, access: Access) -> None:
        data = data.copy() if data is not None else {}
        first, last = default_period()
        data.setdefault("start", first.strftime("%Y-%m"))
        data.setdefault("end", last.strftime("%Y-%m"))
        organisations = access.organisations
        data.setdefault("organisation", str(organisations[0].pk))
        super().__init__(data)
        self.access = access
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [
            (o.pk, o.name) for o in organisations
        ]
        if len(organisations) == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
        try:
            org_id = int(data.get("organisation"))
        except (TypeError, ValueError):
            org_id = organisations[0].pk
        if org_id not in {o.pk for o in organisations}:
            org_id = organisations[0].pk
        self.organisation_id = org_id
        teams = teams_for(access, org_id)
        team_choices: list[tuple[int | str, str]] = [(t.pk, t.name) for t in teams]
        if org_id in access.org_wide:
            team_choices.insert(0, ("", str(_("All teams"))))
        elif teams and not data.get("team"):
            # Casework only: the figures are always one of the actor's own teams.
            data["team"] = str(teams[0].pk)
        cast(forms.ChoiceField, self.fields["team"]).choices = team_choices
        measures = Measure.objects.filter(organisation_id=org_id).order_by("name")
        cast(forms.ChoiceField, self.fields["measure"]).choices = [("", _("All measures"))] + [
            (m.pk, m.name) for m in measures
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(self.error_messages["order"], code="order")
            if add_months(start, MAX_MONTHS) <= end:
                raise forms.ValidationError(
                    self.error_messages["span"], code="span", params={"max": MAX_MONTHS}
                )
        return cleaned

    def names(self) -> list[str]:
        """The chosen organisation, team and measure by name (the cleaned filters)."""
        cleaned = self.cleaned_data
        names = []
        for key in ("organisation", "team", "measure"):
            field = cast(forms.ChoiceField, self.fields[key])
            chosen = dict(cast("list[tuple[Any, str]]", field.choices))
            if cleaned.get(key) is not None and cleaned[key] in chosen:
                names.append(str(chosen[cleaned[key]]))
        return names

    def query_string(self) -> str:
        """The cleaned filters as a query string, for the export links."""
        from urllib.parse import urlencode

        cleaned = self.cleaned_data
        params = {
            "organisation": cleaned["organisation"],
            "team": cleaned.get("team") or "",
            "measure": cleaned.get("measure") or "",
            "start": cleaned["start"].strftime("%Y-%m"),
            "end": cleaned["end"].strftime("%Y-%m"),
        }
        return urlencode({k: v for k, v in params.items() if v != ""})
