"""The case's timeline: back-dated events in their place, corrections as new events."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import shown
from losen.audit.models import AccessLog, Purpose
from losen.cases.actions.core import do_correct_event, do_open_case, do_record_event
from losen.cases.models import CaseEvent, EventKind
from losen.cases.queries.core import timeline

pytestmark = pytest.mark.django_db


def timeline_rows(html: str) -> dict[int, str]:
    """The timeline's rows by event id, in the order the page shows them."""
    section = html[html.index('id="section-timeline"') :]
    rows = re.findall(r'<tr id="event-(\d+)">(.*?)</tr>', section, flags=re.S)
    return {int(pk): body for pk, body in rows}


@pytest.fixture
def back_dated(coordinator, case, today):
    """A category set three weeks ago, recorded only now."""
    return do_record_event(
        coordinator,
        case,
        EventKind.CATEGORY_SET,
        effective_on=today - datetime.timedelta(days=21),
        data={"category": 3},
    )


def test_a_back_dated_event_and_a_correction_as_a_new_event_both_appear_correctly_in_the_timeline(
    client, coordinator, case, back_dated, today
):
    correction = do_correct_event(
        coordinator,
        back_dated,
        note="The assessment was made two weeks ago, not three",
        effective_on=today - datetime.timedelta(days=14),
    )
    client.force_login(coordinator)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    rows = timeline_rows(html)
    in_effective_order = [e.pk for e in timeline(case)]
    assert list(rows) == in_effective_order
    # The back-dated event comes first although it was recorded last but one.
    assert in_effective_order[0] == back_dated.pk
    referred = case.events.get(kind=EventKind.REFERRED)
    assert in_effective_order.index(correction.pk) < in_effective_order.index(referred.pk)

    original_row = rows[back_dated.pk]
    assert (today - datetime.timedelta(days=21)).strftime("%d.%m.%Y") in original_row
    recorded = timezone.localtime(back_dated.recorded_at).strftime("%d.%m.%Y %H:%M")
    assert recorded in original_row
    assert "Kari Koordinator" in original_row
    assert shown("recorded later") in original_row
    assert shown("corrected") in original_row
    assert f'href="#event-{correction.pk}"' in original_row

    correction_row = rows[correction.pk]
    assert f'href="#event-{back_dated.pk}"' in correction_row
    assert "The assessment was made two weeks ago, not three" in correction_row
    assert (today - datetime.timedelta(days=14)).strftime("%d.%m.%Y") in correction_row

    unchanged = CaseEvent.objects.get(pk=back_dated.pk)
    assert unchanged.effective_on == today - datetime.timedelta(days=21)
    assert unchanged.data == {"category": 3}
    assert unchanged.kind == EventKind.CATEGORY_SET


def test_an_event_recorded_on_the_day_it_took_effect_is_not_marked_as_recorded_later(
    client, coordinator, case
):
    same_day = case.events.get(kind=EventKind.CONTACT_PERSON_ASSIGNED)
    client.force_login(coordinator)
    rows = timeline_rows(client.get(reverse("cases:detail", args=[case.pk])).content.decode())
    assert shown("recorded later") not in rows[same_day.pk]
    assert "Kari Koordinator" in rows[same_day.pk]


def test_the_correction_form_records_a_new_event_that_points_to_the_original(
    client, coordinator, case, back_dated, today
):
    client.force_login(coordinator)
    url = reverse("cases:event_correct", args=[case.pk, back_dated.pk])
    response = client.post(url, {"note": "Wrong category: it is 2"})
    correction = CaseEvent.objects.get(kind=EventKind.CORRECTION)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#event-{correction.pk}")
    assert correction.corrects == back_dated
    assert correction.effective_on == back_dated.effective_on
    assert correction.recorded_by == coordinator
    assert CaseEvent.objects.get(pk=back_dated.pk).data == {"category": 3}


def test_the_correction_form_asks_for_a_note_and_refuses_a_date_in_the_future(
    client, coordinator, case, back_dated, today
):
    client.force_login(coordinator)
    url = reverse("cases:event_correct", args=[case.pk, back_dated.pk])
    empty = client.post(url, {"note": ""})
    future = client.post(
        url, {"note": "x", "effective_on": (today + datetime.timedelta(days=1)).isoformat()}
    )
    assert empty.status_code == 200
    assert 'id="error-summary"' in empty.content.decode()
    assert future.status_code == 200
    assert not CaseEvent.objects.filter(kind=EventKind.CORRECTION).exists()


def test_the_correction_form_opens_for_the_team_and_logs_the_read(
    client, coordinator, case, back_dated, team
):
    client.force_login(coordinator)
    response = client.get(reverse("cases:event_correct", args=[case.pk, back_dated.pk]))
    assert response.status_code == 200
    entry = AccessLog.objects.filter(person_id=case.person_id, purpose=Purpose.REGISTRATION)
    assert entry.latest("id").actor == coordinator
    assert entry.latest("id").team == team


@pytest.mark.parametrize("persona", ["colleague", "outsider", "manager", "org_admin"])
def test_the_correction_form_is_not_found_for_anyone_outside_the_team(
    client, request, case, back_dated, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    url = reverse("cases:event_correct", args=[case.pk, back_dated.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "sneaky"}).status_code == 404
    assert not CaseEvent.objects.filter(kind=EventKind.CORRECTION).exists()


def test_an_event_of_another_case_is_not_found_through_this_case(
    client, coordinator, case, register, team
):
    other = do_open_case(coordinator, register(first_name="Ola"), team)
    foreign = do_record_event(coordinator, other, EventKind.REFERRED)
    client.force_login(coordinator)
    url = reverse("cases:event_correct", args=[case.pk, foreign.pk])
    assert client.get(url).status_code == 404
