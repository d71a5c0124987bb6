from __future__ import annotations

import datetime
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation
from losen.lib.forms import DATE_INPUT
from losen.programs.models import Enrolment, Measure, Staircase

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class OrganisationChoiceMixin:
    """An organisation field that is hidden when the actor works in only one."""

    def _setup_organisation(self, organisations) -> None:
        field = self.fields["organisation"]  # type: ignore[attr-defined]
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        self.only_organisation = organisations[0] if len(organisations) == 1 else None
        if self.only_organisation is not None:
            field.widget = forms.HiddenInput()
            field.initial = self.only_organisation.pk
            field.required = False

    def clean_organisation(self):
        return self.cleaned_data.get("organisation") or self.only_organisation


class StaircaseForm(OrganisationChoiceMixin, forms.Form):
    error_messages = {"duplicate": _("The organisation already has a staircase with this name.")}

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisations=(), staircase: Staircase | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.staircase = staircase
        self._setup_organisation(list(organisations))

    def clean(self):
        cleaned = super().clean()
        organisation, name = cleaned.get("organisation"), cleaned.get("name")
        if organisation and name:
            same = Staircase.objects.filter(organisation=organisation, name__iexact=name.strip())
            if self.staircase is not None:
                same = same.exclude(pk=self.staircase.pk)
            if same.exists():
                self.add_error(
                    "name", forms.ValidationError(self.error_messages["duplicate"], "duplicate")
                )
        return cleaned


