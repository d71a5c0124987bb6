"""The results dashboard's figures: who sees which organisation, and the numbers.

`dashboard_access(actor)` decides what the actor may look at; `build_dashboard(...)`
computes every figure for one organisation (optionally one team or one measure) over a
period, in a fixed number of queries whatever the number of young people:

- flow: `monthly_results` (one grouped query);
- exit outcomes: the monthly exit columns summed over the period (no query);
- durability: one aggregate over the follow-ups of exits to work or education;
- cost: one query for the enrolments that overlap the period, one for the measures.

Exact or suppressed: figures are exact for a team the actor does casework in; every
other view (an organisation as administrator, manager or funder) hides counts from 1 to
`configured_threshold()` (losen.lib.suppression), and shares built on hidden counts.

Cost is counted in participant-months: each enrolment's days from its start (or the
period's first day) to its end (or the period's last day, or today if earlier), both
included, divided by 30.44 (the mean month), times the measure's monthly cost.
Enrolments that never started are not counted.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404

from losen.accounts.models import Organisation, Team, User
from losen.accounts.scope import scope_of
from losen.lib import suppression
from losen.lib.dates import add_months
from losen.outcomes.models import FollowUp
from losen.programs.models import Enrolment, Measure
from losen.reports.results import (
    COUNTS,
    EXIT_BREAKDOWN,
    EXIT_TOP_CODES,
    MonthRow,
    monthly_results,
    suppress_results,
)

DAYS_PER_MONTH = Decimal("30.44")
IN_WORK_OR_EDUCATION = ("work", "education")
FLOW_COLUMNS = ("referred", "started", "active_end_of_month", "exited")


@dataclass(frozen=True)
class Access:
    """What the actor may see on the dashboard: organisations and, per organisation, teams.

    `org_wide` holds the organisations the actor sees as a whole (suppressed);
    `casework_team_ids` the teams whose figures the actor sees exactly.
    """

    organisations: list[Organisation]
    org_wide: frozenset[int]
    casework_team_ids: frozenset[int]

    def is_exact(self, team_id: int | None) -> bool:
        return team_id is not None and team_id in self.casework_team_ids


def dashboard_access(actor: User) -> Access:
    """The actor's organisations for the dashboard; 404 for anyone with none."""
    scope = scope_of(actor)
    org_wide = scope.admin_org_ids | scope.aggregate_org_ids
    casework_orgs = {
        m.organisation_id for m in scope.memberships if m.team_id in scope.casework_team_ids
    }
    org_ids = org_wide | casework_orgs
    if not org_ids:
        raise Http404("No organisation whose results the actor sees.")
    return Access(
        organisations=list(Organisation.objects.filter(pk__in=org_ids).order_by("name")),
        org_wide=frozenset(org_wide),
        casework_team_ids=scope.casework_team_ids,
    )


def teams_for(access: Access, organisation_id: int) -> list[Team]:
    """The teams the actor may choose: all for an org-wide view, else their own."""
    teams = Team.objects.filter(organisation_id=organisation_id).order_by("name")
    if organisation_id not in access.org_wide:
        teams = teams.filter(pk__in=access.casework_team_ids)
    return list(teams)


@dataclass(frozen=True)
class Share:
    count: int | None
    share: float | None  # a fraction; None when hidden or undefined


@dataclass(frozen=True)
class FollowUpFigures:
    months: int
    reached: int | None
    in_work_or_education: int | None
    share: float | None


@dataclass(frozen=True)
class CostRow:
    measure: str
    monthly_cost: Decimal | None
    participants: int | None
    participant_months: Decimal
    cost: Decimal | None
    cost_per_participant: Decimal | None


