"""Forms for reference figures, targets and target readings."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation, Team
from losen.lib.forms import DATE_INPUT
from losen.programs.forms import OrganisationChoiceMixin
from losen.programs.models import Measure
from losen.reports.actions import REFERENCE_FIELDS, TARGET_FIELDS
from losen.reports.metrics import METRICS, reference_metric_choices, target_metric_choices

VALUE_HELP = _(
    "In the unit of what it measures: kroner, percent (43 for 43 %), months, adults or people."
)


# Both forms refuse a share above 100 % in the same words.
PERCENT = _("A share is at most 100 %.")


def _percent_in_range(form: forms.Form, metric_key: str | None, *names: str) -> None:
    found = METRICS.get(metric_key or "")
    if found is None or not found.is_percent:
        return
    for name in names:
        value = form.cleaned_data.get(name)
        if value is not None and value > 100:
            form.add_error(name, forms.ValidationError(PERCENT, "percent"))


class ReferenceFigureForm(OrganisationChoiceMixin, forms.Form):
    error_messages = {
        "years": _("The last year must not be before the first."),
        "percent": PERCENT,
    }

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    metric = forms.ChoiceField(label=_("What it measures"), choices=reference_metric_choices)
    value = forms.DecimalField(
        label=_("Value"), min_value=0, max_digits=12, decimal_places=2, help_text=VALUE_HELP
    )
    label = forms.CharField(
        label=_("Whose figure"),
        max_length=200,
        help_text=_("For example NAV measures or Drammen kommune."),
    )
    year_from = forms.IntegerField(
        label=_("From year"), required=False, min_value=1990, max_value=2100
    )
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=1990, max_value=2100)
    source = forms.CharField(
        label=_("Source"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where the figure comes from: report, web page, letter, with its date."),
    )
    url = forms.URLField(
        label=_("Web address of the source"), required=False, max_length=500, assume_scheme="https"
    )
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_organisation(organisations)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        first, last = cleaned.get("year_from"), cleaned.get("year_to")
        if first and last and last < first:
            self.add_error("year_to", forms.ValidationError(self.error_messages["years"], "years"))
        _percent_in_range(self, cleaned.get("metric"), "value")
        return cleaned

    def fields_to_save(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in REFERENCE_FIELDS}


class TargetForm(OrganisationChoiceMixin, forms.Form):
    error_messages = {
        "deadline": _("The deadline must be after the baseline date."),
        "same": _("The target must differ from the baseline value."),
        "percent": PERCENT,
        "team": _("Choose one of your own teams."),
        "other_organisation": _("Choose a team and a measure of the same organisation."),
    }

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    description = forms.CharField(
        label=_("Target"),
        max_length=300,
        help_text=_("For example: reduce recipients aged 18–24 by 50 %, 214 persons."),
    )
    metric = forms.ChoiceField(label=_("What it measures"), choices=target_metric_choices)
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("The whole organisation"),
    )
    measure = forms.ModelChoiceField(
        label=_("Measure"),
        queryset=Measure.objects.none(),
        required=False,
        empty_label=_("All measures"),
    )
    baseline_value = forms.DecimalField(
        label=_("Baseline value"), min_value=0, max_digits=12, decimal_places=2
    )
    baseline_on = forms.DateField(
        label=_("Baseline date"),
        widget=DATE_INPUT,
        help_text=_(
            "Losen counts from the first day of a month: this date if it is the 1st, "
            "otherwise the 1st of the next month."
        ),
    )
    target_value = forms.DecimalField(
        label=_("Target value"), min_value=0, max_digits=12, decimal_places=2, help_text=VALUE_HELP
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE_INPUT)
    source = forms.CharField(
        label=_("Decision or source"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example the council's decision and its case number."),
    )
    url = forms.URLField(
        label=_("Web address of the source"), required=False, max_length=500, assume_scheme="https"
    )
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        teams: list[Team],
        whole_organisation: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._setup_organisation(organisations)
        team_field = cast(forms.ModelChoiceField, self.fields["team"])
        team_field.queryset = Team.objects.filter(pk__in=[t.pk for t in teams]).order_by("name")
        if not whole_organisation:
            team_field.required = True
            team_field.empty_label = None
        cast(forms.ModelChoiceField, self.fields["measure"]).queryset = Measure.objects.filter(
            organisation__in=organisations
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        baseline_on, deadline = cleaned.get("baseline_on"), cleaned.get("deadline")
        if baseline_on and deadline and deadline <= baseline_on:
            self.add_error(
                "deadline", forms.ValidationError(self.error_messages["deadline"], "deadline")
            )
        baseline, target = cleaned.get("baseline_value"), cleaned.get("target_value")
        if baseline is not None and target is not None and baseline == target:
            self.add_error(
                "target_value", forms.ValidationError(self.error_messages["same"], "same")
            )
        _percent_in_range(self, cleaned.get("metric"), "baseline_value", "target_value")
        organisation = cleaned.get("organisation")
        for name in ("team", "measure"):
            chosen = cleaned.get(name)
            if chosen is not None and organisation and chosen.organisation_id != organisation.pk:
                self.add_error(
                    name,
                    forms.ValidationError(
                        self.error_messages["other_organisation"], "other_organisation"
                    ),
                )
        return cleaned

    def fields_to_save(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in TARGET_FIELDS}


class ReadingForm(forms.Form):
    measured_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    value = forms.DecimalField(label=_("Value"), min_value=0, max_digits=12, decimal_places=2)
    note = forms.CharField(
        label=_("Source or note"),
        required=False,
        max_length=300,
        help_text=_("For example: NAV's monthly statistics."),
    )
