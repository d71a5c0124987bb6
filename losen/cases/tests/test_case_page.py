"""The case page: who opens it, what it shows, and the small forms in its sections."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import shown
from losen.accounts.models import Organisation, Role, Team
from losen.audit.models import AccessLog, Purpose
from losen.cases.actions.core import do_assign_contact_person, do_open_case, do_transition_case
from losen.cases.actions.work import (
    Score,
    do_add_note,
    do_record_mapping,
    do_record_school_rights,
    do_set_category,
)
from losen.cases.models import CaseEvent, CaseState, CategoryAssessment, EventKind
from losen.lib.errors import NotAllowed
from losen.people.actions import PersonData, do_register_person

pytestmark = pytest.mark.django_db

# The section forms: (url name, valid POST data).
SECTION_POSTS = [
    ("cases:contact_person", lambda case: {"contact-contact_person": case.contact_person_id}),
    ("cases:flag", lambda case: {"flag-reason": "Needs a new measure"}),
    ("cases:category", lambda case: {"category-category": 2, "category-set_on": "2024-01-10"}),
    (
        "cases:school_rights",
        lambda case: {"school-years_used": "2", "school-recorded_on": "2024-01-10"},
    ),
    ("cases:note_new", lambda case: {"journal-text": "x", "journal-written_on": "2024-01-10"}),
]
PERSONAS_OUTSIDE = ["colleague", "outsider", "manager"]


def test_the_coordinator_of_the_team_opens_the_case_and_the_read_is_logged(
    client, coordinator, case, team
):
    client.force_login(coordinator)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    # The case, and the contact details in its summary (read through the person's getter).
    entries = AccessLog.objects.filter(person_id=case.person_id).order_by("-id")[:2]
    assert sorted(entry.what for entry in entries) == ["case", "contact_details"]
    for entry in entries:
        assert entry.actor == coordinator
        assert entry.purpose == Purpose.FOLLOW_UP
        assert entry.team == team


@pytest.mark.parametrize("persona", PERSONAS_OUTSIDE)
def test_the_case_is_not_found_for_anyone_outside_the_team(client, request, case, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert not AccessLog.objects.filter(actor=user).exists()


@pytest.mark.parametrize("persona", PERSONAS_OUTSIDE)
@pytest.mark.parametrize(("name", "data"), SECTION_POSTS)
def test_no_section_form_works_for_anyone_outside_the_team(
    client, request, case, persona, name, data
):
    client.force_login(request.getfixturevalue(persona))
    before = CaseEvent.objects.count()
    assert client.post(reverse(name, args=[case.pk]), data(case)).status_code == 404
    assert CaseEvent.objects.count() == before


def test_a_missing_case_is_not_found(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("cases:detail", args=[999999])).status_code == 404


def test_the_page_shows_the_header_and_every_section(client, coordinator, case):
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'href="{reverse("people:detail", args=[case.person_id])}"' in page
    assert "Nora Hansen" in page
    assert "Kari Koordinator" in page
    assert "Ungteam" in page
    assert case.opened_on.strftime("%d.%m.%Y") in page
    for section in [
        "section-contact",
        "section-flag",
        "section-category",
        "section-mapping",
        "section-plan",
        "section-journal",
        "section-school",
        "section-timeline",
    ]:
        assert f'id="{section}"' in page
    # The colleagues' sections are included too.
    assert 'id="intake-heading"' in page
    assert 'id="enrolments-heading"' in page
    assert 'id="exit-heading"' in page
    assert case.person.id_number_masked not in page


def test_the_organisation_admin_sees_the_case_but_no_work_forms(client, org_admin, case):
    client.force_login(org_admin)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:category", args=[case.pk]) not in page
    assert reverse("cases:plan_edit", args=[case.pk]) not in page
    assert reverse("cases:note_new", args=[case.pk]) not in page
    # … but may change the contact person, like a team lead.
    assert reverse("cases:contact_person", args=[case.pk]) in page


# --- Contact person ---------------------------------------------------------------------


def test_the_team_lead_changes_the_contact_person_with_an_event(
    client, team_lead, coordinator, case
):
    client.force_login(team_lead)
    response = client.post(
        reverse("cases:contact_person", args=[case.pk]),
        {"contact-contact_person": team_lead.pk, "contact-note": "Kari is on leave"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.contact_person == team_lead
    event = case.events.filter(kind=EventKind.CONTACT_PERSON_ASSIGNED).latest("id")
    assert event.data["to"] == team_lead.pk
    assert event.note == "Kari is on leave"
    assert event.recorded_by == team_lead


def test_the_contact_person_hands_the_case_on_themself(client, coordinator, team_lead, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:contact_person", args=[case.pk]), {"contact-contact_person": team_lead.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.contact_person == team_lead


def test_another_coordinator_of_the_team_cannot_change_the_contact_person(
    client, make_user, team, case
):
    teammate = make_user("kollega2@test.no", Role.COORDINATOR, team=team)
    client.force_login(teammate)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:contact_person", args=[case.pk]) not in page
    response = client.post(
        reverse("cases:contact_person", args=[case.pk]), {"contact-contact_person": teammate.pk}
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.contact_person.email == "koordinator@test.no"


def test_the_contact_person_is_chosen_from_the_team_only(client, team_lead, colleague, case):
    client.force_login(team_lead)
    response = client.post(
        reverse("cases:contact_person", args=[case.pk]), {"contact-contact_person": colleague.pk}
    )
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    case.refresh_from_db()
    assert case.contact_person.email == "koordinator@test.no"


def test_with_htmx_the_contact_section_comes_back_with_the_header_and_timeline_out_of_band(
    client, team_lead, case
):
    client.force_login(team_lead)
    response = client.post(
        reverse("cases:contact_person", args=[case.pk]),
        {"contact-contact_person": team_lead.pk},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith('<section id="section-contact"')
    assert '<div id="case-header" hx-swap-oob="true">' in page
    assert 'id="section-timeline" aria-labelledby="timeline-heading" hx-swap-oob="true"' in page
    assert shown("%(name)s is now the contact person.", name="Lise Leder") in page
    assert "<html" not in page


# --- Flag for the meeting --------------------------------------------------------------


def test_a_coordinator_flags_the_case_for_the_next_meeting(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:flag", args=[case.pk]), {"flag-reason": "Dropped out of the course"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.flagged_for_meeting
    assert case.flag_reason == "Dropped out of the course"
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Dropped out of the course" in page


def test_a_flag_needs_a_reason(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(reverse("cases:flag", args=[case.pk]), {"flag-reason": ""})
    assert response.status_code == 200
    case.refresh_from_db()
    assert not case.flagged_for_meeting


# --- Category --------------------------------------------------------------------------


def test_setting_the_category_keeps_the_history_and_writes_events(
    client, coordinator, team_lead, case, today
):
    earlier = today - datetime.timedelta(days=30)
    do_set_category(team_lead, case, category=4, set_on=earlier, note="Much is unclear")
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:category", args=[case.pk]),
        {"category-category": 3, "category-set_on": today.isoformat(), "category-note": "Keen"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assessments = list(CategoryAssessment.objects.filter(case=case))
    assert [(a.category, a.set_by.email) for a in assessments] == [
        (3, "koordinator@test.no"),
        (4, "leder@test.no"),
    ]
    events = case.events.filter(kind=EventKind.CATEGORY_SET).order_by("id")
    assert [(e.data["category"], e.effective_on) for e in events] == [(4, earlier), (3, today)]
    assert events.last().data["previous"] == 4
    page = response.content.decode()
    assert page.startswith('<section id="section-category"')
    assert "Much is unclear" in page  # the history
    assert "Kari Koordinator" in page
    assert 'hx-swap-oob="true"' in page  # the timeline follows


@pytest.mark.parametrize("value", ["", "5", "0"])
def test_a_category_outside_one_to_four_is_refused(client, coordinator, case, today, value):
    client.force_login(coordinator)
    client.post(
        reverse("cases:category", args=[case.pk]),
        {"category-category": value, "category-set_on": today.isoformat()},
    )
    assert not CategoryAssessment.objects.exists()


# --- Remaining school rights (Norway) --------------------------------------------------


def test_school_rights_are_recorded_with_an_event(client, coordinator, case, today):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:school_rights", args=[case.pk]),
        {
            "school-years_used": "1.5",
            "school-years_left": "1.5",
            "school-recorded_on": today.isoformat(),
            "school-note": "Broke off Vg2 in October",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.school_years_used == Decimal("1.5")
    assert case.school_years_left == Decimal("1.5")
    event = case.events.get(kind=EventKind.SCHOOL_RIGHTS_RECORDED)
    assert event.data == {"years_used": "1.5", "years_left": "1.5"}
    assert event.note == "Broke off Vg2 in October"


def test_school_rights_need_at_least_one_number(client, coordinator, case, today):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:school_rights", args=[case.pk]),
        {"school-recorded_on": today.isoformat()},
    )
    assert response.status_code == 200
    assert not case.events.filter(kind=EventKind.SCHOOL_RIGHTS_RECORDED).exists()


@pytest.fixture
def swedish_case(make_user, db):
    kommun = Organisation.objects.create(
        name="Demo kommun",
        kind=Organisation.Kind.MUNICIPALITY,
        country="SE",
        org_number="2120000142",
    )
    team = Team.objects.create(organisation=kommun, name="KAA")
    coordinator = make_user("kaa@test.se", Role.COORDINATOR, team=team)
    person = do_register_person(
        coordinator,
        team=team,
        data=PersonData(
            first_name="Elsa", last_name="Berg", birth_date=datetime.date(2006, 1, 1), country="SE"
        ),
        identity_number=None,
    )
    case = do_open_case(coordinator, person, team)
    do_assign_contact_person(coordinator, case, coordinator)
    return case


def test_school_rights_are_not_shown_or_recorded_for_a_swedish_case(client, swedish_case, today):
    coordinator = swedish_case.contact_person
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", args=[swedish_case.pk])).content.decode()
    assert 'id="section-school"' not in page
    response = client.post(
        reverse("cases:school_rights", args=[swedish_case.pk]),
        {"school-years_used": "1", "school-recorded_on": today.isoformat()},
    )
    assert response.status_code == 404
    with pytest.raises(NotAllowed):
        do_record_school_rights(coordinator, swedish_case, years_used=Decimal(1), years_left=None)


# --- The list ----------------------------------------------------------------------------


@pytest.fixture
def more_cases(coordinator, team_lead, register, team, other_team, colleague):
    mine_active = do_open_case(coordinator, register(first_name="Aksel"), team)
    do_transition_case(coordinator, mine_active, CaseState.ACCEPTED)
    do_transition_case(coordinator, mine_active, CaseState.ACTIVE)
    do_assign_contact_person(coordinator, mine_active, coordinator)
    teams_case = do_open_case(coordinator, register(first_name="Berit"), team)
    do_assign_contact_person(team_lead, teams_case, team_lead)
    ended = do_open_case(coordinator, register(first_name="Cato"), team)
    do_transition_case(coordinator, ended, CaseState.REDIRECTED)
    do_assign_contact_person(coordinator, ended, coordinator)
    other_person = do_register_person(
        colleague,
        team=other_team,
        data=PersonData(first_name="Dina", last_name="Dahl", birth_date=datetime.date(2004, 1, 1)),
        identity_number=None,
    )
    elsewhere = do_open_case(colleague, other_person, other_team)
    return {"mine": mine_active, "team": teams_case, "ended": ended, "elsewhere": elsewhere}


def section_of(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def test_the_list_shows_my_cases_and_the_teams_open_cases(client, coordinator, case, more_cases):
    client.force_login(coordinator)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    page = response.content.decode()
    mine = section_of(page, "mine-heading")
    teams = section_of(page, "team-heading")
    assert "Hansen, Aksel" in mine
    assert "Hansen, Nora" in mine
    assert "Hansen, Berit" not in mine
    assert "Hansen, Berit" in teams
    assert reverse("cases:detail", args=[more_cases["team"].pk]) in teams
    assert "Hansen, Cato" not in page  # redirected: not open
    assert "Dahl" not in page  # another team's


def test_the_list_filters_by_state_and_team(client, coordinator, case, more_cases, team):
    client.force_login(coordinator)
    active = client.get(reverse("cases:list"), {"state": "active"}).content.decode()
    assert "Hansen, Aksel" in active
    assert "Hansen, Nora" not in active
    everything = client.get(reverse("cases:list"), {"state": "all", "team": team.pk})
    assert "Hansen, Cato" in everything.content.decode()


def test_the_list_answers_htmx_with_the_results_only(client, coordinator, case):
    client.force_login(coordinator)
    response = client.get(reverse("cases:list"), {"state": "all"}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert "Hansen, Nora" in response.content.decode()


def test_a_colleague_in_another_team_sees_only_their_teams_cases(client, colleague, more_cases):
    client.force_login(colleague)
    page = client.get(reverse("cases:list"), {"state": "all"}).content.decode()
    assert "Dahl, Dina" in page
    assert "Hansen" not in page


@pytest.mark.parametrize("persona", ["outsider"])
def test_an_outsider_sees_none_of_the_municipalitys_cases(client, request, more_cases, persona):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("cases:list"), {"state": "all"}).content.decode()
    assert "Hansen" not in page
    assert "Dahl" not in page


def test_the_list_is_not_found_for_a_manager(client, manager, more_cases):
    client.force_login(manager)
    assert client.get(reverse("cases:list")).status_code == 404


def test_the_case_page_reads_a_long_history_in_a_fixed_number_of_queries(client, coordinator, case):
    def add_one_of_each(n: int) -> None:
        do_set_category(coordinator, case, category=1 + n % 4)
        do_add_note(coordinator, case, text=f"note {n}")
        do_record_mapping(
            coordinator, case, mapped_on=case.opened_on, scores=[Score("work", "needs", youth=2)]
        )

    client.force_login(coordinator)
    url = reverse("cases:detail", args=[case.pk])
    add_one_of_each(0)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    for n in range(1, 6):
        add_one_of_each(n)
    with CaptureQueriesContext(connection) as long:
        client.get(url)
    assert len(long.captured_queries) == len(short.captured_queries)


def test_my_cases_are_paged_too(client, coordinator, register, team, settings):
    from losen.cases.actions.core import do_assign_contact_person, do_open_case

    settings.LOSEN_PAGE_SIZE = 2
    for i in range(5):
        someone = register(first_name=f"P{i}", last_name=f"Etternavn{i}")
        do_assign_contact_person(coordinator, do_open_case(coordinator, someone, team), coordinator)
    client.force_login(coordinator)
    response = client.get(reverse("cases:list"), {"mine_page": 3})
    assert response.context["mine"].paginator.count == 5
    assert len(response.context["mine"].object_list) == 1
    assert "mine_page=2" in response.content.decode()


def test_the_persons_page_lists_their_cases_and_offers_a_referral(client, coordinator, case):
    client.force_login(coordinator)
    page = client.get(reverse("people:detail", args=[case.person_id])).content.decode()
    assert reverse("cases:detail", args=[case.pk]) in page
    assert f"{reverse('referrals:new')}?person={case.person_id}" in page
