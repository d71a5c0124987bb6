"""The outreach dashboard: the team sees its counts; outside the team 1-4 are hidden."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from losen.outreach import actions
from losen.outreach.dashboard import monthly
from losen.outreach.models import TargetEntry

TODAY = timezone.localdate()
LISTED = TODAY - datetime.timedelta(days=3)
MONTH = LISTED.replace(day=1)


def put_on_list(import_list, fnr, count):
    import_list(
        [
            {
                "identity_number": fnr(datetime.date(2008, 1, 1) + datetime.timedelta(days=i), i),
                "first_name": f"U{i}",
                "last_name": "X",
            }
            for i in range(count)
        ],
        received_on=LISTED,
    )


def test_the_month_counts_new_reached_within_14_days_and_attempts_by_step(
    import_list, fnr, coordinator, municipality, team
):
    put_on_list(import_list, fnr, 3)
    first, second, _third = TargetEntry.objects.order_by("id")
    actions.do_log_attempt(coordinator, first, method="phone", result="no_answer")
    actions.do_log_attempt(coordinator, first, method="sms", result="reached")
    actions.do_log_attempt(coordinator, second, method="phone", result="reached")
    rows = monthly(
        organisation_id=municipality.pk,
        scheme="ot",
        start=MONTH,
        end=MONTH,
        team_id=team.pk,
        today=TODAY,
        suppress=False,
    )
    [row] = rows
    assert row.values["on_list"] == 3
    assert row.values["new"] == 3
    assert row.values["reached_14"] == 2 and row.values["reached"] == 2
    assert (row.values["phone"], row.values["sms"]) == (2, 1)
    assert round(row.share_14, 2) == 0.67


def test_the_team_sees_small_counts_and_a_manager_does_not(
    client, import_list, fnr, coordinator, manager
):
    put_on_list(import_list, fnr, 3)
    client.force_login(coordinator)
    page = client.get(reverse("outreach:dashboard")).content.decode()
    assert "<td>3</td>" in page
    client.force_login(manager)
    page = client.get(reverse("outreach:dashboard")).content.decode()
    assert "<td>3</td>" not in page
    assert "<td>–</td>" in page


def test_an_outsider_sees_only_their_own_team(client, import_list, fnr, outsider, team):
    put_on_list(import_list, fnr, 5)
    client.force_login(outsider)
    page = client.get(reverse("outreach:dashboard"), {"team": team.pk}).content.decode()
    assert "<td>5</td>" not in page


def test_someone_without_a_team_or_organisation_role_gets_404(client, django_user_model):
    user = django_user_model.objects.create_user("ingen@test.no", "x")
    client.force_login(user)
    assert client.get(reverse("outreach:dashboard")).status_code == 404