class MeasureForm(OrganisationChoiceMixin, forms.Form):
    error_messages = {
        "duplicate": _("The organisation already has a measure with this name."),
        "step_without_staircase": _("Choose the staircase the step belongs to."),
        "staircase_without_step": _("Give the measure's step in the staircase."),
        "other_organisation": _("Choose a staircase of the same organisation."),
    }

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    kind = forms.ChoiceField(label=_("Kind of measure"), choices=Measure.Kind.choices)
    planned_weeks = forms.IntegerField(
        label=_("Planned duration (weeks)"),
        required=False,
        min_value=1,
        max_value=520,
        help_text=_("Gives the planned end of an enrolment. Restart: 13 weeks."),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        help_text=_("How many can take part at a time. Empty for no limit."),
    )
    monthly_cost = forms.DecimalField(
        label=_("Cost per participant per month (NOK or SEK)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    staircase = forms.ModelChoiceField(
        label=_("Staircase"),
        queryset=Staircase.objects.none(),
        required=False,
        empty_label=_("Not in a staircase"),
    )
    step = forms.IntegerField(
        label=_("Step in the staircase"),
        required=False,
        min_value=1,
        max_value=50,
        help_text=_("1 is the first step."),
    )
    adults = forms.DecimalField(
        label=_("Adults (staff and volunteers)"),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=1,
        help_text=_("For the adults per six young people in the results."),
    )
    is_active = forms.BooleanField(label=_("In use (open for enrolment)"), required=False)

    def __init__(self, *args, organisations=(), measure: Measure | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = list(organisations)
        self.measure = measure
        self._setup_organisation(organisations)
        cast(forms.ModelChoiceField, self.fields["staircase"]).queryset = Staircase.objects.filter(
            organisation__in=organisations
        ).order_by("name")
        if measure is None and not self.is_bound:
            self.fields["is_active"].initial = True

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        staircase, step = cleaned.get("staircase"), cleaned.get("step")
        if staircase is not None and step is None and "step" not in self.errors:
            self._error("step", "staircase_without_step")
        if staircase is None and step is not None:
            self._error("staircase", "step_without_staircase")
        if staircase is not None and organisation and staircase.organisation_id != organisation.pk:
            self._error("staircase", "other_organisation")
        name = cleaned.get("name")
        if organisation and name:
            same = Measure.objects.filter(organisation=organisation, name__iexact=name.strip())
            if self.measure is not None:
                same = same.exclude(pk=self.measure.pk)
            if same.exists():
                self._error("name", "duplicate")
        return cleaned

    def _error(self, field: str, code: str) -> None:
        self.add_error(field, forms.ValidationError(self.error_messages[code], code=code))

    def measure_fields(self) -> dict[str, object]:
        from losen.programs.actions import MEASURE_FIELDS

        return {name: self.cleaned_data[name] for name in MEASURE_FIELDS}


class EnrolForm(forms.Form):
    measure = forms.ModelChoiceField(label=_("Measure"), queryset=Measure.objects.none())
    start_on = forms.DateField(label=_("Start"), widget=DATE_INPUT)
    planned_end_on = forms.DateField(
        label=_("Planned end"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Empty: the start plus the measure's planned duration."),
    )

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = measures
        self.fields["start_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_on"), cleaned.get("planned_end_on")
        if start and end and end < start:
            self.add_error(
                "planned_end_on",
                forms.ValidationError(_("The planned end is before the start."), code="order"),
            )
        return cleaned


class EndEnrolmentForm(forms.Form):
    REASONS = [
        (Enrolment.EndReason.COMPLETED, Enrolment.EndReason.COMPLETED.label),
        (Enrolment.EndReason.DROPPED_OUT, Enrolment.EndReason.DROPPED_OUT.label),
        (Enrolment.EndReason.OTHER, Enrolment.EndReason.OTHER.label),
    ]

    end_on = forms.DateField(label=_("Actual end"), widget=DATE_INPUT)
    reason = forms.ChoiceField(label=_("Why it ended"), choices=REASONS)

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        self.fields["end_on"].initial = timezone.localdate()

    def clean_end_on(self) -> datetime.date:
        end_on = self.cleaned_data["end_on"]
        start = self.enrolment.start_on
        if start is not None and end_on < start:
            raise forms.ValidationError(
                _("The end is before the start (%(date)s)."),
                code="before_start",
                params={"date": start.strftime("%d.%m.%Y")},
            )
        return end_on


class MoveUpForm(forms.Form):
    to_measure = forms.ModelChoiceField(
        label=_("Next step"), queryset=Measure.objects.none(), empty_label=None
    )
    on = forms.DateField(label=_("Date of the move"), widget=DATE_INPUT)

    def __init__(self, *args, enrolment: Enrolment, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        field = cast(forms.ModelChoiceField, self.fields["to_measure"])
        field.queryset = steps

        def label(measure: Measure) -> str:
            return f"{measure.step}. {measure.name}" if measure.step else measure.name

        field.label_from_instance = label  # type: ignore[assignment]
        self.fields["on"].initial = timezone.localdate()

    def clean_on(self) -> datetime.date:
        on = self.cleaned_data["on"]
        start = self.enrolment.start_on
        if start is not None and on < start:
            raise forms.ValidationError(
                _("The move is before the start of the current measure (%(date)s)."),
                code="before_start",
                params={"date": start.strftime("%d.%m.%Y")},
            )
        return on


class SessionForm(forms.Form):
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=999)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    starts_at = forms.DateTimeField(label=_("Time"), widget=DATETIME_INPUT)


WEEKDAYS = (
    ("monday", _("Monday")),
    ("tuesday", _("Tuesday")),
    ("wednesday", _("Wednesday")),
    ("thursday", _("Thursday")),
    ("friday", _("Friday")),
    ("saturday", _("Saturday")),
    ("sunday", _("Sunday")),
)


class SessionSeriesForm(forms.Form):
    first_day = forms.DateField(label=_("From"), widget=DATE_INPUT)
    at = forms.TimeField(label=_("Time of day"), widget=TIME_INPUT)
    count = forms.IntegerField(
        label=_("Number of sessions"),
        min_value=1,
        max_value=100,
        help_text=_("“Klart jeg kan”: 8 sessions, twice a week for four weeks."),
    )
    monday = forms.BooleanField(label=_("Monday"), required=False)
    tuesday = forms.BooleanField(label=_("Tuesday"), required=False)
    wednesday = forms.BooleanField(label=_("Wednesday"), required=False)
    thursday = forms.BooleanField(label=_("Thursday"), required=False)
    friday = forms.BooleanField(label=_("Friday"), required=False)
    saturday = forms.BooleanField(label=_("Saturday"), required=False)
    sunday = forms.BooleanField(label=_("Sunday"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not self.weekdays():
            self.add_error(
                None, forms.ValidationError(_("Choose at least one weekday."), code="no_weekday")
            )
        return cleaned

    def weekdays(self) -> list[int]:
        data = getattr(self, "cleaned_data", {})
        return [i for i, (name, _label) in enumerate(WEEKDAYS) if data.get(name)]

    def weekday_fields(self):
        return [self[name] for name, _label in WEEKDAYS]


class AttendanceForm(forms.Form):
    """One checkbox per participant: ticked is present, unticked absent."""

    def __init__(self, *args, enrolments, marks: dict[int, bool], **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = list(enrolments)
        for enrolment in self.enrolments:
            self.fields[f"present_{enrolment.pk}"] = forms.BooleanField(
                label=enrolment.case.person.full_name,
                required=False,
                initial=marks.get(enrolment.pk, False),
            )

    def marks(self) -> dict[int, bool]:
        return {e.pk: bool(self.cleaned_data.get(f"present_{e.pk}")) for e in self.enrolments}
