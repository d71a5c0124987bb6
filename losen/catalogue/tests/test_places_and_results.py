"""A listing's free places and waiting list follow the enrolments; its results are rounded.

Free places are capacity minus a count of young people: the organisation's own
coordinators see them exactly, everyone else sees only whether places are free (as on
the measures page). A full measure shows its waiting list with a wait estimated from
the people waiting, the places and the planned duration. The results are the results
page's, rounded by cell key as everywhere outside the team.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from losen.cases.actions.core import do_open_case, do_transition_case
from losen.cases.models import CaseState
from losen.catalogue.actions import do_publish_measure
from losen.catalogue.queries import figures_of
from losen.lib import suppression
from losen.programs import actions
from losen.programs.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(team_lead, municipality) -> Measure:
    return actions.do_create_measure(
        team_lead,
        municipality,
        name="Restart",
        kind=Measure.Kind.QUALIFICATION,
        capacity=3,
        planned_weeks=13,
    )


@pytest.fixture
def listing(team_lead, measure):
    return do_publish_measure(
        team_lead,
        measure,
        target_group="Unge 16–29",
        municipality="Drammen",
        county="Buskerud",
        how_to_refer="Ring oss",
    )


def enrol(coordinator, register, team, measure, count: int, prefix: str = "Ung"):
    cases = []
    for k in range(count):
        case = do_open_case(coordinator, register(first_name=f"{prefix}{k}", last_name="T"), team)
        do_transition_case(coordinator, case, CaseState.ACCEPTED)
        actions.do_enrol(coordinator, case, measure)
        cases.append(case)
    return cases


def places_seen_by(client, user, listing):
    client.force_login(user)
    return client.get(reverse("catalogue:listing", args=[listing.pk])).context["places"]


def test_the_own_coordinators_see_the_free_places_and_others_only_that_there_are_some(
    client, coordinator, outsider, register, team, measure, listing
):
    enrol(coordinator, register, team, measure, 1)
    own = places_seen_by(client, coordinator, listing)
    assert (own.availability, own.free, own.capacity) == ("open", 2, 3)
    other = places_seen_by(client, outsider, listing)
    assert (other.availability, other.free, other.capacity) == ("open", None, 3)
    page = client.get(reverse("catalogue:listing", args=[listing.pk])).content.decode()
    assert "Åpent: ledige plasser" in page


def test_a_full_measure_shows_its_waiting_list_with_an_estimated_wait(
    client, coordinator, register, team, measure, listing
):
    enrol(coordinator, register, team, measure, 3 + 4)  # every place taken, four waiting
    own = places_seen_by(client, coordinator, listing)
    assert own.availability == "waiting_list"
    # Four ahead and three places: the new one waits for the second round of 13 weeks.
    assert own.wait_weeks == 26
    page = client.get(reverse("catalogue:listing", args=[listing.pk])).content.decode()
    assert "Fullt: venteliste, omtrent 26 ukers ventetid" in page


def test_the_results_on_a_listing_are_rounded_as_outside_the_team(
    coordinator, register, team, measure, listing
):
    cases = enrol(coordinator, register, team, measure, 3)
    today = timezone.localdate()
    figures = figures_of(listing, today)
    key = suppression.key_coefficients("case").key
    cell = suppression.cell_key(key(case.pk) for case in cases)
    threshold = suppression.configured_threshold()
    assert figures.started == suppression.round_count(3, cell, threshold=threshold)
    assert figures.started != 3
    assert figures.start == datetime.date(today.year - 1, 1, 1)
