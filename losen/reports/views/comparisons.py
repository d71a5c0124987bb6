"""Pages for reference figures and targets: list, add, edit, delete; a target's progress.

Readers (team leads, administrators, managers) see the lists and a target's progress;
writers change them (losen.reports.queries). Everyone else gets 404.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from losen.accounts.http import AuthenticatedHttpRequest
from losen.accounts.models import Organisation, Team
from losen.accounts.scope import scope_of
from losen.lib.errors import NotAllowed, StaleEdit
from losen.reports import actions, comparisons, metrics, queries
from losen.reports.forms.comparisons import ReadingForm, ReferenceFigureForm, TargetForm
from losen.reports.models import ReferenceFigure, Target
from losen.reports.targets import chart, progress
from losen.submissions.once import once_per_submission

CONFLICT = gettext_lazy(
    "Someone else saved changes while you were editing. Your changes are not saved. "
    "Compare with the saved version below, then save again if yours should win."
)


def _organisations(org_ids: frozenset[int], reason: str) -> list[Organisation]:
    organisations = list(Organisation.objects.filter(pk__in=org_ids).order_by("name"))
    if not organisations:
        raise Http404(reason)
    return organisations


def _reference_rows(figures: list[ReferenceFigure]) -> list[dict[str, Any]]:
    rows = []
    for figure in figures:
        found = metrics.METRICS.get(figure.metric)
        rows.append(
            {
                "figure": figure,
                "metric": metrics.metric_label(figure.metric),
                "value": metrics.formatted(figure.value, found.unit, places=2)
                if found
                else str(figure.value),
                "years": metrics.years(figure),
            }
        )
    return rows


@login_required
@require_GET
def comparison_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The reference figures and targets of the organisations the actor reads."""
    user = request.user
    organisations = _organisations(
        queries.reader_org_ids(user), "Team leads, administrators and managers only."
    )
    figures = comparisons.in_metric_order(
        queries.references_visible_to(user).select_related("created_by", "updated_by")
    )
    targets = list(queries.targets_visible_to(user).select_related("team", "measure"))
    sections = []
    for organisation in organisations:
        own_targets = [t for t in targets if t.organisation_id == organisation.pk]
        sections.append(
            {
                "organisation": organisation,
                "references": _reference_rows(
                    [f for f in figures if f.organisation_id == organisation.pk]
                ),
                "targets": [
                    {
                        "target": target,
                        "metric": metrics.metric_label(target.metric),
                        "baseline": _value(target, target.baseline_value),
                        "goal": _value(target, target.target_value),
                        "can_change": queries.can_write_target(
                            user, organisation.pk, target.team_id
                        ),
                    }
                    for target in own_targets
                ],
                "can_write_references": queries.can_write_references(user, organisation.pk),
                "can_set_targets": queries.can_set_targets(user, organisation.pk),
            }
        )
    return render(
        request,
        "reports/comparisons/list.html",
        {"sections": sections, "several": len(sections) > 1},
    )


def _value(target: Target, value: Any) -> str:
    found = metrics.METRICS.get(target.metric)
    return metrics.formatted(value, found.unit, places=2) if found else str(value)


def _conflict_rows(form: forms.Form, current: Any) -> list[tuple[str, str]]:
    rows = []
    for name, field in form.fields.items():
        if name in ("organisation", "version"):
            continue
        value = getattr(current, name, None)
        if name == "metric" and value is not None:
            value = metrics.metric_label(value)
        rows.append((str(field.label), "" if value is None else str(value)))
    return rows


def _after_conflict(form: forms.Form, current: Any) -> list[tuple[str, str]]:
    """Refuse the save, and let the editor save again on top of the current version."""
    form.add_error(None, CONFLICT)
    data = cast(QueryDict, form.data).copy()
    data["version"] = str(current.version)
    form.data = data
    return _conflict_rows(form, current)


