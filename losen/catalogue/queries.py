"""Reads of the catalogue: the search, one listing with its places and results, one
reported measure, and the measures an actor may publish.

The catalogue holds no personal data, and everyone logged in reads it. What it says of
young people are counts: the places taken and waiting are read from the enrolments and,
outside the organisation's own casework, shown only as the availability (free places
are capacity minus a count, so they are hidden where that count is rounded, as on the
measures page); the results are the results page's, rounded by cell key as everywhere
outside the team.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404

from losen.accounts.models import User
from losen.catalogue.models import Availability, Listing, ReportedMeasure
from losen.lib.search import words
from losen.outcomes.codes import TOP_LEVEL
from losen.programs.models import Measure
from losen.programs.queries import (
    counts_rounded_for,
    managed_org_ids,
    places_of,
    shown_count,
)
from losen.reports.dashboard import FollowUpFigures, build_dashboard


class Source:
    ALL = ""
    REFERRABLE = "referrable"
    REPORTED = "reported"


def listings_visible_to(actor: User) -> QuerySet[Listing]:
    """Every published listing of a measure in use; the catalogue is open to everyone."""
    if not actor.is_authenticated:
        return Listing.objects.none()
    return Listing.objects.filter(measure__is_active=True).select_related("measure", "organisation")


def reported_visible_to(actor: User) -> QuerySet[ReportedMeasure]:
    if not actor.is_authenticated:
        return ReportedMeasure.objects.none()
    return ReportedMeasure.objects.all()


def get_listing_for(actor: User, listing_id: int | str) -> Listing:
    try:
        return listings_visible_to(actor).get(pk=int(listing_id))
    except (Listing.DoesNotExist, ValueError, TypeError):
        raise Http404("No such listing.") from None


def get_reported_for(actor: User, reported_id: int | str) -> ReportedMeasure:
    try:
        return reported_visible_to(actor).get(pk=int(reported_id))
    except (ReportedMeasure.DoesNotExist, ValueError, TypeError):
        raise Http404("No such reported measure.") from None


def get_listing_to_manage(actor: User, listing_id: int | str) -> Listing:
    """A listing of an organisation whose measures the actor defines (404 otherwise)."""
    try:
        return Listing.objects.select_related("measure__organisation").get(
            pk=int(listing_id), organisation_id__in=managed_org_ids(actor)
        )
    except (Listing.DoesNotExist, ValueError, TypeError):
        raise Http404("No such listing.") from None


def get_measure_to_publish(actor: User, measure_id: int | str) -> Measure:
    try:
        return Measure.objects.select_related("organisation").get(
            pk=int(measure_id), organisation_id__in=managed_org_ids(actor), is_active=True
        )
    except (Measure.DoesNotExist, ValueError, TypeError):
        raise Http404("No such measure.") from None


def publishable_measures(actor: User) -> QuerySet[Measure]:
    """The measures in use of the organisations whose measures the actor defines."""
    return (
        Measure.objects.filter(organisation_id__in=managed_org_ids(actor), is_active=True)
        .select_related("organisation", "listing")
        .order_by("organisation__name", "staircase__name", "step", "name")
    )


@dataclass(frozen=True)
class Search:
    query: str = ""
    kind: str = ""
    age: int | None = None
    county: str = ""
    municipality: str = ""
    source: str = Source.ALL

    @property
    def leaves_out_reported(self) -> bool:
        """The reported measures have no kind and no ages: asking for one leaves them out."""
        return self.source == Source.REFERRABLE or bool(self.kind) or self.age is not None


def _matching_words(rows: QuerySet, text: str) -> QuerySet:
    for word in words(text):
        rows = rows.filter(search_text__contains=word)
    return rows


def search_listings(actor: User, search: Search) -> QuerySet[Listing]:
    if search.source == Source.REPORTED:
        return Listing.objects.none()
    found = _matching_words(listings_visible_to(actor), search.query)
    if search.kind:
        found = found.filter(measure__kind=search.kind)
    if search.age is not None:
        found = found.filter(Q(min_age__isnull=True) | Q(min_age__lte=search.age)).filter(
            Q(max_age__isnull=True) | Q(max_age__gte=search.age)
        )
    if search.county:
        found = found.filter(county=search.county)
    if search.municipality:
        found = _matching_words(found, search.municipality)
    return found.order_by("measure__name", "organisation__name", "id")


def search_reported(actor: User, search: Search) -> QuerySet[ReportedMeasure]:
    if search.leaves_out_reported:
        return ReportedMeasure.objects.none()
    found = _matching_words(reported_visible_to(actor), search.query)
    if search.county:
        found = found.filter(county=search.county)
    if search.municipality:
        found = _matching_words(found, search.municipality)
    return found.order_by("name", "source_id")


def counties_named() -> list[str]:
    """Every county some listing or reported measure names, in alphabetical order."""
    named = set(Listing.objects.values_list("county", flat=True))
    named |= set(ReportedMeasure.objects.values_list("county", flat=True))
    return sorted(named - {""})


@dataclass(frozen=True)
class Places:
    """A listing's places as one reader sees them."""

    availability: Availability
    capacity: int | None
    free: int | None  # None: no limit, or hidden from this reader
    wait_weeks: int | None  # an estimate, when the measure is full and has a duration


