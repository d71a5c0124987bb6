"""Follow-ups at 6 and 12 months: due in the work list, registered once."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from losen.accounts.models import Role
from losen.audit.models import AccessLog, ChangeLog
from losen.cases.actions.core import do_assign_contact_person, do_open_case, do_transition_case
from losen.cases.models import CaseState, EventKind
from losen.lib.dates import add_months
from losen.outcomes import actions, codes
from losen.outcomes.queries import follow_ups_due_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def exited(coordinator, person, team, today):
    """A case that ended six months ago; its 6-month follow-up is due about now."""
    exited_on = add_months(today, -6)
    case = do_open_case(coordinator, person, team, opened_on=exited_on - datetime.timedelta(90))
    do_assign_contact_person(coordinator, case, coordinator)
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    outcome = actions.do_exit(
        coordinator, case, code="other_activity.nav_measure", exited_on=exited_on
    )
    return outcome


@pytest.fixture
def six(exited):
    return exited.follow_ups.get(months=6)


@pytest.fixture
def volunteer(make_user, team):
    return make_user("frivillig@test.no", Role.VOLUNTEER, team=team)


def test_registering_a_reached_follow_up_records_the_status_and_an_event(coordinator, six, today):
    actions.do_register_follow_up(
        coordinator, six, reached=True, code="work.full_time", registered_on=today, note="Fast jobb"
    )
    six.refresh_from_db()
    assert (six.registered_on, six.reached, six.code, six.top_code) == (
        today,
        True,
        "work.full_time",
        "work",
    )
    assert six.code_list_version == codes.CODE_LIST_VERSION
    assert six.registered_by == coordinator
    event = six.case.events.get(kind=EventKind.FOLLOW_UP_REGISTERED)
    assert event.effective_on == today
    assert event.data["months"] == 6
    assert event.data["reached"] is True
    assert event.data["ot_code"] == "OTAR"
    assert ChangeLog.objects.filter(action="follow_up.registered", object_id=six.pk).exists()


def test_registering_twice_is_refused(coordinator, six, today):
    actions.do_register_follow_up(coordinator, six, reached=False, registered_on=today)
    with pytest.raises(actions.AlreadyRegistered):
        actions.do_register_follow_up(
            coordinator, six, reached=True, code="work.full_time", registered_on=today
        )
    six.refresh_from_db()
    assert (six.reached, six.code) == (False, "")
    assert six.case.events.filter(kind=EventKind.FOLLOW_UP_REGISTERED).count() == 1


def test_an_unreached_young_person_needs_no_status(coordinator, six, today):
    actions.do_register_follow_up(coordinator, six, reached=False, registered_on=today)
    six.refresh_from_db()
    assert six.is_registered
    assert (six.reached, six.code, six.code_list_version) == (False, "", "")


def test_a_reached_young_person_without_a_status_is_refused(coordinator, six, today):
    with pytest.raises(actions.StatusRequired):
        actions.do_register_follow_up(coordinator, six, reached=True, registered_on=today)
    six.refresh_from_db()
    assert not six.is_registered


def test_a_follow_up_before_the_exit_is_refused(coordinator, six, exited):
    with pytest.raises(actions.InvalidFollowUpDate):
        actions.do_register_follow_up(
            coordinator,
            six,
            reached=False,
            registered_on=exited.exited_on - datetime.timedelta(days=1),
        )


def test_a_follow_up_due_is_in_the_contact_persons_work_list(client, coordinator, six, exited):
    assert list(follow_ups_due_for(coordinator)) == [six]
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert reverse("outcomes:follow_up", args=[six.pk]) in page
    twelve = exited.follow_ups.get(months=12)
    assert reverse("outcomes:follow_up", args=[twelve.pk]) not in page


def test_a_registered_follow_up_leaves_the_work_list(coordinator, six, today):
    actions.do_register_follow_up(coordinator, six, reached=False, registered_on=today)
    assert not follow_ups_due_for(coordinator).exists()


def test_follow_ups_due_belong_to_the_contact_person_only(team_lead, colleague, six):
    assert not follow_ups_due_for(team_lead).exists()
    assert not follow_ups_due_for(colleague).exists()


# The page


def test_the_coordinator_registers_a_follow_up_on_its_page(client, coordinator, six, today):
    client.force_login(coordinator)
    url = reverse("outcomes:follow_up", args=[six.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "reached": "yes",
            "code": "education.upper_secondary",
            "registered_on": today.isoformat(),
            "note": "",
        },
    )
    assert response["Location"] == url
    six.refresh_from_db()
    assert (six.reached, six.code) == (True, "education.upper_secondary")
    page = client.get(url).content.decode()
    assert 'id="follow-up-submit"' not in page


def test_the_page_refuses_a_reached_follow_up_without_status(client, coordinator, six, today):
    client.force_login(coordinator)
    url = reverse("outcomes:follow_up", args=[six.pk])
    response = client.post(url, {"reached": "yes", "code": "", "registered_on": today.isoformat()})
    assert "code" in response.context["form"].errors
    response = client.post(url, {"reached": "", "code": "", "registered_on": today.isoformat()})
    assert "reached" in response.context["form"].errors
    six.refresh_from_db()
    assert not six.is_registered


def test_the_page_accepts_an_unreached_follow_up_and_refuses_a_second(
    client, coordinator, six, today
):
    client.force_login(coordinator)
    url = reverse("outcomes:follow_up", args=[six.pk])
    client.post(url, {"reached": "no", "code": "", "registered_on": today.isoformat()})
    six.refresh_from_db()
    assert (six.is_registered, six.reached) == (True, False)
    response = client.post(
        url, {"reached": "yes", "code": "work.full_time", "registered_on": today.isoformat()}
    )
    assert response.status_code == 302
    six.refresh_from_db()
    assert (six.reached, six.code) == (False, "")


def test_the_follow_up_page_goes_through_the_case_door(client, coordinator, six):
    client.force_login(coordinator)
    client.get(reverse("outcomes:follow_up", args=[six.pk]))
    assert AccessLog.objects.filter(
        person_id=six.case.person_id, actor=coordinator, what="follow_up"
    ).exists()


def test_the_follow_up_page_is_not_found_for_everyone_outside_the_team(
    client, colleague, outsider, manager, volunteer, six, today
):
    url = reverse("outcomes:follow_up", args=[six.pk])
    for user in (colleague, outsider, manager, volunteer):
        client.force_login(user)
        assert client.get(url).status_code == 404
        client.post(url, {"reached": "no", "registered_on": today.isoformat()})
    six.refresh_from_db()
    assert not six.is_registered
    client.force_login(colleague)
    assert client.get(reverse("outcomes:follow_up", args=[999999])).status_code == 404


def contact_card_of(page: str) -> str:
    start = page.index('id="follow-up-contact"')
    return page[start : page.index("</section>", start)]


def test_the_follow_up_form_shows_whom_to_call_and_the_read_is_logged(client, coordinator, six):
    client.force_login(coordinator)
    page = client.get(reverse("outcomes:follow_up", args=[six.pk])).content.decode()
    card = contact_card_of(page)
    assert "Nora Hansen" in card
    assert 'href="tel:+4741234567"' in card
    assert page.index('id="follow-up-contact"') < page.index('id="follow-up-submit"')
    assert AccessLog.objects.filter(
        person_id=six.case.person_id, actor=coordinator, what="contact_details"
    ).exists()


def test_the_follow_up_form_shows_the_guardians_phone_under_18_only(
    client, coordinator, register, team, today
):
    from losen.people.actions import do_add_guardian

    client.force_login(coordinator)
    for name, years, shown_too in [("Ung", 16, True), ("Voksen", 20, False)]:
        person = register(
            first_name=name,
            birth_date=add_months(today, -12 * (years + 1)),
            email=f"{name.lower()}@example.no",
        )
        do_add_guardian(coordinator, person, name=f"Far {name}", relation="father", phone="912")
        exited_on = add_months(today, -6)
        case = do_open_case(coordinator, person, team, opened_on=exited_on - datetime.timedelta(9))
        do_transition_case(coordinator, case, CaseState.ACCEPTED)
        outcome = actions.do_exit(coordinator, case, code="work.full_time", exited_on=exited_on)
        url = reverse("outcomes:follow_up", args=[outcome.follow_ups.get(months=6).pk])
        card = contact_card_of(client.get(url).content.decode())
        assert f'href="mailto:{name.lower()}@example.no"' in card
        assert (f"Far {name}" in card) is shown_too
        assert ('href="tel:912"' in card) is shown_too


def test_a_registered_follow_up_shows_no_contact_details(client, coordinator, six, today):
    actions.do_register_follow_up(coordinator, six, reached=False, registered_on=today)
    client.force_login(coordinator)
    page = client.get(reverse("outcomes:follow_up", args=[six.pk])).content.decode()
    assert 'id="follow-up-contact"' not in page
    assert "+47 412 34 567" not in page
