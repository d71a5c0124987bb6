"""Who reads and writes grant reports: the personas, the funder, the menu."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import shown
from losen.accounts.models import Role
from losen.grants.actions import do_save_grant_answers, do_submit_grant_report

pytestmark = pytest.mark.django_db

READ_PAGES = ("grants:detail", "grants:history", "grants:pdf", "grants:json", "grants:csv")


def test_an_outsider_gets_404_for_every_page_of_a_report(client, outsider, report):
    client.force_login(outsider)
    for name in (*READ_PAGES, "grants:edit"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404, name
    assert client.get(reverse("grants:version", args=[report.pk, 1])).status_code == 404
    for name in ("grants:submit", "grants:reopen"):
        assert client.post(reverse(name, args=[report.pk])).status_code == 404, name
    listed = client.get(reverse("grants:list")).content.decode()
    assert "Ungdomsløftet" not in listed


def test_an_outsider_cannot_start_a_report_for_the_municipalitys_measure(client, outsider, measure):
    client.force_login(outsider)
    response = client.post(
        reverse("grants:new"), {"measure": measure.pk, "year": 2025, "kind": "status"}
    )
    assert response.status_code == 200  # the measure is no choice for them
    assert not measure.grant_reports.exists()


def test_a_colleague_in_another_team_and_an_org_admin_write_too(
    client, colleague, org_admin, report
):
    for user in (colleague, org_admin):
        client.force_login(user)
        assert client.get(reverse("grants:edit", args=[report.pk])).status_code == 200


def test_a_manager_reads_every_report_but_writes_none(client, manager, report, measure):
    client.force_login(manager)
    for name in READ_PAGES:
        assert client.get(reverse(name, args=[report.pk])).status_code == 200, name
    assert client.get(reverse("grants:edit", args=[report.pk])).status_code == 404
    assert client.get(reverse("grants:new")).status_code == 404
    page = client.get(reverse("grants:detail", args=[report.pk])).content.decode()
    assert reverse("grants:edit", args=[report.pk]) not in page


def test_a_funder_reads_only_submitted_reports(
    client, make_user, municipality, coordinator, team_lead, report, complete_answers
):
    funder = make_user("nav@test.no", Role.FUNDER, organisation=municipality)
    client.force_login(funder)
    assert client.get(reverse("grants:detail", args=[report.pk])).status_code == 404
    assert "Ungdomsløftet" not in client.get(reverse("grants:list")).content.decode()

    do_save_grant_answers(coordinator, report, expected_version=0, answers=complete_answers)
    do_submit_grant_report(team_lead, report, expected_version=1, with_costs=False)
    assert client.get(reverse("grants:detail", args=[report.pk])).status_code == 200
    assert client.get(reverse("grants:json", args=[report.pk])).status_code == 200
    assert client.get(reverse("grants:edit", args=[report.pk])).status_code == 404
    assert client.post(reverse("grants:reopen", args=[report.pk])).status_code == 404
    # The submitted report, not the drafts before it.
    assert client.get(reverse("grants:history", args=[report.pk])).status_code == 404
    assert client.get(reverse("grants:version", args=[report.pk, 1])).status_code == 404


def test_a_volunteer_has_no_grant_reports(client, make_user, team, report):
    volunteer = make_user("frivillig@test.no", Role.VOLUNTEER, team=team)
    client.force_login(volunteer)
    assert client.get(reverse("grants:list")).status_code == 404
    assert client.get(reverse("grants:detail", args=[report.pk])).status_code == 404


def test_the_menu_has_grant_reports_right_after_results(client, coordinator, manager):
    for user in (coordinator, manager):
        client.force_login(user)
        keys = [item["key"] for item in client.get(reverse("grants:list")).context["nav_items"]]
        assert keys[keys.index("results") + 1] == "grants"


def test_the_measure_page_links_to_its_grant_reports(client, coordinator, measure, report):
    client.force_login(coordinator)
    page = client.get(reverse("programs:measure_detail", args=[measure.pk])).content.decode()
    link = f"{reverse('grants:list')}?measure={measure.pk}"
    assert link in page
    listed = client.get(link).content.decode()
    assert shown("Grant reports for %(name)s", name="Ungdomsløftet") in listed
    assert f"{reverse('grants:new')}?measure={measure.pk}" in listed


def test_the_list_shows_status_and_filters_by_year_with_htmx(client, coordinator, report, measure):
    from losen.grants.actions import do_create_grant_report

    do_create_grant_report(coordinator, measure, year=2024, kind="final")
    client.force_login(coordinator)
    page = client.get(reverse("grants:list")).content.decode()
    assert page.count(shown("Not started")) == 2
    partial = client.get(reverse("grants:list"), {"year": 2024}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content
    assert partial.context["page"].paginator.count == 1
    assert shown("Final report") in partial.content.decode()
