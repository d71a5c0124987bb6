"""The metrics a reference figure or a target may measure, and their numbers as shown.

`METRICS` is the one list of what a reference figure or a target may measure: its key
(stored on `ReferenceFigure.metric` and `Target.metric`), its label and unit, how the
dashboard's figure of it is read from a `Dashboard` (for reference figures: ours for
the chosen period, already suppressed where the dashboard is), and how it runs month by
month (for targets: losen/reports/targets.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, overload

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from losen.lib import suppression
from losen.reports.dashboard import DAYS_PER_MONTH, Dashboard
from losen.reports.models import ReferenceFigure

HUNDRED = Decimal(100)


class Unit(StrEnum):
    KR_PER_MONTH = "kr_per_month"
    KR = "kr"
    PERCENT = "percent"
    MONTHS = "months"
    ADULTS = "adults"
    PEOPLE = "people"
    NUMBER = "number"


class OverTime(StrEnum):
    """How a target's figure runs month by month."""

    RUNNING = "running"  # a running total since counting started, added to the baseline
    LEVEL = "level"  # the figure at the end of each month
    SHARE = "share"  # the share to work or education of the exits since counting started
    READINGS = "readings"  # entered by hand


@dataclass(frozen=True)
class Metric:
    key: str
    label: Promise
    unit: Unit
    # Our figure for the dashboard's period (None: hidden, not shown to the actor, or none).
    ours: Callable[[Dashboard], Decimal | None] | None = None
    # For targets: how the figure runs over time, and the month columns it counts.
    over_time: OverTime | None = None
    columns: tuple[str, ...] = ()
    # The figure is about cost, which the dashboard shows only to some roles.
    is_cost: bool = False

    @property
    def for_reference(self) -> bool:
        return self.ours is not None

    @property
    def for_target(self) -> bool:
        return self.over_time is not None

    @property
    def is_percent(self) -> bool:
        return self.unit == Unit.PERCENT


@overload
def as_decimal(value: None) -> None: ...
@overload
def as_decimal(value: Decimal | float | str) -> Decimal: ...
def as_decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _percent(fraction: float | None) -> Decimal | None:
    return None if fraction is None else as_decimal(fraction) * HUNDRED


def _board(name: str) -> Callable[[Dashboard], Decimal | None]:
    """A Dashboard attribute as it is (absent on an older Dashboard: no figure)."""
    return lambda board: as_decimal(getattr(board, name, None))


def _exit_share(top: str) -> Callable[[Dashboard], Decimal | None]:
    def ours(board: Dashboard) -> Decimal | None:
        share = board.exits.get(top)
        return None if share is None else _percent(share.share)

    return ours


def _work_or_education(board: Dashboard) -> Decimal | None:
    return None if board.work_or_education is None else _percent(board.work_or_education.share)


def _still_after(months: int) -> Callable[[Dashboard], Decimal | None]:
    def ours(board: Dashboard) -> Decimal | None:
        for figures in board.follow_ups:
            if figures.months == months:
                return _percent(figures.share)
        return None

    return ours


def _median_months_to_exit(board: Dashboard) -> Decimal | None:
    spread = board.times_total.get("exit")
    if spread is None or spread.median is None:
        return None
    return as_decimal(spread.median) / DAYS_PER_MONTH


