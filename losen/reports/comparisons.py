"""Comparisons and targets on the results page: reference figures beside ours, and the section.

Each reference figure (another municipality's share, the cost of a NAV measure) is shown
beside the dashboard's figure of the same metric (losen/reports/metrics.py); the section
gathers them with the targets the actor may see (losen/reports/targets.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from losen.reports.dashboard import Access, Dashboard
from losen.reports.metrics import METRICS, Metric, difference, formatted, years
from losen.reports.models import ReferenceFigure, Target
from losen.reports.targets import Progress, chart, progress

# Reference figures beside ours


def in_metric_order(figures: Iterable[ReferenceFigure]) -> list[ReferenceFigure]:
    """The figures in the order of METRICS, then by whose figure they are."""
    order = {key: index for index, key in enumerate(METRICS)}
    return sorted(figures, key=lambda f: (order.get(f.metric, len(order)), f.label))


@dataclass(frozen=True)
class Comparison:
    figure: ReferenceFigure
    metric: Metric
    theirs: str
    ours: str
    difference: str
    years: str = ""
    note: str = ""


def comparisons(figures: Sequence[ReferenceFigure], board: Dashboard) -> list[Comparison]:
    """Each reference figure beside the dashboard's figure of the same metric."""
    rows = []
    for figure in in_metric_order(figures):
        found = METRICS.get(figure.metric)
        if found is None or found.ours is None:
            continue
        note = ""
        if found.is_cost and not board.with_costs:
            ours = None
            note = _("Costs are shown to team leads, administrators and managers.")
        else:
            ours = found.ours(board)
            if ours is None and board.suppressed:
                note = _("Hidden or not enough to go on.")
        rows.append(
            Comparison(
                figure=figure,
                metric=found,
                theirs=formatted(figure.value, found.unit, places=2),
                ours=formatted(ours, found.unit),
                difference=difference(ours, figure.value, found.unit),
                years=years(figure),
                note=note,
            )
        )
    return rows


# The dashboard's section


def _shown_on_dashboard(
    target: Target, access: Access, team_id: int | None, measure_id: int | None
) -> bool:
    """Targets for what the dashboard shows, at a scope the actor may see."""
    if team_id is not None and target.team_id not in (None, team_id):
        return False
    if measure_id is not None and target.measure_id not in (None, measure_id):
        return False
    if target.metric == "readings":
        return True  # entered by hand for the organisation: no count of our young people
    if target.organisation_id in access.org_wide:
        return True
    return access.is_exact(target.team_id)


@dataclass(frozen=True)
class TargetView:
    progress: Progress
    chart: str


@dataclass(frozen=True)
class Section:
    organisation_id: int
    comparisons: list[Comparison]
    targets: list[TargetView]


def targets_for_dashboard(
    access: Access, organisation_id: int, *, team_id: int | None, measure_id: int | None
) -> list[Target]:
    targets = (
        Target.objects.filter(organisation_id=organisation_id)
        .select_related("team", "measure")
        .prefetch_related("readings")
    )
    return [t for t in targets if _shown_on_dashboard(t, access, team_id, measure_id)]


def target_view(target: Target, access: Access, *, today: datetime.date) -> TargetView:
    suppressed = not access.is_exact(target.team_id)
    readings = list(target.readings.all())  # prefetched, in date order
    shown = progress(target, suppressed=suppressed, today=today, readings=readings)
    return TargetView(progress=shown, chart=chart(shown, f"target-chart-{target.pk}"))


def dashboard_section(
    access: Access,
    board: Dashboard,
    *,
    organisation_id: int,
    team_id: int | None,
    measure_id: int | None,
    today: datetime.date,
) -> Section:
    figures = ReferenceFigure.objects.filter(organisation_id=organisation_id)
    return Section(
        organisation_id=organisation_id,
        comparisons=comparisons(list(figures), board),
        targets=[
            target_view(target, access, today=today)
            for target in targets_for_dashboard(
                access, organisation_id, team_id=team_id, measure_id=measure_id
            )
        ],
    )


def dashboard_context(form: Any, board: Dashboard | None) -> dict[str, Any]:
    """The dashboard's "comparisons" context: the section for the form's choices."""
    if board is None:
        return {}
    cleaned = form.cleaned_data
    return {
        "comparisons": dashboard_section(
            form.access,
            board,
            organisation_id=cleaned["organisation"],
            team_id=cleaned.get("team"),
            measure_id=cleaned.get("measure"),
            today=timezone.localdate(),
        )
    }
