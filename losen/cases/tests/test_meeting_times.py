"""A team holds one meeting at a time: a second meeting of the team starting in the same
minute is refused by the form, by the action and by the database."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from conftest import shown
from losen.cases.actions import meetings as actions
from losen.cases.models import TeamMeeting
from losen.cases.tests.test_meeting_decided_elsewhere import needs_sqlite, posts_at_once

pytestmark = pytest.mark.django_db

MONDAY_NINE = "2030-01-07T09:00"


def call_meeting(client, team, starts_at=MONDAY_NINE, **data):
    return client.post(reverse("meetings:new"), {"team": team.pk, "starts_at": starts_at, **data})


def test_a_second_meeting_of_the_team_at_the_same_time_is_refused_with_a_clear_message(
    client, team_lead, team
):
    client.force_login(team_lead)
    assert call_meeting(client, team, location="Rom 1").status_code == 302

    response = call_meeting(client, team, location="Rom 2")

    assert response.status_code == 200
    (error,) = response.context["form"].errors["starts_at"]
    assert error == shown(
        "%(team)s already has a meeting at %(when)s. A team holds one meeting at a time: "
        "choose another time.",
        team="Ungteam",
        when="07.01.2030 09:00",
    )
    assert error in response.content.decode()
    # What was typed is kept.
    assert 'value="Rom 2"' in response.content.decode()
    assert list(team.meetings.values_list("location", flat=True)) == ["Rom 1"]


def test_the_same_minute_is_the_same_time_and_the_next_minute_is_another(team_lead, team):
    nine = timezone.make_aware(datetime.datetime(2030, 1, 7, 9, 0, 0))
    actions.do_create_meeting(team_lead, team=team, starts_at=nine)
    with pytest.raises(actions.MeetingTimeTaken):
        actions.do_create_meeting(
            team_lead, team=team, starts_at=nine + datetime.timedelta(seconds=40)
        )
    actions.do_create_meeting(team_lead, team=team, starts_at=nine + datetime.timedelta(minutes=1))
    assert team.meetings.count() == 2


def test_another_team_may_meet_at_the_same_time(team_lead, colleague, team, other_team):
    nine = timezone.make_aware(datetime.datetime(2030, 1, 7, 9, 0))
    actions.do_create_meeting(team_lead, team=team, starts_at=nine)
    actions.do_create_meeting(colleague, team=other_team, starts_at=nine)
    assert TeamMeeting.objects.filter(starts_at=nine).count() == 2


def test_the_database_refuses_two_meetings_of_a_team_at_the_same_time(team_lead, team):
    nine = timezone.make_aware(datetime.datetime(2030, 1, 7, 9, 0))
    TeamMeeting.objects.create(organisation=team.organisation, team=team, starts_at=nine)
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMeeting.objects.create(organisation=team.organisation, team=team, starts_at=nine)


@needs_sqlite
@pytest.mark.django_db(transaction=True)
def test_two_calls_of_a_meeting_at_the_same_time_at_once_make_one_meeting(
    team_lead, team, tmp_path
):
    url = reverse("meetings:new")
    posts = [
        [url, {"team": team.pk, "starts_at": MONDAY_NINE, "location": "Rom 1"}],
        [url, {"team": team.pk, "starts_at": MONDAY_NINE, "location": "Rom 2"}],
    ]
    report = '{"meetings": TeamMeeting.objects.count()}'

    result = posts_at_once(team_lead, posts, tmp_path, report)

    # One is created (302); the other is shown the form again with the message (200).
    assert result == {"answers": [200, 302], "meetings": 1}


def _leaf(nodes, app: str) -> str:
    return next(name for label, name in nodes if label == app)


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_a_teams_second_meeting_at_the_same_time_a_minute_on():
    """Meetings made before the constraint keep everything: the second and third of a
    team at one moment start one and two minutes later; other teams' stay where they are."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        # Every other app as it is now (their tables are migrated to the end), but those
        # that need a later migration of cases: they are taken out for the test.
        graph = executor.loader.graph
        start = ("cases", "0005_signing_records_consents")
        later = {
            node
            for node in graph.forwards_plan(("cases", _leaf(latest, "cases")))
            if node[0] == "cases"
        } - set(graph.forwards_plan(start))
        needing_later = {
            app
            for app, name in latest
            if app != "cases" and later & set(graph.forwards_plan((app, name)))
        }
        others = [node for node in latest if node[0] != "cases" and node[0] not in needing_later]
        others += [(app, None) for app in sorted(needing_later)]
        before = [start, *others]
        after = [("cases", "0006_one_meeting_per_team_at_a_time"), *others]
        executor.migrate(before)
        old = executor.loader.project_state([n for n in before if n[1]]).apps
        organisation = old.get_model("accounts", "Organisation").objects.create(
            name="Gammel kommune", kind="municipality", country="NO"
        )
        Team = old.get_model("accounts", "Team")
        ours = Team.objects.create(organisation=organisation, name="Ungteam")
        theirs = Team.objects.create(organisation=organisation, name="Annet team")
        Meeting = old.get_model("cases", "TeamMeeting")
        nine = timezone.make_aware(datetime.datetime(2030, 1, 7, 9, 0))
        made = [
            Meeting.objects.create(organisation=organisation, team=team, starts_at=nine).pk
            for team in (ours, ours, ours, theirs)
        ]

        executor = MigrationExecutor(connection)
        executor.migrate(after)

        state = executor.loader.project_state([n for n in after if n[1]])
        new = state.apps.get_model("cases", "TeamMeeting")
        starts = [
            timezone.localtime(new.objects.get(pk=pk).starts_at).strftime("%H:%M") for pk in made
        ]
        assert starts == ["09:00", "09:01", "09:02", "09:00"]
    finally:
        # The rest of the run (and the process the concurrency tests start on a copy of
        # this database) needs every migration, the later ones of cases too.
        MigrationExecutor(connection).migrate(latest)
