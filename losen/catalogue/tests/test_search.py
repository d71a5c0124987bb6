"""Searching the catalogue: words in Norwegian and Swedish, kind, age, county, municipality,
and the reported NAV measures beside the published ones."""

from __future__ import annotations

import pytest
from django.urls import reverse

from losen.accounts.models import Organisation, Role, Team
from losen.catalogue.actions import do_publish_measure
from losen.catalogue.models import ReportedMeasure
from losen.programs.actions import do_create_measure
from losen.programs.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def listings(team_lead, make_user):
    """Drammen's course for 16–25, and a Swedish municipality's study coaching for 16–20."""
    course = do_create_measure(
        team_lead,
        team_lead.memberships.get().organisation,
        name="Klart jeg kan",
        kind=Measure.Kind.COURSE,
        description="Kognitivt kurs om mestring",
    )
    kommun = Organisation.objects.create(
        name="Östra kommun", kind=Organisation.Kind.MUNICIPALITY, country="SE"
    )
    lead = make_user(
        "ledare@ostra.se", Role.TEAM_LEAD, team=Team.objects.create(organisation=kommun, name="KAA")
    )
    coaching = do_create_measure(
        lead, kommun, name="Studiecoachning", kind=Measure.Kind.INDIVIDUAL_FOLLOW_UP
    )
    return {
        "course": do_publish_measure(
            team_lead,
            course,
            target_group="Unge som står utenfor skole og arbeid",
            min_age=16,
            max_age=25,
            municipality="Drammen",
            county="Buskerud",
            how_to_refer="Ring oss",
        ),
        "coaching": do_publish_measure(
            lead,
            coaching,
            target_group="Unga som har avbrutit gymnasiet, för att återgå till skolan",
            min_age=16,
            max_age=20,
            municipality="Östra kommun",
            county="Östergötlands län",
            how_to_refer="Kontakta KAA-teamet",
        ),
    }


def search(client, **params):
    response = client.get(reverse("catalogue:catalogue"), params)
    assert response.status_code == 200
    listings = [listing.measure.name for listing, _places in response.context["listings"]]
    return listings, response.context["reported"]


def test_words_find_a_measure_in_either_language_whatever_the_case_and_letters(
    client, outsider, listings
):
    client.force_login(outsider)
    assert search(client, q="KLART jeg")[0] == ["Klart jeg kan"]
    assert search(client, q="mestring")[0] == ["Klart jeg kan"]
    assert search(client, q="gymnasiet")[0] == ["Studiecoachning"]
    # Upper-case Ö, and the Norwegian ø for the Swedish ö: the same word.
    assert search(client, q="ÖSTRA")[0] == ["Studiecoachning"]
    assert search(client, q="østra kommun")[0] == ["Studiecoachning"]
    # The kind is found in both languages.
    assert search(client, q="kurs")[0] == ["Klart jeg kan"]
    assert search(client, q="individuell uppföljning")[0] == ["Studiecoachning"]
    # Every word must be there.
    assert search(client, q="klart gymnasiet")[0] == []


def test_kind_age_county_and_municipality_narrow_the_search(client, outsider, listings):
    client.force_login(outsider)
    assert search(client, kind=Measure.Kind.COURSE)[0] == ["Klart jeg kan"]
    assert search(client, age=22)[0] == ["Klart jeg kan"]
    assert search(client, age=16)[0] == ["Klart jeg kan", "Studiecoachning"]
    assert search(client, age=15)[0] == []
    assert search(client, county="Östergötlands län")[0] == ["Studiecoachning"]
    assert search(client, municipality="drammen")[0] == ["Klart jeg kan"]


def test_an_age_out_of_range_is_told_and_the_rest_of_the_search_still_runs(
    client, outsider, listings
):
    client.force_login(outsider)
    response = client.get(reverse("catalogue:catalogue"), {"age": "200", "q": "klart"})
    assert response.context["form"].errors["age"]
    assert [pair[0].measure.name for pair in response.context["listings"]] == ["Klart jeg kan"]


def test_the_reported_nav_measures_are_all_there_and_found_by_norwegian_words(client, outsider):
    assert ReportedMeasure.objects.count() == 143
    client.force_login(outsider)
    _listings, reported = search(client, q="gjeld")
    names = [measure.name for measure in reported.object_list]
    assert "Helhetlig tilnærming i oppfølging av personer med uhandterlig gjeld" in names
    _listings, by_county = search(client, county="Nordland", source="reported")
    assert by_county.paginator.count == ReportedMeasure.objects.filter(county="Nordland").count()
    assert {m.county for m in by_county.object_list} == {"Nordland"}


def test_choosing_a_kind_or_an_age_leaves_the_reported_measures_out_and_says_so(
    client, outsider, listings
):
    client.force_login(outsider)
    response = client.get(reverse("catalogue:catalogue"), {"q": "gjeld", "age": 18})
    assert response.context["reported"].paginator.count == 0
    assert 'id="reported-left-out"' in response.content.decode()
    only_listings = client.get(reverse("catalogue:catalogue"), {"source": "referrable"})
    assert only_listings.context["reported"].paginator.count == 0
    only_reported = client.get(reverse("catalogue:catalogue"), {"source": "reported"})
    assert only_reported.context["listings"] == []
    assert only_reported.context["reported"].paginator.count == 143


def test_the_search_answers_htmx_with_the_results_only(client, outsider, listings):
    client.force_login(outsider)
    response = client.get(
        reverse("catalogue:catalogue"), {"q": "klart"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "Klart jeg kan" in body
    assert "<form" not in body and 'id="listing-results"' in body


def test_a_reported_measure_says_it_is_reported_knowledge_with_its_confidence(client, outsider):
    reported = ReportedMeasure.objects.get(source_id=1)
    client.force_login(outsider)
    page = client.get(reverse("catalogue:reported", args=[reported.pk]))
    body = page.content.decode()
    assert 'id="reported-knowledge"' in body
    assert "NAV Lurøy" in body and "Nordland" in body
    assert "Unge voksne som står utenfor arbeidslivet" in body
    assert "lest med middels sikkerhet" in body
    assert "listing_new" not in body and "/publish/" not in body


def test_an_unknown_listing_or_reported_measure_answers_404(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("catalogue:listing", args=[999999])).status_code == 404
    assert client.get(reverse("catalogue:reported", args=[999999])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("catalogue:catalogue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
