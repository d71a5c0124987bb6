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
from collections import Counter, defaultdict
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
from losen.reports.costs import Participation, participation
from losen.reports.milestones import TIMED, Milestones, case_milestones
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
    adults: Decimal | None = None
    adults_per_six: Decimal | None = None


@dataclass(frozen=True)
class CostMonth:
    """One month of cost; the "so far" figures count from the period's first month."""

    month: datetime.date
    participants: int | None
    participant_months: Decimal
    cost: Decimal
    cost_per_participant_month: Decimal | None
    adults_per_six: Decimal | None
    cost_so_far: Decimal
    participants_so_far: int | None
    cost_per_participant_so_far: Decimal | None
    exits_to_work_or_education_so_far: int | None
    cost_per_exit_so_far: Decimal | None


@dataclass(frozen=True)
class Spread:
    """Days from referral to a milestone: how many cases, median and quartiles."""

    cases: int | None
    median: float | None = None
    lower_quartile: float | None = None
    upper_quartile: float | None = None


@dataclass(frozen=True)
class TimeMonth:
    month: datetime.date
    in_month: dict[str, Spread]
    so_far: dict[str, Spread]


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
    total_participant_months: Decimal | None = None
    total_cost_per_participant_month: Decimal | None = None
    total_cost_per_exit: Decimal | None = None
    total_adults_per_six: Decimal | None = None
    cost_months: list[CostMonth] = field(default_factory=list)
    # Days from referral to first contact, start and exit: per month and so far.
    times: list[TimeMonth] = field(default_factory=list)
    times_total: dict[str, Spread] = field(default_factory=dict)

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
    milestones = case_milestones(
        organisation_id=organisation_id,
        start=start,
        end=last_day,
        team_id=team_id,
        measure_id=measure_id,
    )
    rows = monthly_results(
        organisation_id=organisation_id,
        start=start,
        end=last_day,
        team_id=team_id,
        measure_id=measure_id,
        milestones=milestones,
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
    _times(board, threshold, milestones)
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
        _published_exit_outcomes(board, threshold, counts)
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


def _quantile(histogram: list[tuple[int, int]], total: int, q: float) -> float:
    """The q-quantile of the values counted in `histogram` (sorted (value, count) pairs).

    Linear between the two nearest values, as `statistics.quantiles(method="inclusive")`.
    """
    position = q * (total - 1)
    below = int(position)
    fraction = position - below
    seen = 0
    low = high = None
    for value, count in histogram:
        if low is None and below < seen + count:
            low = value
        if below + 1 < seen + count or (fraction == 0 and low is not None):
            high = value
            break
        seen += count
    if high is None:
        high = histogram[-1][0]
    assert low is not None
    return low + (high - low) * fraction


def _spread(days: Counter, *, suppressed: bool, threshold: int) -> Spread:
    total = sum(days.values())
    if suppressed and suppression.is_small(total, threshold=threshold):
        return Spread(None)
    if not total:
        return Spread(0)
    histogram = sorted(days.items())
    return Spread(
        total,
        _quantile(histogram, total, 0.5),
        _quantile(histogram, total, 0.25),
        _quantile(histogram, total, 0.75),
    )


def _published_exit_outcomes(board: Dashboard, threshold: int, counts: list[int]) -> None:
    """The period's exits per top code, fit to publish beside the month table.

    A period total is the sum of the month table's cells in its column: it is shown only
    when none of those cells is hidden (one hidden month would be its total minus the
    shown months), or, for exits in all, to work and to education, as the month table's
    own last running total (already protected against that). Then the five totals are
    protected against the total of all exits, and shares built on hidden counts go.
    """
    last = board.cells[-1] if board.cells else None

    def running_total(name: str) -> int | None:
        return None if last is None else last[COUNTS.index(name)]

    hidden = set()
    for k, top in enumerate(EXIT_TOP_CODES):
        if None in board.column(EXIT_BREAKDOWN[k]):
            hidden.add(k)
        if top == "work" and running_total("cumulative_exit_work") is None:
            hidden.add(k)
        if top == "education" and running_total("cumulative_exit_education") is None:
            hidden.add(k)
    exited = running_total("cumulative_exited") if board.cells else 0
    shown = suppression.suppress_series(
        counts, threshold=threshold, total=exited, also_hidden=hidden
    )
    work, education = shown[0], shown[1]
    both = None if work is None or education is None else work + education
    board.exited = exited
    board.exits = {
        top: Share(value, suppression.share(value, exited, threshold=threshold))
        for top, value in zip(EXIT_TOP_CODES, shown, strict=True)
    }
    board.work_or_education = Share(both, suppression.share(both, exited, threshold=threshold))


def _times(board: Dashboard, threshold: int, milestones: Milestones) -> None:
    """Days from referral to each timed milestone, per month and so far.

    A median of fewer than `threshold` + 1 cases is hidden outside the team, with its
    count: a median of one or two cases is those cases' own figures.
    """
    per_month: dict[tuple[str, datetime.date], Counter] = defaultdict(Counter)
    for (milestone, month, days), count in milestones.times.items():
        per_month[milestone, month][days] += count
    so_far: dict[str, Counter] = {milestone: Counter() for milestone in TIMED}
    for row in board.rows:
        in_month = {}
        for milestone in TIMED:
            days = per_month.get((milestone, row.month), Counter())
            so_far[milestone].update(days)
            in_month[milestone] = _spread(days, suppressed=board.suppressed, threshold=threshold)
        board.times.append(
            TimeMonth(
                month=row.month,
                in_month=in_month,
                so_far={
                    m: _spread(so_far[m], suppressed=board.suppressed, threshold=threshold)
                    for m in TIMED
                },
            )
        )
    if board.suppressed:
        _protect_running_totals(board)
    board.times_total = board.times[-1].so_far if board.times else {}


def _protect_running_totals(board: Dashboard) -> None:
    """The "so far" counts beside the month counts, as the flow's running totals."""
    for milestone in TIMED:
        published = suppression.protect_running_totals(
            [month.in_month[milestone].cases for month in board.times],
            [month.so_far[milestone].cases for month in board.times],
        )
        for month, cases in zip(board.times, published, strict=True):
            if cases is None:
                month.so_far[milestone] = Spread(None)


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def _divide(amount: Decimal | None, by: Decimal | int | None) -> Decimal | None:
    if amount is None or not by:
        return None
    return _money(amount / by)


def _costs(
    board: Dashboard,
    threshold: int,
    *,
    organisation_id: int,
    team_id: int | None,
    measure_id: int | None,
) -> None:
    """Participant-months and cost per measure and per month (losen.reports.costs).

    Adults per six young people: a staffed measure's adults times six, divided by its
    mean number of participants (participant-days over the days counted); per month,
    over the staffed measures with participants that month.
    """
    found = participation(
        organisation_id=organisation_id,
        start=board.start,
        end=board.end,
        today=datetime.date.today(),
        team_id=team_id,
        measure_id=measure_id,
    )
    measures = list(Measure.objects.filter(pk__in=found.measure_ids()).order_by("name"))
    _cost_per_measure(board, threshold, found, measures)
    _cost_per_month(board, threshold, found, {m.pk: m for m in measures})


def _small(board: Dashboard, value: int, threshold: int) -> int | None:
    if board.suppressed and suppression.is_small(value, threshold=threshold):
        return None
    return value


def _cost_per_measure(
    board: Dashboard, threshold: int, found: Participation, measures: list[Measure]
) -> None:
    days_counted = sum(found.days_in.values())
    measure_days = found.measure_days()
    counts = [found.people_in_measure[m.pk] for m in measures]
    if board.suppressed:
        # People in several measures make the per-measure counts add up to more than the
        # total, so the total is no equation for them: suppress each count on its own.
        shown = suppression.suppress_series(counts, threshold=threshold)
    else:
        shown = list(counts)
    total_cost = Decimal(0)
    costed_months = Decimal(0)
    staffed_adults = Decimal(0)
    staffed_mean = Decimal(0)
    for measure, participants in zip(measures, shown, strict=True):
        days = measure_days.get(measure.pk, 0)
        participant_months = Decimal(days) / DAYS_PER_MONTH
        cost = None
        if measure.monthly_cost is not None:
            cost = participant_months * measure.monthly_cost
            total_cost += cost
            costed_months += participant_months
        adults_per_six = None
        if measure.adults is not None and days:
            mean = Decimal(days) / days_counted
            staffed_adults += measure.adults
            staffed_mean += mean
            if participants is not None:
                adults_per_six = (measure.adults * 6 / mean).quantize(Decimal("0.1"))
        board.costs.append(
            CostRow(
                measure=measure.name,
                monthly_cost=measure.monthly_cost,
                participants=participants,
                participant_months=participant_months.quantize(Decimal("0.1")),
                cost=None if cost is None else _money(cost),
                cost_per_participant=None if cost is None else _divide(cost, participants),
                adults=measure.adults,
                adults_per_six=adults_per_six,
            )
        )
    total_people = found.people_so_far.get(found.months[-1], 0) if found.months else 0
    shown_total = _small(board, total_people, threshold)
    board.total_cost = _money(total_cost)
    board.total_participants = shown_total
    board.total_cost_per_participant = _divide(total_cost, shown_total)
    board.total_participant_months = sum(
        (row.participant_months for row in board.costs), Decimal(0)
    )
    board.total_cost_per_participant_month = _divide(total_cost, costed_months)
    board.total_cost_per_exit = _divide(total_cost, board.exits_to_work_or_education)
    if staffed_mean and shown_total is not None:
        board.total_adults_per_six = (staffed_adults * 6 / staffed_mean).quantize(Decimal("0.1"))


def _cost_per_month(
    board: Dashboard, threshold: int, found: Participation, measures: dict[int, Measure]
) -> None:
    by_month: dict[datetime.date, list[tuple[int, int]]] = defaultdict(list)
    for (month, measure), days in found.days.items():
        by_month[month].append((measure, days))
    # The sum of the published running totals to work and to education; hidden when
    # either is, or it would give the hidden one away.
    months = [row.month for row in board.rows]
    work_so_far = dict(zip(months, board.column("cumulative_exit_work"), strict=True))
    education_so_far = dict(zip(months, board.column("cumulative_exit_education"), strict=True))
    exits_so_far = {
        month: None
        if work_so_far[month] is None or education_so_far[month] is None
        else work_so_far[month] + education_so_far[month]
        for month in work_so_far
    }
    cost_so_far = Decimal(0)
    for month in found.months:
        days_in = found.days_in[month]
        cost = Decimal(0)
        costed = Decimal(0)
        participant_months = Decimal(0)
        staffed_adults = Decimal(0)
        staffed_mean = Decimal(0)
        for measure_id, days in by_month.get(month, []):
            measure = measures[measure_id]
            months = Decimal(days) / DAYS_PER_MONTH
            participant_months += months
            if measure.monthly_cost is not None:
                cost += months * measure.monthly_cost
                costed += months
            if measure.adults is not None and days:
                staffed_adults += measure.adults
                staffed_mean += Decimal(days) / days_in
        cost_so_far += cost
        participants = _small(board, found.people_in_month.get(month, 0), threshold)
        so_far = _small(board, found.people_so_far.get(month, 0), threshold)
        exits = exits_so_far.get(month)
        exits = None if exits is None else _small(board, exits, threshold)
        adults_per_six = None
        if staffed_mean and participants is not None:
            adults_per_six = (staffed_adults * 6 / staffed_mean).quantize(Decimal("0.1"))
        board.cost_months.append(
            CostMonth(
                month=month,
                participants=participants,
                participant_months=participant_months.quantize(Decimal("0.1")),
                cost=_money(cost),
                cost_per_participant_month=_divide(cost, costed),
                adults_per_six=adults_per_six,
                cost_so_far=_money(cost_so_far),
                participants_so_far=so_far,
                cost_per_participant_so_far=_divide(cost_so_far, so_far),
                exits_to_work_or_education_so_far=exits,
                cost_per_exit_so_far=_divide(cost_so_far, exits),
            )
        )
