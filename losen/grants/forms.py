"""Forms: a new report (measure, year, type), the answers in the form's order, the list's
filter."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.grants.models import GrantReport
from losen.grants.questions import (
    ACT_SECTIONS,
    ANSWERED,
    BY_KEY,
    NO,
    NOT_STARTED,
    NOT_STARTED_LABEL,
    YES,
    Kind,
    Question,
    counties_for,
    normalise,
)
from losen.lib.forms import DATE_INPUT
from losen.programs.models import Measure

TEXT_MAX = 200
LONG_TEXT_MAX = 20_000
FIRST_CHOSEN_YEAR = 2015


def year_choices() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(year, year) for year in range(this_year + 1, FIRST_CHOSEN_YEAR - 1, -1)]


class NewReportForm(forms.Form):
    measure = forms.ModelChoiceField(label=_("Measure"), queryset=Measure.objects.none())
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    kind = forms.ChoiceField(
        label=_("Type of report"),
        choices=GrantReport.Kind.choices,
        widget=forms.RadioSelect,
        initial=GrantReport.Kind.STATUS,
    )

    def __init__(self, *args: Any, measures: QuerySet[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["measure"])
        field.queryset = measures
        several_orgs = len({m.organisation_id for m in measures}) > 1

        def label(measure: Measure) -> str:
            return f"{measure.name} ({measure.organisation.name})" if several_orgs else measure.name

        field.label_from_instance = label  # type: ignore[assignment]
        cast(forms.ChoiceField, self.fields["year"]).choices = year_choices()
        self.fields["year"].initial = timezone.localdate().year


class AnswersForm(forms.Form):
    """Every answered question of the form, named by its key; see `answers()`."""

    error_messages = {
        "choose": _("Choose yes or no for this question, or clear the text."),
        "other": _("Tick “Other” among the sections, or clear the text about other sections."),
        "started": _("Give the start date or tick that the measure did not start, not both."),
    }

    version = forms.IntegerField(widget=forms.HiddenInput(), min_value=0)

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        for question in ANSWERED:
            self._add(question)

    def _add(self, question: Question) -> None:
        key, label = question.key, question.label
        if question.kind == Kind.TEXT:
            self.fields[key] = forms.CharField(label=label, max_length=TEXT_MAX, required=False)
        elif question.kind == Kind.EMAIL:
            self.fields[key] = forms.EmailField(label=label, required=False)
        elif question.kind == Kind.COUNTY:
            self.fields[key] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", _("Choose a county"))] + [(c, c) for c in self._counties(key)],
            )
        elif question.kind == Kind.DATE:
            self.fields[key] = forms.DateField(label=label, required=False, widget=DATE_INPUT)
            self.fields[NOT_STARTED] = forms.BooleanField(label=NOT_STARTED_LABEL, required=False)
        elif question.kind == Kind.LONG_TEXT:
            self.fields[key] = forms.CharField(
                label=label,
                max_length=LONG_TEXT_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 6}),
            )
        elif question.kind == Kind.SECTIONS:
            self.fields[key] = forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=ACT_SECTIONS,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"{key}_other"] = forms.CharField(
                label=_("Other sections (which)"), max_length=TEXT_MAX, required=False
            )
        elif question.kind == Kind.YES_NO:
            self.fields[key] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[
                    ("yes", question.yes_label or YES),
                    ("no", question.no_label or NO),
                ],
                widget=forms.RadioSelect,
            )
            self.fields[f"{key}_text"] = forms.CharField(
                label=question.text_label,
                max_length=LONG_TEXT_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def _counties(self, key: str) -> list[str]:
        """The counties of the report's year, and a saved answer of another list (kept)."""
        counties = list(counties_for(self.year))
        saved = self.initial.get(key)
        if saved and saved not in counties:
            counties.append(saved)
        return counties

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        for question in ANSWERED:
            key = question.key
            text = cleaned.get(f"{key}_text") or ""
            if question.kind == Kind.YES_NO and text.strip() and not cleaned.get(key):
                self.add_error(
                    key, forms.ValidationError(self.error_messages["choose"], code="choose")
                )
            other = cleaned.get(f"{key}_other") or ""
            chosen = cleaned.get(key) or []
            if question.kind == Kind.SECTIONS and other.strip() and "other" not in chosen:
                self.add_error(
                    f"{key}_other",
                    forms.ValidationError(self.error_messages["other"], code="other"),
                )
        if cleaned.get(NOT_STARTED) and cleaned.get("start_date"):
            self.add_error(
                NOT_STARTED, forms.ValidationError(self.error_messages["started"], code="started")
            )
        return cleaned

    def answers(self) -> dict[str, Any]:
        """The cleaned answers in the stored shape (losen.grants.questions)."""
        cleaned = self.cleaned_data
        raw: dict[str, Any] = {}
        for question in ANSWERED:
            key = question.key
            if question.kind == Kind.SECTIONS:
                raw[key] = {"selected": cleaned.get(key, []), "other": cleaned.get(f"{key}_other")}
            elif question.kind == Kind.YES_NO:
                raw[key] = {"answer": cleaned.get(key), "text": cleaned.get(f"{key}_text")}
            else:
                raw[key] = cleaned.get(key)
        raw[NOT_STARTED] = bool(cleaned.get(NOT_STARTED))
        return normalise(raw)

    @staticmethod
    def initial_from(answers: dict[str, Any], *, version: int) -> dict[str, Any]:
        """Form initial data from stored answers."""
        answers = normalise(answers)
        initial: dict[str, Any] = {"version": version}
        for question in ANSWERED:
            key, value = question.key, answers[question.key]
            if question.kind == Kind.SECTIONS:
                initial[key] = value["selected"]
                initial[f"{key}_other"] = value["other"]
            elif question.kind == Kind.YES_NO:
                initial[key] = value["answer"]
                initial[f"{key}_text"] = value["text"]
            else:
                initial[key] = value
        initial[NOT_STARTED] = answers[NOT_STARTED]
        return initial

    def rows(self) -> list[tuple[int, Question, list[forms.BoundField]]]:
        """(number, question, its fields) in the form's order, the report type included."""
        rows: list[tuple[int, Question, list[forms.BoundField]]] = []
        for number, question in enumerate(BY_KEY.values(), start=1):
            if question.kind == Kind.REPORT_TYPE:
                rows.append((number, question, []))
            elif question.kind == Kind.SECTIONS:
                rows.append((number, question, [self[question.key], self[f"{question.key}_other"]]))
            elif question.kind == Kind.YES_NO:
                rows.append((number, question, [self[question.key], self[f"{question.key}_text"]]))
            elif question.kind == Kind.DATE:
                rows.append((number, question, [self[question.key], self[NOT_STARTED]]))
            else:
                rows.append((number, question, [self[question.key]]))
        return rows


class SubmitForm(forms.Form):
    """Submitting a report: the version read, and the confirmation on the summary page.

    Without `confirmed` the post only shows what is about to be submitted; the summary's
    button sends it again with `confirmed`, and only that post submits.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ListFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    measure = forms.IntegerField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [("", _("All years"))] + [
            (y, y) for y in years
        ]
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("All"))] + list(
            GrantReport.Status.choices
        )