@dataclass
class Dashboard:
    start: datetime.date
    end: datetime.date
    suppressed: bool
    rows: list[MonthRow]
    with_costs: bool
    # Each month's counts as published, in COUNTS order (None: hidden).
    cells: list[list[int | None]]
    exited: int | None = None
    exits: dict[str, Share] = field(default_factory=dict)
    work_or_education: Share | None = None
    exits_to_work_or_education: int | None = None
    follow_ups: list[FollowUpFigures] = field(default_factory=list)
    costs: list[CostRow] = field(default_factory=list)
    total_cost: Decimal | None = None
    total_participants: int | None = None
    total_cost_per_participant: Decimal | None = None

    def column(self, name: str) -> list[int | None]:
        index = COUNTS.index(name)
        return [cells[index] for cells in self.cells]


def period_end(end_month: datetime.date) -> datetime.date:
    """The last day of the month of `end_month`."""
    return add_months(end_month.replace(day=1), 1) - datetime.timedelta(days=1)


def build_dashboard(
    *,
    organisation_id: int,
    start: datetime.date,
    end: datetime.date,
    suppressed: bool,
    team_id: int | None = None,
    measure_id: int | None = None,
    with_costs: bool = True,
) -> Dashboard:
    """Every figure of the dashboard; `start` and `end` are the first days of months."""
    threshold = suppression.configured_threshold()
    last_day = period_end(end)
    rows = monthly_results(
        organisation_id=organisation_id,
        start=start,
        end=last_day,
        team_id=team_id,
        measure_id=measure_id,
    )
    if suppressed:
        cells = suppress_results(rows, threshold=threshold)
    else:
        cells = [[getattr(row, c) for c in COUNTS] for row in rows]
    board = Dashboard(
        start=start,
        end=last_day,
        suppressed=suppressed,
        rows=rows,
        with_costs=with_costs,
        cells=cells,
    )
    _exit_outcomes(board, threshold)
    _durability(
        board,
        threshold,
        organisation_id=organisation_id,
        team_id=team_id,
        measure_id=measure_id,
    )
    if with_costs:
        _costs(
            board,
            threshold,
            organisation_id=organisation_id,
            team_id=team_id,
            measure_id=measure_id,
        )
    return board


def _exit_outcomes(board: Dashboard, threshold: int) -> None:
    """Exits over the period per top code, with shares; suppressed against the total."""
    counts = [sum(getattr(row, column) for row in board.rows) for column in EXIT_BREAKDOWN]
    exited = sum(counts)
    work, education = counts[0], counts[1]
    if board.suppressed:
        shown_exited = None if suppression.is_small(exited, threshold=threshold) else exited
        shown = suppression.suppress_series(counts, threshold=threshold, total=exited)
        # The sum of work and education would give one hidden away if the other shows.
        pair = shown[0], shown[1]
        both = None if (pair[0] is None) != (pair[1] is None) else work + education
        board.exited = shown_exited
        board.exits = {
            top: Share(value, suppression.share(value, shown_exited, threshold=threshold))
            for top, value in zip(EXIT_TOP_CODES, shown, strict=True)
        }
        board.work_or_education = Share(
            both, suppression.share(both, shown_exited, threshold=threshold)
        )
        return
    board.exited = exited
    board.exits = {
        top: Share(value, value / exited if exited else None)
        for top, value in zip(EXIT_TOP_CODES, counts, strict=True)
    }
    both = work + education
    board.work_or_education = Share(both, both / exited if exited else None)


