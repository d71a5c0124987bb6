"""The case page reads before it edits: a summary at the top, and each section's form opened
on demand (by htmx into the section, or with `?edit=<section>` without JavaScript)."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from conftest import shown
from losen.accounts.models import Role
from losen.audit.models import AccessLog
from losen.cases.actions.core import do_transition_case
from losen.cases.actions.work import StepData, do_save_plan, do_set_category
from losen.cases.models import CaseState, CategoryAssessment
from losen.lib.dates import add_months
from losen.outcomes import actions as outcome_actions
from losen.people.actions import do_add_guardian
from losen.programs import actions as program_actions
from losen.programs.models import Measure

pytestmark = pytest.mark.django_db

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
PERSONAS_OUTSIDE = ["colleague", "outsider", "manager"]
# The sections whose form opens on demand: (section, the form's URL name).
SECTIONS = [
    ("contact", "cases:contact_person"),
    ("flag", "cases:flag"),
    ("category", "cases:category"),
    ("school", "cases:school_rights"),
    ("journal", "cases:note_new"),
]


def main_of(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def summary_of(page: str) -> str:
    start = page.index('id="case-summary"')
    return page[start : page.index("</dl>", start)]


def section_of(page: str, section: str) -> str:
    start = page.index(f'<section id="section-{section}"')
    return page[start : page.index("</section>", start)]


def detail(client, case, **params):
    return client.get(reverse("cases:detail", args=[case.pk]), params).content.decode()


# --- The summary -------------------------------------------------------------------------


def test_the_summary_shows_phone_contact_person_category_measure_and_next_plan_step(
    client, coordinator, team_lead, municipality, case, today
):
    do_set_category(coordinator, case, category=2, set_on=today - datetime.timedelta(days=3))
    do_save_plan(
        coordinator,
        case,
        expected_version=0,
        goals=[],
        steps=[
            StepData("Apply for the course", "youth", deadline=today + datetime.timedelta(20)),
            StepData("Call the school", "coordinator", deadline=today + datetime.timedelta(5)),
            StepData("Get a bank ID", "youth", deadline=today, status="done"),
            StepData("Some day", "youth"),
        ],
    )
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    measure = program_actions.do_create_measure(
        team_lead, municipality, name="Restart", kind=Measure.Kind.QUALIFICATION, capacity=7
    )
    program_actions.do_enrol(coordinator, case, measure, start_on=today)
    client.force_login(coordinator)
    summary = summary_of(detail(client, case))
    assert 'href="tel:+4741234567"' in summary
    assert "+47 412 34 567" in summary
    assert "Kari Koordinator" in summary
    assert shown("2 – Good enough prerequisites, but without will or motivation") in summary
    assert (today - datetime.timedelta(days=3)).strftime("%d.%m.%Y") in summary
    assert "Restart" in summary
    # The open step due first; a done step does not count.
    next_step = summary[summary.index('id="summary-next-step"') :]
    assert next_step.split("</dd>")[0].count("Call the school") == 1
    assert "Apply for the course" not in summary
    # An adult: no guardian row.
    assert 'id="summary-guardians"' not in summary


def test_the_age_is_computed_from_the_stored_birth_date_on_the_day_the_page_is_read(
    client, coordinator, case
):
    # Nora Hansen is born 17 May 2003. (Logged in anew each day: sessions time out.)
    with time_machine.travel(datetime.datetime(2026, 5, 16, 12, 0, tzinfo=OSLO), tick=False):
        client.force_login(coordinator)
        age = summary_of(detail(client, case)).split('id="summary-age">')[1].split("</dd>")[0]
    assert shown("%(age)s years", age=22) in age
    assert "17.05.2003" in age
    with time_machine.travel(datetime.datetime(2026, 5, 17, 0, 5, tzinfo=OSLO), tick=False):
        client.force_login(coordinator)
        age = summary_of(detail(client, case)).split('id="summary-age">')[1].split("</dd>")[0]
    assert shown("%(age)s years", age=23) in age


def test_the_guardian_is_shown_for_a_young_person_under_18_only(
    client, coordinator, register, team, today
):
    from losen.cases.actions.core import do_assign_contact_person, do_open_case

    client.force_login(coordinator)
    cases = {}
    for name, years in [("Ung", 16), ("Voksen", 19)]:
        person = register(first_name=name, birth_date=add_months(today, -12 * (years + 1)))
        do_add_guardian(
            coordinator, person, name=f"Mor {name}", relation="mother", phone="+47 900 00 001"
        )
        cases[name] = do_open_case(coordinator, person, team)
        do_assign_contact_person(coordinator, cases[name], coordinator)
    minor = summary_of(detail(client, cases["Ung"]))
    assert 'id="summary-guardians"' in minor
    assert "Mor Ung" in minor
    assert 'href="tel:+4790000001"' in minor
    adult = summary_of(detail(client, cases["Voksen"]))
    assert "Mor Voksen" not in adult
    assert 'id="summary-guardians"' not in adult


def test_a_minor_without_a_guardian_is_pointed_out_in_the_summary(
    client, coordinator, register, team, today
):
    from losen.cases.actions.core import do_open_case

    person = register(first_name="Liten", birth_date=add_months(today, -12 * 16))
    case = do_open_case(coordinator, person, team)
    client.force_login(coordinator)
    summary = summary_of(detail(client, case))
    assert shown("Under 18 and no guardian registered: add a guardian as contact.") in summary


def test_the_summary_names_the_next_follow_up_after_the_exit(
    client, coordinator, person, team, today
):
    from losen.cases.actions.core import do_assign_contact_person, do_open_case

    exited_on = add_months(today, -7)
    case = do_open_case(coordinator, person, team, opened_on=exited_on - datetime.timedelta(90))
    do_assign_contact_person(coordinator, case, coordinator)
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    outcome = outcome_actions.do_exit(
        coordinator, case, code="other_activity.nav_measure", exited_on=exited_on
    )
    six = outcome.follow_ups.get(months=6)
    client.force_login(coordinator)
    summary = summary_of(detail(client, case))
    assert reverse("outcomes:follow_up", args=[six.pk]) in summary
    outcome_actions.do_register_follow_up(coordinator, six, reached=False, registered_on=today)
    twelve = outcome.follow_ups.get(months=12)
    summary = summary_of(detail(client, case))
    assert reverse("outcomes:follow_up", args=[six.pk]) not in summary
    assert reverse("outcomes:follow_up", args=[twelve.pk]) in summary
    assert twelve.due_on.strftime("%d.%m.%Y") in summary


def test_the_contact_details_in_the_summary_are_a_logged_read_of_the_person(
    client, coordinator, case, team
):
    client.force_login(coordinator)
    detail(client, case)
    entry = AccessLog.objects.get(person_id=case.person_id, what="contact_details")
    assert (entry.actor, entry.team) == (coordinator, team)


# --- Sections read first, forms on demand ------------------------------------------------


def test_the_case_page_has_no_form_until_one_is_opened(client, coordinator, case):
    client.force_login(coordinator)
    page = detail(client, case)
    assert "<form" not in main_of(page)
    for section, name in SECTIONS:
        opener = f'hx-get="{reverse(name, args=[case.pk])}?edit=1"'
        assert opener in section_of(page, section)
        assert f'href="{reverse("cases:detail", args=[case.pk])}?edit={section}' in page


@pytest.mark.parametrize(("section", "name"), SECTIONS)
def test_with_htmx_the_button_fetches_the_form_into_its_section(
    client, coordinator, case, section, name
):
    client.force_login(coordinator)
    url = reverse(name, args=[case.pk])
    response = client.get(url, {"edit": "1"}, HTTP_HX_REQUEST="true")
    part = response.content.decode()
    assert response.status_code == 200
    assert part.startswith(f'<section id="section-{section}"')
    assert "<html" not in part
    assert f'hx-post="{url}"' in part
    assert "autofocus" in part
    # Cancel brings the read view back.
    assert f'hx-get="{url}"' in part
    back = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert back.startswith(f'<section id="section-{section}"')
    assert "<form" not in back
    assert re.search(rf'id="open-{section}"[^>]*autofocus', back)  # the focus goes back


@pytest.mark.parametrize(("section", "name"), SECTIONS)
def test_without_javascript_the_button_opens_the_form_on_the_case_page(
    client, coordinator, case, section, name
):
    client.force_login(coordinator)
    response = client.get(reverse(name, args=[case.pk]), {"edit": "1"})
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("cases:detail", args=[case.pk]) + f"?edit={section}#section-{section}"
    )
    page = detail(client, case, edit=section)
    assert main_of(page).count("<form") == 1
    assert f'action="{reverse(name, args=[case.pk])}"' in section_of(page, section)


def test_a_saved_category_comes_back_read_only_with_the_summary_out_of_band(
    client, coordinator, case, today
):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:category", args=[case.pk]),
        {"category-category": 3, "category-set_on": today.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    part = response.content.decode()
    section = part[: part.index("</section>")]
    assert section.startswith('<section id="section-category"')
    assert "<form" not in section
    assert shown("3 – Limited prerequisites, but with will and motivation") in section
    assert '<div id="case-header" hx-swap-oob="true">' in part
    assert shown("3 – Limited prerequisites, but with will and motivation") in summary_of(part)
    assert CategoryAssessment.objects.get(case=case).category == 3


def test_a_refused_form_stays_open_with_its_message_with_and_without_htmx(
    client, coordinator, case
):
    client.force_login(coordinator)
    url = reverse("cases:flag", args=[case.pk])
    part = client.post(url, {"flag-reason": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert "<form" in part
    assert 'id="error-summary"' in part
    page = client.post(url, {"flag-reason": ""}).content.decode()
    assert 'id="error-summary"' in section_of(page, "flag")
    assert main_of(page).count("<form") == 1


def test_without_javascript_a_saved_form_sends_back_to_the_read_page(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:flag", args=[case.pk]), {"flag-reason": "Wants another measure"}
    )
    assert response["Location"] == reverse("cases:detail", args=[case.pk]) + "#section-flag"
    page = client.get(response["Location"]).content.decode()
    assert "Wants another measure" in section_of(page, "flag")
    assert "<form" not in main_of(page)


@pytest.mark.parametrize("persona", PERSONAS_OUTSIDE)
@pytest.mark.parametrize(("section", "name"), SECTIONS)
def test_the_section_partials_are_not_found_for_anyone_outside_the_team(
    client, request, case, persona, section, name
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    url = reverse(name, args=[case.pk])
    assert client.get(url, {"edit": "1"}, HTTP_HX_REQUEST="true").status_code == 404
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
    assert client.get(url, {"edit": "1"}).status_code == 404
    assert not AccessLog.objects.filter(actor=user).exists()


def test_a_teammate_who_is_not_the_contact_person_cannot_open_its_form(
    client, make_user, team, case
):
    teammate = make_user("kollega2@test.no", Role.COORDINATOR, team=team)
    client.force_login(teammate)
    url = reverse("cases:contact_person", args=[case.pk])
    assert client.get(url, {"edit": "1"}, HTTP_HX_REQUEST="true").status_code == 404
    page = detail(client, case, edit="contact")
    assert "<form" not in main_of(page)
    assert url not in page


def test_the_organisation_admin_opens_no_work_form_by_the_address(client, org_admin, case):
    client.force_login(org_admin)
    page = detail(client, case, edit="category")
    assert "<form" not in main_of(page)
    url = reverse("cases:category", args=[case.pk])
    assert client.get(url, {"edit": "1"}, HTTP_HX_REQUEST="true").status_code == 404


def test_an_unknown_section_in_the_address_opens_nothing(client, coordinator, case):
    client.force_login(coordinator)
    assert "<form" not in main_of(detail(client, case, edit="timeline"))


def test_opening_a_form_is_a_logged_read_of_the_case(client, coordinator, case, team):
    client.force_login(coordinator)
    before = AccessLog.objects.filter(person_id=case.person_id, what="case").count()
    client.get(reverse("cases:category", args=[case.pk]), {"edit": "1"}, HTTP_HX_REQUEST="true")
    entries = AccessLog.objects.filter(person_id=case.person_id, what="case")
    assert entries.count() == before + 1
    assert entries.latest("id").actor == coordinator


def test_the_page_says_nothing_of_the_forms_in_english(client, coordinator, case):
    client.force_login(coordinator)
    part = client.get(
        reverse("cases:note_new", args=[case.pk]), {"edit": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert shown("Save the note") in part
    assert re.search(rf">\s*{re.escape(shown('Cancel'))}\s*<", part)
