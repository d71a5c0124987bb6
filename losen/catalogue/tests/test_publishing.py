"""Publishing a measure in the catalogue: who may, what it takes, and racing edits refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from losen.accounts.models import Role
from losen.audit.models import ChangeLog
from losen.catalogue import actions
from losen.catalogue.models import Listing
from losen.lib.errors import NotAllowed, StaleEdit
from losen.programs.actions import do_create_measure, do_update_measure
from losen.programs.models import Measure

pytestmark = pytest.mark.django_db

LISTING = {
    "target_group": "Unge 16–25 år utenfor skole og arbeid",
    "min_age": 16,
    "max_age": 25,
    "method": "Åtte samlinger over fire uker",
    "municipality": "Drammen",
    "county": "Buskerud",
    "how_to_refer": "Skriv til ungteam@test.no",
    "taking_referrals": True,
}


@pytest.fixture
def measure(team_lead, municipality) -> Measure:
    return do_create_measure(
        team_lead, municipality, name="Klart jeg kan", kind=Measure.Kind.COURSE, capacity=16
    )


@pytest.fixture
def outside_lead(make_user, outside_team):
    return make_user("leder@utenfor.no", Role.TEAM_LEAD, team=outside_team)


def form_data(**changes) -> dict:
    data = {**LISTING, **changes}
    return {k: ("on" if v is True else v) for k, v in data.items() if v is not False}


def test_a_team_lead_publishes_a_measure_and_an_outsider_finds_it(
    client, team_lead, outsider, measure
):
    client.force_login(team_lead)
    response = client.post(reverse("catalogue:listing_new", args=[measure.pk]), form_data())
    listing = Listing.objects.get(measure=measure)
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:listing", args=[listing.pk])
    assert listing.organisation == measure.organisation
    assert listing.min_age == 16 and listing.county == "Buskerud"
    row = ChangeLog.objects.get(action="catalogue.published")
    assert set(row.changed_fields) == set(LISTING)

    client.force_login(outsider)
    found = client.get(reverse("catalogue:catalogue"), {"q": "klart JEG kan"})
    assert [pair[0] for pair in found.context["listings"]] == [listing]
    page = client.get(reverse("catalogue:listing", args=[listing.pk]))
    assert page.status_code == 200
    assert "Skriv til ungteam@test.no" in page.content.decode()


def test_a_coordinator_may_not_publish_and_gets_404(client, coordinator, measure):
    client.force_login(coordinator)
    url = reverse("catalogue:listing_new", args=[measure.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data()).status_code == 404
    assert not Listing.objects.exists()
    with pytest.raises(NotAllowed):
        actions.do_publish_measure(coordinator, measure, **LISTING)


def test_another_organisations_team_lead_can_neither_publish_nor_change_nor_withdraw(
    client, team_lead, outside_lead, measure
):
    listing = actions.do_publish_measure(team_lead, measure, **LISTING)
    client.force_login(outside_lead)
    for name, arg in (
        ("catalogue:listing_new", measure.pk),
        ("catalogue:listing_edit", listing.pk),
        ("catalogue:listing_withdraw", listing.pk),
    ):
        url = reverse(name, args=[arg])
        assert client.get(url).status_code == 404, name
        assert client.post(url, form_data(target_group="Alle")).status_code == 404, name
    listing.refresh_from_db()
    assert listing.target_group == LISTING["target_group"]
    with pytest.raises(NotAllowed):
        actions.do_withdraw_listing(outside_lead, listing)


def test_a_measure_is_listed_once(client, team_lead, measure):
    listing = actions.do_publish_measure(team_lead, measure, **LISTING)
    with pytest.raises(actions.AlreadyListed):
        actions.do_publish_measure(team_lead, measure, **LISTING)
    client.force_login(team_lead)
    again = client.get(reverse("catalogue:listing_new", args=[measure.pk]))
    assert again["Location"] == reverse("catalogue:listing_edit", args=[listing.pk])
    assert Listing.objects.count() == 1


def test_ages_in_the_wrong_order_are_refused_with_a_message(client, team_lead, measure):
    client.force_login(team_lead)
    response = client.post(
        reverse("catalogue:listing_new", args=[measure.pk]), form_data(min_age=25, max_age=16)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["max_age"] == [
        "Øvre alder kan ikke være lavere enn nedre."
    ]
    assert not Listing.objects.exists()


def test_a_save_after_someone_elses_is_refused_and_shows_theirs(client, team_lead, measure):
    listing = actions.do_publish_measure(team_lead, measure, **LISTING)
    opened_at = listing.version
    actions.do_update_listing(
        team_lead, listing, expected_version=opened_at, how_to_refer="Ring 22 50 10 00"
    )
    client.force_login(team_lead)
    response = client.post(
        reverse("catalogue:listing_edit", args=[listing.pk]),
        form_data(how_to_refer="Send en e-post", version=opened_at),
    )
    assert response.status_code == 200
    assert response.context["conflict"].how_to_refer == "Ring 22 50 10 00"
    listing.refresh_from_db()
    assert listing.how_to_refer == "Ring 22 50 10 00"
    # The form now carries the saved version: saving again wins on purpose.
    again = client.post(
        reverse("catalogue:listing_edit", args=[listing.pk]),
        form_data(how_to_refer="Send en e-post", version=listing.version),
    )
    assert again.status_code == 302
    listing.refresh_from_db()
    assert listing.how_to_refer == "Send en e-post"
    with pytest.raises(StaleEdit):
        actions.do_update_listing(team_lead, listing, expected_version=opened_at, min_age=15)


def test_closing_for_referrals_shows_the_measure_closed(client, team_lead, outsider, measure):
    listing = actions.do_publish_measure(team_lead, measure, **LISTING)
    actions.do_update_listing(
        team_lead, listing, expected_version=listing.version, taking_referrals=False
    )
    client.force_login(outsider)
    page = client.get(reverse("catalogue:listing", args=[listing.pk]))
    assert page.context["places"].availability == "closed"


def test_withdrawing_takes_the_measure_out_of_the_catalogue_and_keeps_the_measure(
    client, team_lead, outsider, measure
):
    listing = actions.do_publish_measure(team_lead, measure, **LISTING)
    client.force_login(team_lead)
    response = client.post(reverse("catalogue:listing_withdraw", args=[listing.pk]))
    assert response.status_code == 302
    assert not Listing.objects.exists()
    assert Measure.objects.filter(pk=measure.pk).exists()
    assert ChangeLog.objects.filter(action="catalogue.withdrawn").count() == 1
    client.force_login(outsider)
    assert client.get(reverse("catalogue:listing", args=[listing.pk])).status_code == 404


def test_a_renamed_measure_is_found_by_its_new_name(client, team_lead, outsider, measure):
    actions.do_publish_measure(team_lead, measure, **LISTING)
    do_update_measure(team_lead, measure, name="Mestringskurset")
    client.force_login(outsider)
    found = client.get(reverse("catalogue:catalogue"), {"q": "mestringskurset"})
    assert [pair[0].measure for pair in found.context["listings"]] == [measure]


def test_a_measure_no_longer_in_use_leaves_the_catalogue(client, team_lead, outsider, measure):
    listing = actions.do_publish_measure(team_lead, measure, **LISTING)
    do_update_measure(team_lead, measure, is_active=False)
    client.force_login(outsider)
    assert client.get(reverse("catalogue:listing", args=[listing.pk])).status_code == 404
    found = client.get(reverse("catalogue:catalogue"), {"q": "klart"})
    assert found.context["listings"] == []


def test_the_publishers_page_lists_the_measures_they_define(client, team_lead, measure):
    client.force_login(team_lead)
    page = client.get(reverse("catalogue:ours"))
    assert page.context["measures"] == [measure]
    assert reverse("catalogue:listing_new", args=[measure.pk]) in page.content.decode()