def _durability(
    board: Dashboard,
    threshold: int,
    *,
    organisation_id: int,
    team_id: int | None,
    measure_id: int | None,
) -> None:
    """Follow-ups of the period's exits to work or education, in one aggregate query."""
    follow_ups = FollowUp.objects.filter(
        exit__organisation_id=organisation_id,
        exit__exited_on__range=(board.start, board.end),
        exit__top_code__in=IN_WORK_OR_EDUCATION,
    )
    if team_id is not None:
        follow_ups = follow_ups.filter(exit__case__team_id=team_id)
    if measure_id is not None:
        follow_ups = follow_ups.filter(
            Exists(Enrolment.objects.filter(case=OuterRef("case_id"), measure_id=measure_id))
        )
    still = Q(reached=True, top_code__in=IN_WORK_OR_EDUCATION)
    aggregates = {}
    for months in (6, 12):
        aggregates[f"reached_{months}"] = Count("pk", filter=Q(months=months, reached=True))
        aggregates[f"still_{months}"] = Count("pk", filter=Q(still, months=months))
    figures = follow_ups.aggregate(**aggregates)
    board.exits_to_work_or_education = board.work_or_education.count
    for months in (6, 12):
        reached, still_in = figures[f"reached_{months}"], figures[f"still_{months}"]
        if board.suppressed:
            small = lambda n: suppression.is_small(n, threshold=threshold)  # noqa: E731
            shown_reached = None if small(reached) else reached
            # The reached total minus those still in work gives the rest: both must be
            # zero or above the threshold for either to be shown.
            shown_still = None if small(still_in) or small(reached - still_in) else still_in
            share = suppression.share(shown_still, shown_reached, threshold=threshold)
            board.follow_ups.append(FollowUpFigures(months, shown_reached, shown_still, share))
        else:
            share = still_in / reached if reached else None
            board.follow_ups.append(FollowUpFigures(months, reached, still_in, share))


def _participant_months(
    start_on: datetime.date, end_on: datetime.date | None, first: datetime.date, last: datetime.date
) -> Decimal:
    begin = max(start_on, first)
    finish = min(end_on or last, last)
    if finish < begin:
        return Decimal(0)
    return Decimal((finish - begin).days + 1) / DAYS_PER_MONTH


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def _costs(
    board: Dashboard,
    threshold: int,
    *,
    organisation_id: int,
    team_id: int | None,
    measure_id: int | None,
) -> None:
    """Participant-months and cost per measure over the period (see the module docstring)."""
    first = board.start
    last = min(board.end, datetime.date.today())
    enrolments = Enrolment.objects.filter(
        organisation_id=organisation_id,
        start_on__isnull=False,
        start_on__lte=last,
    ).filter(Q(end_on__isnull=True) | Q(end_on__gte=first))
    if team_id is not None:
        enrolments = enrolments.filter(case__team_id=team_id)
    if measure_id is not None:
        enrolments = enrolments.filter(measure_id=measure_id)
    months: dict[int, Decimal] = defaultdict(Decimal)
    people: dict[int, set[int]] = defaultdict(set)
    everyone: set[int] = set()
    for measure, case, start_on, end_on in enrolments.values_list(
        "measure_id", "case_id", "start_on", "end_on"
    ).iterator():
        counted = _participant_months(start_on, end_on, first, last)
        if counted:
            months[measure] += counted
            people[measure].add(case)
            everyone.add(case)
    measures = Measure.objects.filter(pk__in=months.keys()).order_by("name")
    counts = [len(people[m.pk]) for m in measures]
    total_people = len(everyone)
    if board.suppressed:
        # People in several measures make the per-measure counts add up to more than the
        # total, so the total is no equation for them: suppress each count on its own.
        shown = suppression.suppress_series(counts, threshold=threshold)
        shown_total = (
            None if suppression.is_small(total_people, threshold=threshold) else total_people
        )
    else:
        shown, shown_total = list(counts), total_people
    total_cost = Decimal(0)
    costed_months = Decimal(0)
    for measure, participants in zip(measures, shown, strict=True):
        participant_months = months[measure.pk]
        cost = None
        if measure.monthly_cost is not None:
            cost = participant_months * measure.monthly_cost
            total_cost += cost
            costed_months += participant_months
        board.costs.append(
            CostRow(
                measure=measure.name,
                monthly_cost=measure.monthly_cost,
                participants=participants,
                participant_months=participant_months.quantize(Decimal("0.1")),
                cost=None if cost is None else _money(cost),
                cost_per_participant=None
                if cost is None or not participants
                else _money(cost / participants),
            )
        )
    board.total_cost = _money(total_cost)
    board.total_participants = shown_total
    board.total_cost_per_participant = _money(total_cost / shown_total) if shown_total else None