def places_for(actor: User, listings: list[Listing]) -> dict[int, Places]:
    """Each listing's availability, from its measure's enrolments (one query for all).

    A full measure's wait is estimated from the people waiting (rounded by cell key for
    those who see rounded counts), its places and its planned duration: the people ahead
    share the places, and a place frees up once per planned duration.
    """
    found = places_of([listing.measure for listing in listings])
    shown = {}
    for listing in listings:
        places = found[listing.measure_id]
        rounded = counts_rounded_for(actor, listing.organisation_id)
        if not listing.taking_referrals:
            availability = Availability.CLOSED
        elif places.is_full:
            availability = Availability.WAITING_LIST
        else:
            availability = Availability.OPEN
        wait = None
        weeks = listing.measure.planned_weeks
        if availability == Availability.WAITING_LIST and weeks and places.capacity:
            waiting = shown_count(places.waiting, places.waiting_key, rounded=rounded)
            wait = math.ceil((waiting + 1) / places.capacity) * weeks
        shown[listing.pk] = Places(
            availability=availability,
            capacity=places.capacity,
            free=None if rounded else places.free,
            wait_weeks=wait,
        )
    return shown


@dataclass(frozen=True)
class ExitRow:
    label: str
    count: int | None
    percent: int | None  # of all exits; None when hidden


@dataclass(frozen=True)
class Figures:
    """A listing's results from Losen, rounded as outside the team."""

    start: datetime.date
    end: datetime.date
    started: int | None
    exited: int | None
    exits: list[ExitRow]
    follow_ups: list[FollowUpFigures]
    cost_per_participant: Decimal | None


def figures_of(listing: Listing, today: datetime.date) -> Figures:
    """The measure's results from January last year to this month, rounded by cell key."""
    start = datetime.date(today.year - 1, 1, 1)
    end = today.replace(day=1)
    board = build_dashboard(
        organisation_id=listing.organisation_id,
        start=start,
        end=end,
        suppressed=True,
        measure_id=listing.measure_id,
    )
    started = board.column("cumulative_started")
    return Figures(
        start=start,
        end=end,
        started=started[-1] if started else None,
        exited=board.exited,
        exits=[
            ExitRow(
                str(TOP_LEVEL[top]),
                share.count,
                None if share.share is None else round(share.share * 100),
            )
            for top, share in board.exits.items()
        ],
        follow_ups=board.follow_ups,
        cost_per_participant=board.total_cost_per_participant,
    )
