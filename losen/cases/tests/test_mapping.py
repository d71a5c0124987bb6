"""Mapping (kartlegging): scores by the young person and the coordinator, change over time."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from losen.audit.models import AccessLog, ChangeLog, Purpose
from losen.cases.actions.work import Score, do_record_mapping
from losen.cases.models import EventKind, Mapping, MappingAspect, MappingDomain, MappingScore
from losen.lib.errors import NotAllowed

pytestmark = pytest.mark.django_db

VIEWS = ["cases:mapping_new", "cases:mappings"]


def mapping_post(mapped_on: datetime.date, scores: dict[str, int], note: str = "") -> dict:
    """`scores` by field name, e.g. {"resources-education-youth": 4}."""
    return {"mapped_on": mapped_on.isoformat(), "note": note, **scores}


@pytest.mark.parametrize("name", VIEWS)
def test_the_mapping_pages_open_for_the_team_and_log_the_read(
    client, coordinator, case, team, name
):
    client.force_login(coordinator)
    assert client.get(reverse(name, args=[case.pk])).status_code == 200
    entry = AccessLog.objects.filter(person_id=case.person_id, what="mapping").latest("id")
    assert entry.actor == coordinator
    assert entry.team == team
    assert entry.purpose == Purpose.FOLLOW_UP


@pytest.mark.parametrize("persona", ["colleague", "outsider", "manager"])
@pytest.mark.parametrize("name", VIEWS)
def test_the_mapping_pages_are_not_found_for_anyone_else(client, request, case, persona, name):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse(name, args=[case.pk])).status_code == 404
    assert not AccessLog.objects.filter(actor=user).exists()


@pytest.mark.parametrize("persona", ["colleague", "outsider", "manager", "org_admin"])
def test_nobody_outside_the_team_records_a_mapping(client, request, case, today, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("cases:mapping_new", args=[case.pk]),
        mapping_post(today, {"resources-education-youth": 3}),
    )
    assert response.status_code == 404
    assert not Mapping.objects.exists()


def test_every_score_has_its_own_label_in_one_table_per_aspect(client, coordinator, case):
    client.force_login(coordinator)
    page = client.get(reverse("cases:mapping_new", args=[case.pk])).content.decode()
    form = page[page.index("<main") :]  # leave the header's language select out
    selects = re.findall(r'<select name="([^"]+)"[^>]*id="([^"]+)"', form)
    assert len(selects) == len(MappingAspect) * len(MappingDomain) * 2
    for _name, select_id in selects:
        assert f'<label class="visually-hidden" for="{select_id}">' in page
    assert page.count("<table") == len(MappingAspect)
    assert page.count('<th scope="row">') == len(MappingAspect) * len(MappingDomain)


def test_a_mapping_saves_the_given_scores_and_writes_an_event(client, coordinator, case, today):
    mapped_on = today - datetime.timedelta(days=3)
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:mapping_new", args=[case.pk]),
        mapping_post(
            mapped_on,
            {
                "resources-education-youth": 4,
                "resources-education-coordinator": 3,
                "motivation-work-youth": 5,
            },
            note="Wants to work with cars.",
        ),
    )
    assert response.status_code == 302
    mapping = Mapping.objects.get()
    assert mapping.mapped_on == mapped_on
    assert mapping.recorded_by == coordinator
    scores = {
        (s.aspect, s.domain): (s.youth_score, s.coordinator_score) for s in mapping.scores.all()
    }
    assert scores == {("resources", "education"): (4, 3), ("motivation", "work"): (5, None)}
    event = case.events.get(kind=EventKind.MAPPING_RECORDED)
    assert event.effective_on == mapped_on
    assert event.data == {"mapping": mapping.pk, "scores": 2}
    assert ChangeLog.objects.filter(action="case.mapping_recorded", object_id=mapping.pk).exists()


@pytest.mark.parametrize(
    "scores",
    [{}, {"resources-education-youth": 6}, {"resources-education-youth": 0}],
    ids=["no score", "above 5", "below 1"],
)
def test_a_mapping_without_scores_or_with_a_score_off_the_scale_is_refused(
    client, coordinator, case, today, scores
):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:mapping_new", args=[case.pk]), mapping_post(today, scores)
    )
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert not Mapping.objects.exists()


def test_a_mapping_in_the_future_is_refused(client, coordinator, case, today):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:mapping_new", args=[case.pk]),
        mapping_post(today + datetime.timedelta(days=1), {"needs-health-youth": 2}),
    )
    assert response.status_code == 200
    assert not Mapping.objects.exists()


def test_the_action_refuses_scores_off_the_scale_and_people_outside_the_team(
    coordinator, org_admin, case, today
):
    with pytest.raises(ValueError):
        do_record_mapping(
            coordinator, case, mapped_on=today, scores=[Score("health", "needs", youth=7)]
        )
    with pytest.raises(NotAllowed):
        do_record_mapping(
            org_admin, case, mapped_on=today, scores=[Score("health", "needs", youth=2)]
        )
    assert not MappingScore.objects.exists()


def test_two_mappings_show_the_change_as_a_chart_and_as_a_table(coordinator, client, case, today):
    first, second = today - datetime.timedelta(days=60), today
    do_record_mapping(
        coordinator,
        case,
        mapped_on=first,
        scores=[
            Score("education", "resources", youth=2, coordinator=1),
            Score("work", "resources", youth=4, coordinator=2),
        ],
    )
    do_record_mapping(
        coordinator,
        case,
        mapped_on=second,
        scores=[Score("education", "resources", youth=4, coordinator=4)],
    )
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert page.count('role="img"') == len(MappingAspect)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert "<polyline" in page  # two resources mappings make a line
    # The same numbers in the table below the chart: averages 3 and 1.5, then 4 and 4.
    resources = page[page.index('id="chart-resources-title"') :]
    table = resources[resources.index("<table") : resources.index("</table>")]
    assert f"{first:%d.%m.%Y}</th><td>3</td><td>1,5</td>" in table  # Norwegian decimals
    assert f"{second:%d.%m.%Y}</th><td>4</td><td>4</td>" in table

    history = client.get(reverse("cases:mappings", args=[case.pk])).content.decode()
    assert "2 / 1" in history
    assert "4 / 4" in history
