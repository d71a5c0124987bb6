"""In the KAA register page: the day and reason the responsibility ended, and a measure
the young person declined (both reported in the half-yearly file)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from losen.accounts.models import Role
from losen.audit.models import ChangeLog
from losen.outreach.models import KaaMeasure, TargetEntry
from losen.outreach.tests.conftest import swedish_pnr


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def twentieth_birthday_in(days: int) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return day.replace(year=day.year - 20) if (day.month, day.day) != (2, 29) else day


@pytest.fixture
def entry(import_kaa) -> TargetEntry:
    """Alva, 19, on the list for 60 days; she turns 20 in 10 days."""
    born = twentieth_birthday_in(10)
    import_kaa(
        [{"identity_number": swedish_pnr(born, 9), "first_name": "Alva", "last_name": "Lund"}],
        received_on=days_ago(60),
    )
    return TargetEntry.objects.get()


@pytest.fixture
def kaa_lead(make_user, kaa_team):
    return make_user("ledare@test.se", Role.TEAM_LEAD, team=kaa_team)


def leave(client, entry, day, reason):
    return client.post(
        reverse("outreach:kaa_leaving", args=[entry.pk]),
        {"left_on": day.isoformat(), "reason": reason},
    )


def test_the_coordinator_records_the_day_and_reason_the_responsibility_ended(
    client, kaa_coordinator, entry
):
    client.force_login(kaa_coordinator)
    response = leave(client, entry, days_ago(5), "national_started")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.left_on, entry.left_reason) == (days_ago(5), "national_started")
    assert entry.left_recorded_at is not None
    assert ChangeLog.objects.filter(action="kaa.leaving_recorded").exists()
    page = client.get(reverse("outreach:kaa", args=[entry.pk])).content.decode()
    assert "Begynte på et nasjonalt program" in page


def test_a_team_lead_corrects_the_day_a_list_gave(client, kaa_lead, entry, import_kaa):
    other = {"identity_number": swedish_pnr(days_ago(17 * 365), 7), "first_name": "Bo"}
    import_kaa([other], received_on=days_ago(2))  # Alva is not on it
    entry.refresh_from_db()
    assert (entry.left_on, entry.left_reason) == (days_ago(2), "not_on_list")
    recorded = entry.left_recorded_at
    client.force_login(kaa_lead)
    assert leave(client, entry, days_ago(20), "moved").status_code == 302
    entry.refresh_from_db()
    assert (entry.left_on, entry.left_reason) == (days_ago(20), "moved")
    assert entry.left_recorded_at == recorded  # when Losen first learnt she left


@pytest.mark.parametrize(
    ("ago", "reason", "message"),
    [
        (61, "moved", "Datoen må være mellom dagen personen kom på listen og i dag."),
        (-1, "moved", "Datoen må være mellom dagen personen kom på listen og i dag."),
        (1, "turned_20", "Ungdommen hadde ikke fylt 20 år den dagen."),
    ],
)
def test_a_day_that_cannot_be_right_is_refused_with_a_message_and_nothing_is_saved(
    client, kaa_coordinator, entry, ago, reason, message
):
    day = days_ago(ago)
    client.force_login(kaa_coordinator)
    response = leave(client, entry, day, reason)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert day.isoformat() in response.content.decode()  # what was typed is kept
    entry.refresh_from_db()
    assert entry.left_on is None and entry.left_reason == ""


def test_a_day_after_a_later_list_took_the_person_in_again_is_refused(
    client, kaa_coordinator, entry, import_kaa
):
    alva = {
        "identity_number": swedish_pnr(twentieth_birthday_in(10), 9),
        "first_name": "Alva",
        "last_name": "Lund",
    }
    other = {"identity_number": swedish_pnr(days_ago(17 * 365), 7), "first_name": "Bo"}
    import_kaa([other], received_on=days_ago(30))  # Alva left with this list
    import_kaa([alva, other], received_on=days_ago(10))  # and came back with this one
    client.force_login(kaa_coordinator)
    response = leave(client, entry, days_ago(5), "moved")
    assert response.status_code == 400
    assert "En senere liste tok ungdommen inn igjen før den dagen." in response.content.decode()
    entry.refresh_from_db()
    assert entry.left_on == days_ago(30)


def test_a_reason_the_register_does_not_record_by_hand_is_refused(client, kaa_coordinator, entry):
    client.force_login(kaa_coordinator)
    assert leave(client, entry, days_ago(5), "not_on_list").status_code == 400
    entry.refresh_from_db()
    assert entry.left_on is None


def test_an_outsider_can_neither_see_nor_record_the_leaving(client, outsider, entry):
    client.force_login(outsider)
    assert client.get(reverse("outreach:kaa", args=[entry.pk])).status_code == 404
    assert leave(client, entry, days_ago(5), "moved").status_code == 404
    entry.refresh_from_db()
    assert entry.left_on is None


def test_a_declined_measure_is_saved_and_shown(client, kaa_coordinator, entry):
    client.force_login(kaa_coordinator)
    response = client.post(
        reverse("outreach:kaa_measure_new", args=[entry.pk]),
        {
            "plan": "Praktik",
            "goal": "Studier",
            "start_on": days_ago(30).isoformat(),
            "declined": "on",
            "follow_up_dates": "",
        },
    )
    assert response.status_code == 302
    measure = KaaMeasure.objects.get()
    assert measure.declined
    page = client.get(reverse("outreach:kaa", args=[entry.pk])).content.decode()
    assert "Ungdommen takket nei" in page
    form = client.get(reverse("outreach:kaa_measure", args=[entry.pk, measure.pk])).content
    assert b'name="declined"' in form and b"checked" in form
