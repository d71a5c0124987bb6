"""The results dashboard's figures: who sees which organisation, and the numbers.

`dashboard_access(actor)` decides what the actor may look at; `build_dashboard(...)`
computes every figure for one organisation (optionally one team or one measure) over a
period, in a fixed number of queries whatever the number of young people:

- flow: `monthly_results` (one grouped query);
- exit outcomes: the monthly exit columns summed over the period (no query);
- durability: one query for the follow-ups of exits to work or education (their ids,
  for the cell keys);
- cost: one query for the enrolments that overlap the period, one for the measures.

Exact or rounded: figures are exact for a team the actor does casework in; every other
view (an organisation as administrator, manager or funder, any team or measure of it,
any period) rounds every count of young people to a multiple of
`configured_threshold()` + 1 by its cell key (losen.lib.suppression), and builds shares
on the rounded counts. The same cases always give the same rounded count, so the tables
a viewer can ask for cannot be subtracted from each other to recover a small count.
Medians and quartiles stay hidden where the rounded count of cases is the rounding
base or less.

Cost is counted in participant-months: each enrolment's days from its start (or the
period's first day) to its end (or the period's last day, or today if earlier), both
included, divided by 30.44 (the mean month), times the measure's monthly cost.
Enrolments that never started are not counted.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from losen.accounts.models import Organisation, Team, User
from losen.accounts.scope import scope_of
from losen.lib import suppression
from losen.lib.dates import add_months
from losen.outcomes.models import FollowUp
from losen.programs.models import Enrolment, Measure
from losen.reports.costs import Participation, participation
from losen.reports.milestones import TIMED, Milestones, case_milestones
from losen.reports.providers import ProviderRow, provider_rows
from losen.reports.results import (
    COUNTS,
    EXIT_BREAKDOWN,
    EXIT_TOP_CODES,
    MonthRow,
    monthly_results,
    period_count,
    round_results,
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
    cells: Sequence[Sequence[int | None]]
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
    # Through other organisations: referred out and what they reported back (providers.py).
    providers: list[ProviderRow] = field(default_factory=list)

    def column(self, name: str) -> list[int | None]:
        index = COUNTS.index(name)
        return [cells[index] for cells in self.cells]


def year_start(month: datetime.date) -> datetime.date:
    """The first of January of `month`'s year: where rounded figures start counting."""
    return month.replace(month=1, day=1)


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
    """Every figure of the dashboard; `start` and `end` are the first days of months.

    Rounded (`suppressed`), the period starts in January of `start`'s year: running
    totals and the period's totals then always count from the start of a year, so the
    counts a viewer can ask for are one per month and first year, not one per first
    month. (With any first month, the running totals from each of sixty first months
    would be sixty independent roundings of nearly the same counts, and their average
    would come close to a small count; see `year_start`.)
    """
    threshold = suppression.configured_threshold()
    if suppressed:
        start = year_start(start)
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
        cells: Sequence[Sequence[int | None]] = round_results(rows, threshold=threshold)
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
    if measure_id is None:  # a referral out is the case's, not one of our measures'
        board.providers = provider_rows(
            organisation_id=organisation_id,
            start=start,
            end=last_day,
            suppressed=suppressed,
            threshold=threshold,
            team_id=team_id,
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
    """Exits over the period per top code, with shares; rounded outside the team.

    A period's count is rounded as one cell (its cases' keys summed), so "all exits" is
    the month table's last "exited so far", rounded the same way.
    """
    found = [period_count(board.rows, (column,)) for column in EXIT_BREAKDOWN]
    exited = period_count(board.rows, EXIT_BREAKDOWN)
    both = period_count(board.rows, EXIT_BREAKDOWN[:2])
    if board.suppressed:
        shown = [suppression.round_count(n, k, threshold=threshold) for n, k in found]
        total = suppression.round_count(*exited, threshold=threshold)
        wore = suppression.round_count(*both, threshold=threshold)
    else:
        shown, total, wore = [n for n, _k in found], exited[0], both[0]
    board.exited = total
    board.exits = {
        top: Share(value, _fraction(value, total))
        for top, value in zip(EXIT_TOP_CODES, shown, strict=True)
    }
    board.work_or_education = Share(wore, _fraction(wore, total))
    board.exits_to_work_or_education = wore


def _fraction(part: int | None, whole: int | None) -> float | None:
    """`part / whole`, at most 1: rounded, a part can come out above its whole."""
    if part is None or not whole:
        return None
    return min(part / whole, 1.0)


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
    keys = suppression.key_coefficients("follow_up")
    reached: dict[int, list[int]] = {6: [], 12: []}  # months -> record keys
    still_in: dict[int, list[int]] = {6: [], 12: []}
    for pk, months, was_reached, top in follow_ups.filter(months__in=(6, 12)).values_list(
        "pk", "months", "reached", "top_code"
    ):
        if was_reached:
            reached[months].append(keys.key(pk))
            if top in IN_WORK_OR_EDUCATION:
                still_in[months].append(keys.key(pk))
    for months in (6, 12):
        if board.suppressed:
            shown_reached = _rounded(reached[months], threshold)
            shown_still = _rounded(still_in[months], threshold)
        else:
            shown_reached, shown_still = len(reached[months]), len(still_in[months])
        share = _fraction(shown_still, shown_reached)
        board.follow_ups.append(FollowUpFigures(months, shown_reached, shown_still, share))


def _rounded(record_keys: list[int], threshold: int) -> int:
    """The number of records, rounded by their cell key."""
    return suppression.round_count(
        len(record_keys), suppression.cell_key(record_keys), threshold=threshold
    )


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


def _spread(days: Counter, key: int, *, suppressed: bool, threshold: int) -> Spread:
    """The cases' count (rounded outside the team) and their median and quartiles.

    Outside the team the median and quartiles are hidden when the rounded count is the
    rounding base or less: a median of one or two cases is those cases' own figures.
    Deciding on the rounded count (not the true one) keeps a hidden median from telling
    that a rounded 5 holds fewer than 5 cases.
    """
    total = sum(days.values())
    shown = suppression.round_count(total, key, threshold=threshold) if suppressed else total
    few = shown <= suppression.rounding_base(threshold=threshold)
    if not total or (suppressed and few):
        return Spread(shown)
    histogram = sorted(days.items())
    return Spread(
        shown,
        _quantile(histogram, total, 0.5),
        _quantile(histogram, total, 0.25),
        _quantile(histogram, total, 0.75),
    )


def _times(board: Dashboard, threshold: int, milestones: Milestones) -> None:
    """Days from referral to each timed milestone, per month and so far (see `_spread`)."""
    per_month: dict[tuple[str, datetime.date], Counter] = defaultdict(Counter)
    month_keys: Counter[tuple[str, datetime.date]] = Counter()
    for (milestone, month, days), count in milestones.times.items():
        per_month[milestone, month][days] += count
        month_keys[milestone, month] += milestones.times_keys.get((milestone, month, days), 0)
    so_far: dict[str, Counter] = {milestone: Counter() for milestone in TIMED}
    so_far_keys: Counter[str] = Counter()
    for row in board.rows:
        in_month = {}
        for milestone in TIMED:
            month_days = per_month.get((milestone, row.month), Counter())
            so_far[milestone].update(month_days)
            so_far_keys[milestone] += month_keys[milestone, row.month]
            in_month[milestone] = _spread(
                month_days,
                month_keys[milestone, row.month],
                suppressed=board.suppressed,
                threshold=threshold,
            )
        board.times.append(
            TimeMonth(
                month=row.month,
                in_month=in_month,
                so_far={
                    m: _spread(
                        so_far[m], so_far_keys[m], suppressed=board.suppressed, threshold=threshold
                    )
                    for m in TIMED
                },
            )
        )
    board.times_total = board.times[-1].so_far if board.times else {}


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
    over the staffed measures with participants that month. Outside the team every
    month's participant-days per measure are rounded first (`_participant_days`).
    """
    found = participation(
        organisation_id=organisation_id,
        start=board.start,
        end=board.end,
        today=timezone.localdate(),
        team_id=team_id,
        measure_id=measure_id,
    )
    if board.suppressed:
        found.days = {
            (month, measure): _participant_days(
                days, found.keys.get(("month", month, measure), 0), found.days_in[month], threshold
            )
            for (month, measure), days in found.days.items()
        }
    measures = list(Measure.objects.filter(pk__in=found.measure_ids()).order_by("name"))
    _cost_per_measure(board, threshold, found, measures)
    _cost_per_month(board, threshold, found, {m.pk: m for m in measures})


def _participant_days(days: int, key: int, days_in: int, threshold: int) -> int:
    """A month's participant-days in one measure, rounded as they leave the team.

    Participant-days over the month's days counted are the mean number of young people
    taking part (three young people all month: exactly 3), and participant-months, cost
    and adults per six follow from them. Outside the team they are rounded by the cell
    key of their cases (the same cases as the month's count of participants in the
    measure) to a multiple of the rounding base times the days counted, so the mean they
    imply is a multiple of the base too, like every count. A period's participant-days
    are the sum of its rounded months.
    """
    unit = suppression.rounding_base(threshold=threshold) * days_in
    return suppression.round_count(days, key, threshold=unit - 1)


def _people(board: Dashboard, value: int, key: int, threshold: int) -> int:
    """A count of young people as the viewer sees it: rounded outside the team."""
    if board.suppressed:
        return suppression.round_count(value, key, threshold=threshold)
    return value


def _cost_per_measure(
    board: Dashboard, threshold: int, found: Participation, measures: list[Measure]
) -> None:
    days_counted = sum(found.days_in.values())
    measure_days = found.measure_days()
    shown = [
        _people(
            board, found.people_in_measure[m.pk], found.keys.get(("measure", m.pk), 0), threshold
        )
        for m in measures
    ]
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
    last = found.months[-1] if found.months else None
    shown_total = _people(
        board,
        found.people_so_far.get(last, 0) if last else 0,
        found.keys.get(("so_far", last), 0),
        threshold,
    )
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
    for (month, measure_id), days in found.days.items():
        by_month[month].append((measure_id, days))
    # Exits to work or education so far: one cell (the cases of both running totals).
    both = ("cumulative_exit_work", "cumulative_exit_education")
    exits_so_far = {
        row.month: _people(
            board,
            sum(getattr(row, name) for name in both),
            sum(row.keys.get(name, 0) for name in both),
            threshold,
        )
        for row in board.rows
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
        participants = _people(
            board,
            found.people_in_month.get(month, 0),
            found.keys.get(("in_month", month), 0),
            threshold,
        )
        so_far = _people(
            board,
            found.people_so_far.get(month, 0),
            found.keys.get(("so_far", month), 0),
            threshold,
        )
        exits = exits_so_far.get(month)
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