# Reference figures


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def reference_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = _organisations(
        queries.writer_org_ids(request.user), "Only team leads and administrators."
    )
    form = ReferenceFigureForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        actions.do_create_reference_figure(
            request.user, form.cleaned_data["organisation"], **form.fields_to_save()
        )
        messages.success(request, _("The reference figure is saved."))
        return redirect("reports:comparisons")
    return render(
        request, "reports/comparisons/reference_form.html", {"form": form, "figure": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def reference_edit(request: AuthenticatedHttpRequest, figure_id: int) -> HttpResponse:
    figure = queries.get_reference_for(request.user, figure_id, to_change=True)
    initial: dict[str, Any] = {name: getattr(figure, name) for name in actions.REFERENCE_FIELDS}
    initial.update(organisation=figure.organisation_id, version=figure.version)
    form = ReferenceFigureForm(
        request.POST or None, initial=initial, organisations=[figure.organisation]
    )
    conflict: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.do_update_reference_figure(
                request.user,
                figure,
                expected_version=form.cleaned_data["version"] or 0,
                **form.fields_to_save(),
            )
        except StaleEdit as exc:
            conflict = _after_conflict(form, exc.current)
        else:
            if changed:
                messages.success(request, _("The changes are saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("reports:comparisons")
    return render(
        request,
        "reports/comparisons/reference_form.html",
        {"form": form, "figure": figure, "conflict": conflict},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reference_delete(request: AuthenticatedHttpRequest, figure_id: int) -> HttpResponse:
    figure = queries.get_reference_for(request.user, figure_id, to_change=True)
    if request.method == "POST":
        actions.do_delete_reference_figure(request.user, figure)
        messages.success(request, _("The reference figure is deleted."))
        return redirect("reports:comparisons")
    found = metrics.METRICS.get(figure.metric)
    return render(
        request,
        "reports/comparisons/confirm_delete.html",
        {
            "title": _("Delete the reference figure?"),
            "what": f"{figure.label}: {metrics.metric_label(figure.metric)}, "
            + (metrics.formatted(figure.value, found.unit, places=2) if found else ""),
            "cancel_url": "reports:comparisons",
        },
    )


# Targets


def _target_teams(
    request: AuthenticatedHttpRequest, organisations: list[Organisation]
) -> tuple[list, bool]:
    """The teams the actor may set targets for, and whether also for a whole organisation."""
    scope = scope_of(request.user)
    admin_orgs = [o.pk for o in organisations if o.pk in scope.admin_org_ids]
    led = set().union(*(queries.target_team_ids(request.user, o.pk) for o in organisations))
    teams = list(
        Team.objects.filter(Q(organisation_id__in=admin_orgs) | Q(pk__in=led)).order_by("name")
    )
    return teams, bool(admin_orgs)


def _target_organisations(request: AuthenticatedHttpRequest) -> list[Organisation]:
    org_ids = frozenset(
        org_id
        for org_id in queries.writer_org_ids(request.user)
        if queries.can_set_targets(request.user, org_id)
    )
    return _organisations(org_ids, "Only team leads and administrators set targets.")


def _save_target(request: AuthenticatedHttpRequest, form: TargetForm, save: Any) -> Any:
    try:
        return save()
    except NotAllowed:
        form.add_error("team", forms.ValidationError(form.error_messages["team"], "team"))
        return None


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def target_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = _target_organisations(request)
    teams, whole = _target_teams(request, organisations)
    form = TargetForm(
        request.POST or None,
        organisations=organisations,
        teams=teams,
        whole_organisation=whole,
    )
    if request.method == "POST" and form.is_valid():
        target = _save_target(
            request,
            form,
            lambda: actions.do_create_target(
                request.user, form.cleaned_data["organisation"], **form.fields_to_save()
            ),
        )
        if target is not None:
            messages.success(request, _("The target is saved."))
            return redirect("reports:target_detail", target_id=target.pk)
    return render(request, "reports/comparisons/target_form.html", {"form": form, "target": None})


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: AuthenticatedHttpRequest, target_id: int) -> HttpResponse:
    target = queries.get_target_for(request.user, target_id, to_change=True)
    teams, whole = _target_teams(request, [target.organisation])
    initial: dict[str, Any] = {name: getattr(target, name) for name in actions.TARGET_FIELDS}
    initial.update(organisation=target.organisation_id, version=target.version)
    form = TargetForm(
        request.POST or None,
        initial=initial,
        organisations=[target.organisation],
        teams=teams,
        whole_organisation=whole,
    )
    conflict: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            changed = _save_target(
                request,
                form,
                lambda: actions.do_update_target(
                    request.user,
                    target,
                    expected_version=form.cleaned_data["version"] or 0,
                    **form.fields_to_save(),
                ),
            )
        except StaleEdit as exc:
            conflict = _after_conflict(form, exc.current)
        else:
            if changed is not None:
                messages.success(request, _("The changes are saved."))
                return redirect("reports:target_detail", target_id=target.pk)
    return render(
        request,
        "reports/comparisons/target_form.html",
        {"form": form, "target": target, "conflict": conflict},
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_delete(request: AuthenticatedHttpRequest, target_id: int) -> HttpResponse:
    target = queries.get_target_for(request.user, target_id, to_change=True)
    if request.method == "POST":
        actions.do_delete_target(request.user, target)
        messages.success(request, _("The target is deleted."))
        return redirect("reports:comparisons")
    return render(
        request,
        "reports/comparisons/confirm_delete.html",
        {
            "title": _("Delete the target?"),
            "what": target.description,
            "note": _("Its readings are deleted with it."),
            "cancel_url": "reports:comparisons",
        },
    )


def _target_page(
    request: AuthenticatedHttpRequest, target: Target, reading_form: ReadingForm, status: int = 200
) -> HttpResponse:
    readings = list(target.readings.select_related("created_by").order_by("measured_on"))
    exact = (
        target.team_id is not None and target.team_id in scope_of(request.user).casework_team_ids
    )
    shown = progress(target, suppressed=not exact, today=timezone.localdate(), readings=readings)
    return render(
        request,
        "reports/comparisons/target_detail.html",
        {
            "target": target,
            "progress": shown,
            "chart": chart(shown, f"target-chart-{target.pk}"),
            "readings": readings,
            "uses_readings": shown.metric.over_time == metrics.OverTime.READINGS,
            "reading_form": reading_form,
            "can_change": queries.can_write_target(
                request.user, target.organisation_id, target.team_id
            ),
            "metric": metrics.metric_label(target.metric),
        },
        status=status,
    )


@login_required
@require_GET
def target_detail(request: AuthenticatedHttpRequest, target_id: int) -> HttpResponse:
    target = queries.get_target_for(request.user, target_id)
    return _target_page(request, target, ReadingForm())


@login_required
@require_POST
@once_per_submission
def reading_new(request: AuthenticatedHttpRequest, target_id: int) -> HttpResponse:
    target = queries.get_target_for(request.user, target_id, to_change=True)
    form = ReadingForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_target_reading(request.user, target, **form.cleaned_data)
        except actions.DuplicateReading:
            form.add_error(
                "measured_on", _("There is already a reading on this day. Delete it first.")
            )
        else:
            messages.success(request, _("The reading is saved."))
            return redirect("reports:target_detail", target_id=target.pk)
    return _target_page(request, target, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def reading_delete(
    request: AuthenticatedHttpRequest, target_id: int, reading_id: int
) -> HttpResponse:
    target = queries.get_target_for(request.user, target_id, to_change=True)
    reading = target.readings.filter(pk=reading_id).first()
    if reading is None:
        raise Http404("No such reading of this target.")
    if request.method == "POST":
        actions.do_delete_target_reading(request.user, reading)
        messages.success(request, _("The reading is deleted."))
        return redirect("reports:target_detail", target_id=target.pk)
    return render(
        request,
        "reports/comparisons/confirm_delete.html",
        {
            "title": _("Delete the reading?"),
            "what": f"{target.description}: {reading.measured_on:%d.%m.%Y}, "
            + _value(target, reading.value),
            "cancel_url": "reports:target_detail",
            "cancel_id": target.pk,
        },
    )
