"""Writing a grant report: versions, stale saves, last year's answers, submitting."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import shown
from losen.audit.models import ChangeLog
from losen.grants.actions import (
    Incomplete,
    ReportExists,
    do_create_grant_report,
    do_save_grant_answers,
    do_submit_grant_report,
)
from losen.grants.models import GrantReport, GrantReportVersion, VersionIsImmutable
from losen.grants.tests.conftest import form_data
from losen.lib.errors import StaleEdit

pytestmark = pytest.mark.django_db


def edit(client, report, answers, *, version):
    return client.post(
        reverse("grants:edit", args=[report.pk]), form_data(answers, version=version)
    )


def test_a_coordinator_starts_a_report_from_the_new_page(client, coordinator, measure):
    client.force_login(coordinator)
    response = client.post(
        reverse("grants:new"), {"measure": measure.pk, "year": 2025, "kind": "status"}
    )
    report = GrantReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:edit", args=[report.pk])
    assert (report.organisation, report.year, report.kind, report.version) == (
        measure.organisation,
        2025,
        "status",
        0,
    )


def test_every_save_is_a_new_version_with_its_author_and_time(
    client, coordinator, team_lead, report, complete_answers
):
    client.force_login(coordinator)
    assert edit(client, report, complete_answers, version=0).status_code == 302
    client.force_login(team_lead)
    complete_answers["challenges"] = "Færre henvisninger enn ventet."
    assert edit(client, report, complete_answers, version=1).status_code == 302

    first, second = GrantReportVersion.objects.filter(report=report).order_by("number")
    assert (first.number, first.saved_by, first.answers["challenges"]) == (
        1,
        coordinator,
        "Å nå de som ikke svarer på telefon.",
    )
    assert (second.number, second.saved_by) == (2, team_lead)
    assert second.answers["challenges"] == "Færre henvisninger enn ventet."
    assert first.saved_at <= second.saved_at
    report.refresh_from_db()
    assert report.version == 2


def test_a_stale_save_is_refused_with_a_clear_message_and_nothing_is_overwritten(
    client, coordinator, colleague, report, complete_answers
):
    client.force_login(coordinator)
    edit(client, report, complete_answers, version=0)
    # The colleague opened the form before the coordinator saved, so posts version 0.
    client.force_login(colleague)
    theirs = {**complete_answers, "challenges": "Kollegaens tekst"}
    response = edit(client, report, theirs, version=0)

    assert response.status_code == 200
    page = response.content.decode()
    assert shown("The answers are not saved") in page
    assert shown("Start again from the saved answers") in page
    assert "Å nå de som ikke svarer på telefon." in page  # the saved answers, shown
    assert "Kollegaens tekst" in page  # their own text is not lost from the form
    (only,) = GrantReportVersion.objects.filter(report=report)
    assert only.answers["challenges"] == "Å nå de som ikke svarer på telefon."


def test_the_action_refuses_a_save_based_on_an_older_version(coordinator, report, complete_answers):
    do_save_grant_answers(coordinator, report, expected_version=0, answers=complete_answers)
    with pytest.raises(StaleEdit) as refused:
        do_save_grant_answers(coordinator, report, expected_version=0, answers={})
    assert refused.value.current.number == 1
    assert GrantReportVersion.objects.filter(report=report).count() == 1


def test_saving_the_same_answers_again_makes_no_new_version(coordinator, report, complete_answers):
    first = do_save_grant_answers(coordinator, report, expected_version=0, answers=complete_answers)
    again = do_save_grant_answers(coordinator, report, expected_version=1, answers=complete_answers)
    assert again == first
    assert GrantReportVersion.objects.filter(report=report).count() == 1


def test_a_saved_version_is_never_changed(coordinator, report, complete_answers):
    version = do_save_grant_answers(
        coordinator, report, expected_version=0, answers=complete_answers
    )
    version.answers = {}
    with pytest.raises(VersionIsImmutable):
        version.save()


def test_an_old_version_can_be_read_from_the_history(client, coordinator, report, complete_answers):
    do_save_grant_answers(coordinator, report, expected_version=0, answers=complete_answers)
    later = {**complete_answers, "achievements": "Tolv i jobb"}
    do_save_grant_answers(coordinator, report, expected_version=1, answers=later)
    client.force_login(coordinator)
    history = client.get(reverse("grants:history", args=[report.pk])).content.decode()
    assert reverse("grants:version", args=[report.pk, 1]) in history
    assert "Kari Koordinator" in history

    old = client.get(reverse("grants:version", args=[report.pk, 1])).content.decode()
    assert "=SUM(A1:A9) flere i jobb" in old
    assert shown("This is an older version. The current answers are on the report's page.") in old
    partial = client.get(reverse("grants:version", args=[report.pk, 1]), HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content
    assert client.get(reverse("grants:version", args=[report.pk, 9])).status_code == 404


def test_a_new_report_starts_from_last_years_latest_answers_and_says_so(
    client, coordinator, measure, complete_answers
):
    last_year = do_create_grant_report(coordinator, measure, year=2024, kind="status")
    do_save_grant_answers(coordinator, last_year, expected_version=0, answers=complete_answers)
    newer = {**complete_answers, "target_group": "Unge 16–30 år"}
    latest = do_save_grant_answers(coordinator, last_year, expected_version=1, answers=newer)

    client.force_login(coordinator)
    response = client.post(
        reverse("grants:new"), {"measure": measure.pk, "year": 2025, "kind": "status"}
    )
    report = GrantReport.objects.get(year=2025)
    assert report.started_from == latest
    page = client.get(response["Location"]).content.decode()
    assert shown("Started from last year's answers (%(year)s).", year=2024) in page
    assert "Unge 16–30 år" in page
    assert "Frivilligsentralen og skolene" in page
    assert re.search(r'value="s20a"[^>]*checked', page)
    assert not re.search(r'value="s12"[^>]*checked', page)
    # Saving them as they are makes this year's first version.
    assert edit(client, report, newer, version=0).status_code == 302
    report.refresh_from_db()
    assert report.version == 1
    assert shown("Started from last year's answers (%(year)s).", year=2024) not in (
        client.get(reverse("grants:edit", args=[report.pk])).content.decode()
    )


def test_the_name_of_the_measure_comes_from_the_measure(client, coordinator, measure):
    measure.name = "Jobbsmak Øst"
    measure.save(update_fields=["name"])
    report = do_create_grant_report(coordinator, measure, year=2025, kind="final")
    client.force_login(coordinator)
    page = client.get(reverse("grants:edit", args=[report.pk])).content.decode()
    assert 'value="Jobbsmak Øst"' in page
    assert 'value="koordinator@test.no"' in page
    assert shown("Final report (the measure receives no more grant money)") in page


def test_a_second_report_of_the_same_type_for_the_year_is_refused(client, coordinator, report):
    with pytest.raises(ReportExists):
        do_create_grant_report(coordinator, report.measure, year=2025, kind="status")
    client.force_login(coordinator)
    response = client.post(
        reverse("grants:new"), {"measure": report.measure.pk, "year": 2025, "kind": "status"}
    )
    assert response.status_code == 200
    assert shown("The measure already has this report for the year.") in response.content.decode()
    assert reverse("grants:detail", args=[report.pk]) in response.content.decode()
    # A final report for the same year is another report.
    do_create_grant_report(coordinator, report.measure, year=2025, kind="final")


def test_a_yes_no_text_needs_its_choice_and_other_sections_need_the_other_box(
    client, coordinator, report, complete_answers
):
    complete_answers["trial_elsewhere"] = {"answer": "", "text": "Kanskje i nabokommunen"}
    complete_answers["act_sections"] = {"selected": ["s1"], "other": "Barnevernloven"}
    client.force_login(coordinator)
    response = edit(client, report, complete_answers, version=0)
    assert response.status_code == 200
    page = response.content.decode()
    assert shown("Choose yes or no for this question, or clear the text.") in page
    assert shown("Tick “Other” among the sections, or clear the text about other sections.") in page
    assert not GrantReportVersion.objects.exists()


def test_a_team_lead_submits_a_complete_report_and_it_becomes_read_only(
    client, coordinator, team_lead, report, complete_answers
):
    do_save_grant_answers(coordinator, report, expected_version=0, answers=complete_answers)
    client.force_login(team_lead)
    url = reverse("grants:submit", args=[report.pk])
    response = client.post(url, {"version": 1, "confirmed": "True"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.submitted_by == team_lead
    assert report.submitted_figures["suppressed"] is True

    client.force_login(coordinator)
    assert client.get(reverse("grants:edit", args=[report.pk])).status_code == 302
    response = edit(client, report, {**complete_answers, "challenges": "Ny"}, version=1)
    assert response.status_code == 302
    assert GrantReportVersion.objects.filter(report=report).count() == 1


def test_submitting_asks_for_a_confirmation_first_and_submits_nothing_before_it(
    client, coordinator, team_lead, report, complete_answers
):
    do_save_grant_answers(coordinator, report, expected_version=0, answers=complete_answers)
    client.force_login(team_lead)
    url = reverse("grants:submit", args=[report.pk])
    response = client.post(url, {"version": 1})
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "grants/submit_confirm.html"
    page = response.content.decode()
    assert shown("Confirm: submit the report") in page
    assert 'name="version" value="1"' in page
    assert "NAV Bjørnafjorden" in page  # the answers about to be submitted
    report.refresh_from_db()
    assert (report.status, report.version, report.submitted_at) == ("draft", 1, None)
    assert GrantReportVersion.objects.get(report=report).number == 1  # nothing changed

    client.post(url, {"version": 1, "confirmed": "True"})
    report.refresh_from_db()
    assert report.status == "submitted"


def test_the_confirmation_of_a_version_saved_again_since_is_refused(
    client, coordinator, team_lead, report, complete_answers
):
    do_save_grant_answers(coordinator, report, expected_version=0, answers=complete_answers)
    client.force_login(team_lead)
    url = reverse("grants:submit", args=[report.pk])
    client.post(url, {"version": 1})
    later = {**complete_answers, "challenges": "Nye utfordringer"}
    do_save_grant_answers(coordinator, report, expected_version=1, answers=later)
    response = client.post(url, {"version": 1, "confirmed": "True"}, follow=True)
    assert (
        shown("The report was saved again after you opened it. Read it through, then submit.")
        in response.content.decode()
    )
    report.refresh_from_db()
    assert (report.status, report.version) == ("draft", 2)


def test_an_incomplete_report_is_not_submitted(client, coordinator, team_lead, report):
    do_save_grant_answers(
        coordinator, report, expected_version=0, answers={"measure_name": "Ungdomsløftet"}
    )
    with pytest.raises(Incomplete) as refused:
        do_submit_grant_report(team_lead, report, expected_version=1, with_costs=False)
    assert "target_group" in [q.key for q in refused.value.questions]
    client.force_login(team_lead)
    page = client.get(reverse("grants:detail", args=[report.pk])).content.decode()
    assert shown("Before the report can be submitted, these questions need an answer:") in page
    assert shown("Describe the target group.") in page
    response = client.post(reverse("grants:submit", args=[report.pk]), {"version": 1}, follow=True)
    assert shown("Describe the target group.") in response.content.decode()
    report.refresh_from_db()
    assert report.status == "draft"


def test_a_coordinator_cannot_submit_and_a_team_lead_reopens(
    client, coordinator, team_lead, report, complete_answers
):
    do_save_grant_answers(coordinator, report, expected_version=0, answers=complete_answers)
    client.force_login(coordinator)
    assert (
        client.post(reverse("grants:submit", args=[report.pk]), {"version": 1}).status_code == 404
    )
    do_submit_grant_report(team_lead, report, expected_version=1, with_costs=False)
    client.force_login(team_lead)
    client.post(reverse("grants:reopen", args=[report.pk]))
    report.refresh_from_db()
    assert (report.status, report.submitted_at, report.submitted_figures) == ("draft", None, None)


def test_each_write_goes_to_the_change_log(coordinator, team_lead, report, complete_answers):
    do_save_grant_answers(coordinator, report, expected_version=0, answers=complete_answers)
    later = {**complete_answers, "challenges": "Nye utfordringer"}
    do_save_grant_answers(coordinator, report, expected_version=1, answers=later)
    do_submit_grant_report(team_lead, report, expected_version=2, with_costs=False)
    entries = list(
        ChangeLog.objects.filter(object_type="grants.grantreport", object_id=report.pk).order_by(
            "pk"
        )
    )
    assert [e.action for e in entries] == [
        "grants.report_created",
        "grants.answers_saved",
        "grants.answers_saved",
        "grants.report_submitted",
    ]
    assert entries[2].changed_fields == ["challenges"]
    assert all(e.person_id is None for e in entries)
    assert entries[1].actor == coordinator