METRICS: dict[str, Metric] = {
    metric.key: metric
    for metric in (
        Metric(
            "cost_per_participant_month",
            gettext_lazy("Cost per participant per month"),
            Unit.KR_PER_MONTH,
            ours=_board("total_cost_per_participant_month"),
            is_cost=True,
        ),
        Metric(
            "cost_per_participant",
            gettext_lazy("Cost per participant"),
            Unit.KR,
            ours=_board("total_cost_per_participant"),
            is_cost=True,
        ),
        Metric(
            "cost_per_exit_to_work_or_education",
            gettext_lazy("Cost per exit to work or education"),
            Unit.KR,
            ours=_board("total_cost_per_exit"),
            is_cost=True,
        ),
        Metric(
            "adults_per_six",
            gettext_lazy("Adults per six young people"),
            Unit.ADULTS,
            ours=_board("total_adults_per_six"),
            is_cost=True,
        ),
        Metric(
            "share_work_or_education",
            gettext_lazy("Share exited to work or education"),
            Unit.PERCENT,
            ours=_work_or_education,
            over_time=OverTime.SHARE,
            columns=("exit_work", "exit_education"),
        ),
        Metric(
            "share_work",
            gettext_lazy("Share exited to work"),
            Unit.PERCENT,
            ours=_exit_share("work"),
        ),
        Metric(
            "share_education",
            gettext_lazy("Share exited to education"),
            Unit.PERCENT,
            ours=_exit_share("education"),
        ),
        Metric(
            "share_other_activity",
            gettext_lazy("Share exited to other activity"),
            Unit.PERCENT,
            ours=_exit_share("other_activity"),
        ),
        Metric(
            "share_still_6_months",
            gettext_lazy("Share still in work or education after 6 months"),
            Unit.PERCENT,
            ours=_still_after(6),
        ),
        Metric(
            "share_still_12_months",
            gettext_lazy("Share still in work or education after 12 months"),
            Unit.PERCENT,
            ours=_still_after(12),
        ),
        Metric(
            "median_months_to_exit",
            gettext_lazy("Median months from referral to exit"),
            Unit.MONTHS,
            ours=_median_months_to_exit,
        ),
        Metric(
            "exited_work_or_education",
            gettext_lazy("People exited to work or education (running total)"),
            Unit.PEOPLE,
            over_time=OverTime.RUNNING,
            columns=("exit_work", "exit_education"),
        ),
        Metric(
            "exited",
            gettext_lazy("People exited (running total)"),
            Unit.PEOPLE,
            over_time=OverTime.RUNNING,
            columns=("exited",),
        ),
        Metric(
            "started",
            gettext_lazy("People started in a measure (running total)"),
            Unit.PEOPLE,
            over_time=OverTime.RUNNING,
            columns=("started",),
        ),
        Metric(
            "referred",
            gettext_lazy("People referred (running total)"),
            Unit.PEOPLE,
            over_time=OverTime.RUNNING,
            columns=("referred",),
        ),
        Metric(
            "active",
            gettext_lazy("People active at the end of the month"),
            Unit.PEOPLE,
            over_time=OverTime.LEVEL,
            columns=("active_end_of_month",),
        ),
        Metric(
            "readings",
            gettext_lazy(
                "A figure entered by hand (for example recipients of social assistance aged 18–24)"
            ),
            Unit.NUMBER,
            over_time=OverTime.READINGS,
        ),
    )
}


def reference_metric_choices() -> list[tuple[str, Promise]]:
    return [(m.key, m.label) for m in METRICS.values() if m.for_reference]


def target_metric_choices() -> list[tuple[str, Promise]]:
    return [(m.key, m.label) for m in METRICS.values() if m.for_target]


def metric(key: str) -> Metric:
    return METRICS[key]


def metric_label(key: str) -> str:
    found = METRICS.get(key)
    return str(found.label) if found else key


# Numbers as shown


def _rounded(value: Decimal, places: int) -> Decimal:
    value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def plain_number(value: Decimal, places: int = 0) -> str:
    return number_format(_rounded(value, places), use_l10n=True, force_grouping=True)


# Places shown per unit: whole kroner, people and percent (as the dashboard's tables).
PLACES = {Unit.MONTHS: 1, Unit.ADULTS: 1}


def formatted(value: Decimal | None, unit: Unit, *, places: int | None = None) -> str:
    """A value with its unit, in the current language; hidden values read as "–"."""
    if value is None:
        return suppression.PLACEHOLDER
    places = PLACES.get(unit, 0) if places is None else places
    number = plain_number(value, places)
    if unit == Unit.KR_PER_MONTH:
        return _("%(value)s kr per month") % {"value": number}
    if unit == Unit.KR:
        return _("%(value)s kr") % {"value": number}
    if unit == Unit.PERCENT:
        return f"{number} %"
    if unit == Unit.MONTHS:
        whole = _rounded(value, places)
        count = int(whole) if whole == whole.to_integral_value() else 2
        return ngettext("%(value)s month", "%(value)s months", count) % {"value": number}
    return number


def difference(ours: Decimal | None, theirs: Decimal, unit: Unit) -> str:
    """Ours minus theirs, signed; percentages in percentage points."""
    if ours is None:
        return suppression.PLACEHOLDER
    places = PLACES.get(unit, 0)
    gap = _rounded(ours, places) - theirs
    sign = "+" if gap > 0 else ("−" if gap < 0 else "±")
    number = plain_number(abs(gap), 2 if unit != Unit.PERCENT else 1)
    if unit == Unit.PERCENT:
        return _("%(value)s percentage points") % {"value": f"{sign}{number}"}
    return sign + formatted(abs(gap), unit, places=2).lstrip()


def years(figure: ReferenceFigure) -> str:
    if figure.year_from and figure.year_to and figure.year_from != figure.year_to:
        return f"{figure.year_from}–{figure.year_to}"
    return str(figure.year_from or figure.year_to or "")
