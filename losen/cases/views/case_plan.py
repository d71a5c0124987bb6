"""Goals and action plan: edit the whole plan in one form; print it for the young person."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from losen.accounts.http import AuthenticatedHttpRequest
from losen.audit.models import Purpose
from losen.cases.actions.work import can_work_on, do_save_plan
from losen.cases.forms.work import (
    GoalForm,
    GoalFormSet,
    PlanVersionForm,
    StepForm,
    StepFormSet,
    goal_initial,
    step_initial,
)
from losen.cases.models import ActionPlan, Case, Goal, PlanStep
from losen.cases.queries.core import get_case_for
from losen.lib.errors import StaleEdit
from losen.lib.exporters import Exporter, about_line, as_of_text, pdf_response


def plan_of(case: Case) -> ActionPlan | None:
    """The case's plan with its goals and steps, or None before the first save."""
    plan = (
        ActionPlan.objects.filter(case=case)
        .select_related("updated_by")
        .prefetch_related("goals", "steps__goal")
        .first()
    )
    return plan


def plan_summary(plan: ActionPlan | None) -> dict:
    """Goals by kind and the steps, for the case page, the conflict view and the print."""
    if plan is None:
        return {"plan": None, "outcome_goals": [], "development_goals": [], "steps": []}
    goals = list(plan.goals.all())
    return {
        "plan": plan,
        "outcome_goals": [g for g in goals if g.kind == Goal.Kind.OUTCOME],
        "development_goals": [g for g in goals if g.kind == Goal.Kind.DEVELOPMENT],
        "steps": list(plan.steps.all()),
    }


def step_owner(step: PlanStep) -> str:
    if step.owner == PlanStep.Owner.OTHER and step.owner_name:
        return step.owner_name
    return str(step.get_owner_display())


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.FOLLOW_UP, what="action_plan")
    if not can_work_on(request.user, case):
        raise Http404("Only the case's team edits the plan.")
    plan = plan_of(case)
    saved_goals = list(plan.goals.all()) if plan else []
    data = request.POST if request.method == "POST" else None
    version_form = PlanVersionForm(data, initial={"version": plan.version if plan else 0})
    goal_formset = GoalFormSet(data, initial=goal_initial(plan), prefix="goals")
    step_formset = StepFormSet(
        data,
        initial=step_initial(plan),
        prefix="steps",
        form_kwargs={"goals": saved_goals},
    )
    conflict: ActionPlan | None = None
    conflict_missing = False
    error = ""
    posted = request.method == "POST"
    valid = (
        posted and version_form.is_valid() and goal_formset.is_valid() and step_formset.is_valid()
    )
    if valid:
        goals = [cast(GoalForm, form).goal_data() for form in goal_formset.kept_forms()]
        steps = [cast(StepForm, form).step_data() for form in step_formset.kept_forms()]
        try:
            saved = do_save_plan(
                request.user,
                case,
                expected_version=version_form.cleaned_data["version"],
                goals=goals,
                steps=steps,
            )
        except StaleEdit as exc:
            conflict = plan_of(case)
            conflict_missing = exc.current is None
            error = _(
                "Someone else saved the plan while you were editing it. Your changes are not "
                "saved. Compare with the saved plan, then make your changes again on top of it."
            )
        except ValueError:
            error = _(
                "The plan could not be saved as it is: give it at least one goal or step, and "
                "check that a step's goal is still in the plan."
            )
        else:
            if plan is not None and saved.version == plan.version:
                messages.info(request, _("Nothing in the plan was changed; it is as it was."))
            else:
                messages.success(request, _("The plan is saved."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#section-plan")
    return render(
        request,
        "cases/plan_form.html",
        {
            "case": case,
            "plan": plan,
            "version_form": version_form,
            "goal_formset": goal_formset,
            "step_formset": step_formset,
            "error": error,
            "conflict": conflict,
            "conflict_missing": conflict_missing,
            "saved": plan_summary(conflict) if conflict else None,
            "invalid": posted and not valid,
        },
    )


class PlanStepsExporter(Exporter):
    """The plan's steps as a table, for the printable plan."""

    def __init__(self, case: Case, steps: Iterable[PlanStep]):
        self.title = _("Action plan for %(name)s") % {"name": case.person.full_name}
        self.about = about_line(
            case.organisation.name, case.team.name, as_of_text(timezone.localdate())
        )
        self.filename = f"action-plan-{case.pk}"
        self.steps = list(steps)

    def header(self) -> list[str]:
        return [_("Step"), _("Who does it"), _("Deadline"), _("Status"), _("Goal")]

    def rows(self):
        for step in self.steps:
            yield [
                step.text,
                step_owner(step),
                step.deadline.strftime("%d.%m.%Y") if step.deadline else "",
                step.get_status_display(),
                step.goal.text if step.goal else "",
            ]


def plan_print_context(case: Case) -> tuple[PlanStepsExporter, dict]:
    """What the printable plan shows: the name, goals and steps; never the identity number."""
    summary = plan_summary(plan_of(case))
    exporter = PlanStepsExporter(case, summary["steps"])
    context = {
        "person_name": case.person.full_name,
        "team_name": case.team.name,
        "contact_person": case.contact_person.get_full_name() if case.contact_person else "",
        # The cells as they are: the shared PDF table guards cells against spreadsheet
        # formulas, which a printed plan does not need ("- call NAV" stays as written).
        "step_rows": list(exporter.rows()),
        **summary,
    }
    return exporter, context


@login_required
@require_GET
def plan_pdf(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.EXPORT, what="action_plan")
    exporter, context = plan_print_context(case)
    return pdf_response(exporter, template="cases/plan.pdf.html", context=context)
