"""Mapping (kartlegging): recording one, its history, and the change over time as charts."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import mean

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from losen.accounts.http import AuthenticatedHttpRequest
from losen.audit.models import Purpose
from losen.cases.actions.work import can_work_on, do_record_mapping
from losen.cases.forms.work import MappingForm
from losen.cases.models import Case, Mapping, MappingAspect, MappingDomain
from losen.cases.queries.core import get_case_for
from losen.lib.charts import Series, line_chart
from losen.submissions.once import once_per_submission


def mappings_of(case: Case) -> list[Mapping]:
    return list(case.mappings.select_related("recorded_by").prefetch_related("scores"))


def _average(values: Sequence[int | None]) -> float | None:
    given = [v for v in values if v is not None]
    return round(mean(given), 1) if given else None


def mapping_charts(mappings: Sequence[Mapping]) -> list[dict]:
    """Per aspect: the average score over the domains, by the young person and by the
    coordinator, at each mapping; as an SVG chart and as table rows."""
    dates = [m.mapped_on.strftime("%d.%m.%y") for m in mappings]
    charts = []
    for aspect, aspect_label in MappingAspect.choices:
        youth, coordinator = [], []
        for mapping in mappings:
            scores = [s for s in mapping.scores.all() if s.aspect == aspect]
            youth.append(_average([s.youth_score for s in scores]))
            coordinator.append(_average([s.coordinator_score for s in scores]))
        youth_label, coordinator_label = _("The young person"), _("The coordinator")
        svg = line_chart(
            title=_("%(aspect)s: average score over time") % {"aspect": aspect_label},
            description=_(
                "Average score from 1 to 5 over the domains, at each of %(count)s mappings, "
                "by the young person and by the coordinator. The table below has the numbers."
            )
            % {"count": len(mappings)},
            x_labels=dates,
            series=[Series(youth_label, youth), Series(coordinator_label, coordinator)],
            chart_id=f"chart-{aspect}",
        )
        charts.append(
            {
                "aspect": aspect,
                "label": aspect_label,
                "svg": mark_safe(svg),  # noqa: S308 - built by line_chart, which escapes all text
                "rows": [
                    (mapping, y, c)
                    for mapping, y, c in zip(mappings, youth, coordinator, strict=True)
                ],
            }
        )
    return charts


def score_tables(mappings: Sequence[Mapping]) -> list[dict]:
    """Per aspect: rows of domains, and per mapping the two scores."""
    by_mapping = [{(s.aspect, s.domain): s for s in mapping.scores.all()} for mapping in mappings]
    return [
        {
            "aspect": aspect,
            "label": aspect_label,
            "rows": [
                (domain_label, [scores.get((aspect, domain)) for scores in by_mapping])
                for domain, domain_label in MappingDomain.choices
            ],
        }
        for aspect, aspect_label in MappingAspect.choices
    ]


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def mapping_new(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.FOLLOW_UP, what="mapping")
    if not can_work_on(request.user, case):
        raise Http404("Only the case's team records mappings.")
    form = MappingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        do_record_mapping(
            request.user,
            case,
            mapped_on=form.cleaned_data["mapped_on"],
            scores=form.scores(),
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("The mapping is saved."))
        return redirect(reverse("cases:detail", args=[case.pk]) + "#section-mapping")
    return render(request, "cases/mapping_form.html", {"case": case, "form": form})


@login_required
@require_GET
def mapping_history(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.FOLLOW_UP, what="mapping")
    mappings = mappings_of(case)
    return render(
        request,
        "cases/mappings.html",
        {
            "case": case,
            "mappings": mappings,
            "tables": score_tables(mappings),
            "charts": mapping_charts(mappings) if mappings else [],
            "can_work": can_work_on(request.user, case),
        },
    )
