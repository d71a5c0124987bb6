"""The administration: an organisation's administrator manages their organisation only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from losen.accounts.models import Membership, Organisation, Role, Team, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root@test.no", "pw")


def test_the_organisation_administrator_sees_only_their_organisations_teams(
    client, org_admin, team, other_team, outside_team
):
    client.force_login(org_admin)
    response = client.get(reverse("admin:accounts_team_changelist"))
    assert response.status_code == 200
    shown = set(response.context["cl"].result_list)
    assert shown == {team, other_team}


def test_the_organisation_administrator_cannot_open_another_organisations_team(
    client, org_admin, outside_team
):
    client.force_login(org_admin)
    response = client.get(reverse("admin:accounts_team_change", args=[outside_team.pk]))
    assert response.status_code in (302, 403, 404)
    assert outside_team.name not in response.content.decode()


def test_the_organisation_administrator_sees_only_their_organisations_users(
    client, org_admin, coordinator, colleague, outsider
):
    client.force_login(org_admin)
    response = client.get(reverse("admin:accounts_user_changelist"))
    shown = set(response.context["cl"].result_list)
    assert outsider not in shown
    assert {coordinator, colleague, org_admin} <= shown


def test_the_organisation_administrator_adds_a_team_in_their_organisation_only(
    client, org_admin, municipality, outside_organisation
):
    client.force_login(org_admin)
    form = client.get(reverse("admin:accounts_team_add")).context["adminform"].form
    assert list(form.fields["organisation"].queryset) == [municipality]
    response = client.post(
        reverse("admin:accounts_team_add"),
        {"organisation": outside_organisation.pk, "name": "Snik"},
    )
    assert response.status_code == 200
    assert not Team.objects.filter(name="Snik").exists()


def test_a_coordinator_cannot_use_the_administration(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_the_superuser_sees_every_organisation(
    client, superuser, municipality, outside_organisation
):
    client.force_login(superuser)
    response = client.get(reverse("admin:accounts_organisation_changelist"))
    assert set(response.context["cl"].result_list) == {municipality, outside_organisation}


def test_a_team_role_needs_a_team(municipality, coordinator):
    from django.core.exceptions import ValidationError

    membership = Membership(user=coordinator, organisation=municipality, role=Role.COORDINATOR)
    with pytest.raises(ValidationError):
        membership.full_clean()


def test_it_validates_organisation_numbers(db):
    bad = Organisation(name="X", kind="municipality", country="NO", org_number="974760674")
    with pytest.raises(Exception) as raised:
        bad.full_clean()
    assert "org_number" in str(raised.value)
    good = Organisation(name="Y", kind="municipality", country="SE", org_number="212000-1355")
    good.full_clean()
    assert good.org_number == "2120001355"


def test_changes_made_in_the_administration_are_in_the_change_log(client, org_admin, municipality):
    from losen.audit.models import ChangeLog

    client.force_login(org_admin)
    response = client.post(
        reverse("admin:accounts_team_add"), {"organisation": municipality.pk, "name": "Nytt team"}
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Nytt team")
    log = ChangeLog.objects.get(action="team.created")
    assert log.object_id == team.pk
    assert log.actor == org_admin
    assert log.organisation_id == municipality.pk
    assert "name" in log.changed_fields
