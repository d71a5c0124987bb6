"""Forms for the case page and the work inside a case.

Every form on the case page has its own prefix, so two fields called "note" never share
an id on one page.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import cast

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Team, User
from losen.cases.actions.work import GoalData, Score, StepData
from losen.cases.models import (
    Case,
    CaseState,
    Category,
    Goal,
    MappingAspect,
    MappingDomain,
    PlanStep,
)
from losen.lib.forms import DATE_INPUT

SCORE_CHOICES = [("", "–"), *((n, str(n)) for n in range(1, 6))]


def _not_in_future(value: datetime.date | None) -> datetime.date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."), code="future")
    return value


class CaseFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All open cases")), ("all", _("All cases")), *CaseState.choices],
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All teams")
    )

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(pk__in=[t.pk for t in teams])


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


class ContactPersonForm(forms.Form):
    contact_person = UserChoiceField(
        label=_("Contact person"), queryset=User.objects.none(), empty_label=_("Choose a person")
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case: Case, **kwargs):
        from losen.cases.queries.core import team_members

        kwargs.setdefault("prefix", "contact")
        kwargs.setdefault("initial", {"contact_person": case.contact_person_id})
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["contact_person"]).queryset = team_members(case)


class FlagForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the team should discuss the case"),
        max_length=300,
        widget=forms.TextInput(),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "flag")
        super().__init__(*args, **kwargs)


class CategoryForm(forms.Form):
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, choices=[("", _("Choose a category")), *Category.choices]
    )
    set_on = forms.DateField(label=_("Date of the assessment"), widget=DATE_INPUT)
    note = forms.CharField(
        label=_("Reasoning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "category")
        kwargs.setdefault("initial", {"set_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_set_on(self):
        return _not_in_future(self.cleaned_data.get("set_on"))


class SchoolRightsForm(forms.Form):
    years_used = forms.DecimalField(
        label=_("Years used"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("9.9"),
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    years_left = forms.DecimalField(
        label=_("Years left"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("9.9"),
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    recorded_on = forms.DateField(label=_("Found out on"), widget=DATE_INPUT)
    note = forms.CharField(
        label=_("How the rights were used"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example which school years were started and when they were broken off."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("prefix", "school")
        kwargs.setdefault(
            "initial",
            {
                "years_used": case.school_years_used,
                "years_left": case.school_years_left,
                "recorded_on": timezone.localdate(),
            },
        )
        super().__init__(*args, **kwargs)

    def clean_recorded_on(self):
        return _not_in_future(self.cleaned_data.get("recorded_on"))

    def clean(self):
        cleaned = super().clean()
        given = [cleaned.get("years_used"), cleaned.get("years_left")]
        if not self.errors and given == [None, None]:
            raise forms.ValidationError(
                _("Give the years used, the years left, or both."), code="empty"
            )
        return cleaned


class MappingForm(forms.Form):
    """A date, a summary, and for each aspect and domain two scores (both optional)."""

    mapped_on = forms.DateField(label=_("Date of the mapping"), widget=DATE_INPUT)
    note = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"mapped_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        for aspect, aspect_label in MappingAspect.choices:
            for domain, domain_label in MappingDomain.choices:
                for rater, rater_label in (
                    ("youth", _("the young person's score")),
                    ("coordinator", _("the coordinator's score")),
                ):
                    self.fields[self.field_name(aspect, domain, rater)] = forms.TypedChoiceField(
                        label=_("%(domain)s, %(aspect)s – %(rater)s")
                        % {
                            "domain": domain_label,
                            "aspect": str(aspect_label).lower(),
                            "rater": rater_label,
                        },
                        choices=SCORE_CHOICES,
                        coerce=int,
                        empty_value=None,
                        required=False,
                    )

    @staticmethod
    def field_name(aspect: str, domain: str, rater: str) -> str:
        return f"{aspect}-{domain}-{rater}"

    def clean_mapped_on(self):
        return _not_in_future(self.cleaned_data.get("mapped_on"))

    def tables(self) -> list[dict]:
        """One table per aspect: rows of (domain, young person's field, coordinator's field)."""
        return [
            {
                "aspect": aspect,
                "label": label,
                "rows": [
                    (
                        domain_label,
                        self[self.field_name(aspect, domain, "youth")],
                        self[self.field_name(aspect, domain, "coordinator")],
                    )
                    for domain, domain_label in MappingDomain.choices
                ],
            }
            for aspect, label in MappingAspect.choices
        ]

    def scores(self) -> list[Score]:
        return [
            Score(
                domain=domain,
                aspect=aspect,
                youth=self.cleaned_data.get(self.field_name(aspect, domain, "youth")),
                coordinator=self.cleaned_data.get(self.field_name(aspect, domain, "coordinator")),
            )
            for aspect in MappingAspect.values
            for domain in MappingDomain.values
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and all(
            score.youth is None and score.coordinator is None for score in self.scores()
        ):
            raise forms.ValidationError(_("Give at least one score."), code="empty")
        return cleaned


# ---------------------------------------------------------------------------------------
# Goals and action plan: the whole plan in one form (a version, a goal and a step formset)


class PlanVersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput(), min_value=0)


class GoalForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput(), required=False)
    kind = forms.ChoiceField(label=_("Kind of goal"), choices=Goal.Kind.choices)
    text = forms.CharField(label=_("Goal"), max_length=500)
    achieved_on = forms.DateField(label=_("Achieved on"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An untouched extra form keeps its default kind and counts as empty.
        self.fields["kind"].initial = Goal.Kind.OUTCOME

    def goal_data(self) -> GoalData:
        return GoalData(
            id=self.cleaned_data.get("id"),
            kind=self.cleaned_data["kind"],
            text=self.cleaned_data["text"].strip(),
            achieved_on=self.cleaned_data.get("achieved_on"),
        )


class StepForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput(), required=False)
    text = forms.CharField(label=_("Step"), max_length=500)
    owner = forms.ChoiceField(label=_("Who does it"), choices=PlanStep.Owner.choices)
    owner_name = forms.CharField(
        label=_("Name of the other actor"),
        max_length=200,
        required=False,
        help_text=_("Required when another actor does it, e.g. “NAV, Ola Nordmann”."),
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_INPUT)
    status = forms.ChoiceField(label=_("Status"), choices=PlanStep.Status.choices)
    goal = forms.TypedChoiceField(
        label=_("Goal it serves"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].initial = PlanStep.Owner.YOUTH
        self.fields["status"].initial = PlanStep.Status.PLANNED
        self.fields["goal"].choices = [
            ("", _("No particular goal")),
            *((goal.pk, goal.text) for goal in goals),
        ]
        if not goals:
            self.fields["goal"].help_text = _("Goals can be chosen here once they are saved.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("owner") == PlanStep.Owner.OTHER and not cleaned.get("owner_name", ""):
            self.add_error(
                "owner_name",
                forms.ValidationError(
                    _("Name the other actor who does this step."), code="owner_name_required"
                ),
            )
        return cleaned

    def step_data(self) -> StepData:
        owner = self.cleaned_data["owner"]
        return StepData(
            id=self.cleaned_data.get("id"),
            text=self.cleaned_data["text"].strip(),
            owner=owner,
            owner_name=self.cleaned_data["owner_name"].strip()
            if owner == PlanStep.Owner.OTHER
            else "",
            deadline=self.cleaned_data.get("deadline"),
            status=self.cleaned_data["status"],
            goal_id=self.cleaned_data.get("goal"),
        )


class _PlanFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove from the plan")

    def kept_forms(self) -> list[forms.Form]:
        """The rows the plan keeps, in order: every saved row not marked for deletion, and
        the extra rows that were filled in.

        A saved row left as it was is data, not noise: it is kept whether or not it
        changed (keeping only the changed rows would drop the rest of the plan on
        save). Only an extra row left empty is no row at all.
        """
        initial_count = self.initial_form_count()
        return [
            form
            for index, form in enumerate(self.forms)
            if (index < initial_count or form.has_changed())
            and not (self.can_delete and form.cleaned_data.get(DELETION_FIELD_NAME, False))
        ]


GoalFormSet = cast(
    type[_PlanFormSet],
    forms.formset_factory(GoalForm, formset=_PlanFormSet, extra=2, can_delete=True),
)
StepFormSet = cast(
    type[_PlanFormSet],
    forms.formset_factory(StepForm, formset=_PlanFormSet, extra=3, can_delete=True),
)


def goal_initial(plan) -> list[dict]:
    if plan is None:
        return []
    return [
        {"id": g.pk, "kind": g.kind, "text": g.text, "achieved_on": g.achieved_on}
        for g in plan.goals.all()
    ]


def step_initial(plan) -> list[dict]:
    if plan is None:
        return []
    return [
        {
            "id": s.pk,
            "text": s.text,
            "owner": s.owner,
            "owner_name": s.owner_name,
            "deadline": s.deadline,
            "status": s.status,
            "goal": s.goal_id,
        }
        for s in plan.steps.all()
    ]


# ---------------------------------------------------------------------------------------
# Journal, corrections, hand-over


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}))
    written_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    confidential = forms.BooleanField(
        label=_("Confidential: only the contact person and the team lead can read it"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "journal")
        kwargs.setdefault("initial", {"written_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_written_on(self):
        return _not_in_future(self.cleaned_data.get("written_on"))

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError(_("Write the note."), code="required")
        return text


class EditNoteForm(NoteForm):
    version = forms.IntegerField(widget=forms.HiddenInput(), min_value=1)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", None)  # alone on its page
        super().__init__(*args, **kwargs)


class CorrectionForm(forms.Form):
    note = forms.CharField(
        label=_("What was wrong, and what is right"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    effective_on = forms.DateField(
        label=_("Correct date it took effect"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Leave empty if the date was right."),
    )

    def clean_effective_on(self):
        return _not_in_future(self.cleaned_data.get("effective_on"))


class HandOverPickForm(forms.Form):
    """Step one: whose cases (any coordinator with open cases in the actor's teams)."""

    from_user = UserChoiceField(
        label=_("Coordinator whose cases are handed over"),
        queryset=User.objects.none(),
        empty_label=_("Choose a coordinator"),
    )

    def __init__(self, *args, handing_over, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_user"].queryset = handing_over


class CaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Case) -> str:
        return f"{obj.person.full_name} – {obj.team.name} – {obj.get_state_display()}"


class HandOverForm(forms.Form):
    from_user = forms.ModelChoiceField(queryset=User.objects.none(), widget=forms.HiddenInput())
    cases = CaseChoiceField(
        label=_("Cases to hand over"),
        queryset=Case.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    to_user = UserChoiceField(
        label=_("Receiving coordinator"),
        queryset=User.objects.none(),
        empty_label=_("Choose a coordinator"),
    )
    note = forms.CharField(
        label=_("Hand-over note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the cases move, and what the new contact person should know."),
    )

    def __init__(self, *args, handing_over, cases, receivers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_user"].queryset = handing_over
        self.fields["cases"].queryset = cases
        self.fields["to_user"].queryset = receivers

    def clean(self):
        from losen.cases.queries.core import team_members

        cleaned = super().clean()
        to_user, chosen = cleaned.get("to_user"), cleaned.get("cases")
        if to_user and cleaned.get("from_user") == to_user:
            self.add_error("to_user", _("Choose someone else than the coordinator handing over."))
        elif to_user and chosen:
            outside = [c for c in chosen if not team_members(c).filter(pk=to_user.pk).exists()]
            if outside:
                self.add_error(
                    "to_user",
                    forms.ValidationError(
                        _("%(name)s does not work in the team of: %(cases)s.")
                        % {
                            "name": to_user.get_full_name(),
                            "cases": ", ".join(c.person.full_name for c in outside),
                        },
                        code="not_in_team",
                    ),
                )
        return cleaned
