"""A team meeting decides only on what has been signed.

Accepting, the waiting list and redirecting need the young person's signed application,
a guardian's signature when the person is under 18 on the meeting's day, and a consent to
discuss the case in the team meeting, all given by the meeting's day. Without them the
only decision is "more information", and the agenda says what is missing.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from losen.cases.actions import intake
from losen.cases.actions import meetings as actions
from losen.cases.models import (
    CaseEvent,
    CaseState,
    ConsentPurpose,
    ConsentRecipient,
    Decision,
    EventKind,
)
from losen.cases.queries.intake import applications_awaiting_signature
from losen.cases.queries.meetings import Missing, meeting_day, missing_for_decision
from losen.cases.tests.test_meetings import create_meeting, decide
from losen.lib.dates import add_months
from losen.people.actions import do_add_guardian

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def referred(coordinator, person, team):
    """Nora's fresh referral: state referred, its application not signed, no consent."""
    registered = intake.do_register_referral(
        coordinator, team=team, person=person, source="nav", reason="Needs a start."
    )
    return registered.referral.case


def young_person_born(register, coordinator, born: datetime.date):
    young = register(first_name="Ida", last_name="Berg", birth_date=born)
    do_add_guardian(coordinator, young, name="Mor Berg", relation="mother", phone="+4790000001")
    return young


def refer(coordinator, team, person):
    return intake.do_register_referral(
        coordinator, team=team, person=person, source="school", reason="Absent."
    ).referral.case


def consent_to_the_meeting(coordinator, case, given_by="youth", given_on=None):
    return intake.do_give_consent(
        coordinator,
        case,
        purpose=ConsentPurpose.TEAM_MEETING,
        recipient=ConsentRecipient.MEETING_MEMBERS,
        given_by=given_by,
        given_on=given_on,
    )


def decisions(case):
    return CaseEvent.objects.filter(case=case, kind=EventKind.DECISION)


def item_section(page: str, item) -> str:
    start = page.index(f'id="item-{item.pk}"')
    return page[start : page.index("</section>", start)]


def test_an_unsigned_referral_is_on_the_agenda_with_what_is_missing_and_only_more_information(
    english, coordinator, team_lead, team, referred
):
    meeting = create_meeting(team_lead, team)
    item = meeting.items.get()
    english.force_login(coordinator)

    section = item_section(
        english.get(reverse("meetings:detail", args=[meeting.pk])).content.decode(), item
    )

    assert "New referral" in section
    assert "New application" not in section
    assert "application not signed" in section
    assert "no consent to discuss in the team meeting" in section
    assert "guardian has not signed" not in section  # Nora is an adult
    assert 'value="more_information"' in section
    for decision in ("accept", "waiting_list", "redirect"):
        assert f'value="{decision}"' not in section
    assert f'name="item-{item.pk}-contact_person"' not in section


def test_accepting_an_unsigned_application_is_refused_and_it_still_waits_for_a_signature(
    english, coordinator, team_lead, team, referred
):
    meeting = create_meeting(team_lead, team)
    item = meeting.items.get()
    english.force_login(team_lead)

    response = decide(english, meeting, item, decision=f"accept:{coordinator.pk}")

    assert response.status_code == 200
    form = response.context["rows"][0]["form"]
    assert form.has_error("decision", "not_ready")
    assert (
        "The team can only ask for more information until this is in place: "
        "application not signed, no consent to discuss in the team meeting."
    ) in response.content.decode()
    referred.refresh_from_db()
    item.refresh_from_db()
    assert referred.state == CaseState.REFERRED
    assert item.decision == ""
    assert not decisions(referred).exists()
    waiting = applications_awaiting_signature(coordinator)
    assert list(waiting.values_list("case_id", flat=True)) == [referred.pk]


@pytest.mark.parametrize(
    ("decision", "details"),
    [
        (Decision.ACCEPT, {"contact_person": "coordinator"}),
        (Decision.WAITING_LIST, {}),
        (Decision.REDIRECT, {"redirect_to": "OT", "redirect_reason": "Rights left"}),
    ],
)
def test_the_action_refuses_every_settling_decision_without_the_signed_application(
    request, team_lead, team, referred, decision, details
):
    meeting = create_meeting(team_lead, team)
    if "contact_person" in details:
        details = {"contact_person": request.getfixturevalue(details["contact_person"])}

    with pytest.raises(actions.NotReadyForDecision) as refused:
        actions.do_decide(team_lead, meeting.items.get(), decision, **details)

    assert refused.value.missing == [Missing.APPLICATION, Missing.CONSENT]
    referred.refresh_from_db()
    assert referred.state == CaseState.REFERRED
    assert not decisions(referred).exists()


def test_more_information_is_open_without_any_signature(team_lead, team, referred):
    meeting = create_meeting(team_lead, team)
    actions.do_decide(team_lead, meeting.items.get(), Decision.MORE_INFORMATION, note="Sign?")
    referred.refresh_from_db()
    assert referred.state == CaseState.ASSESSMENT
    assert decisions(referred).get().data["decision"] == "more_information"
    # Not settled: the case comes back to the next meeting.
    assert create_meeting(team_lead, team, days=8).items.get().case_id == referred.pk


def test_a_signed_application_without_consent_for_the_meeting_cannot_be_accepted_until_given(
    english, coordinator, team_lead, team, referred
):
    intake.do_sign_application(coordinator, referred, youth_name="Nora Hansen")
    meeting = create_meeting(team_lead, team)
    item = meeting.items.get()
    english.force_login(coordinator)
    section = item_section(
        english.get(reverse("meetings:detail", args=[meeting.pk])).content.decode(), item
    )
    assert "New application" in section
    assert "no consent to discuss in the team meeting" in section
    assert "application not signed" not in section
    with pytest.raises(actions.NotReadyForDecision) as refused:
        actions.do_decide(team_lead, item, Decision.ACCEPT, contact_person=coordinator)
    assert refused.value.missing == [Missing.CONSENT]

    consent_to_the_meeting(coordinator, referred)
    actions.do_decide(team_lead, item, Decision.ACCEPT, contact_person=coordinator)

    referred.refresh_from_db()
    assert referred.state == CaseState.ACCEPTED
    assert referred.contact_person == coordinator


def test_a_withdrawn_consent_for_the_meeting_does_not_count(coordinator, team_lead, team, referred):
    intake.do_sign_application(coordinator, referred, youth_name="Nora Hansen")
    intake.do_withdraw_consent(coordinator, consent_to_the_meeting(coordinator, referred))
    meeting = create_meeting(team_lead, team)
    with pytest.raises(actions.NotReadyForDecision) as refused:
        actions.do_decide(team_lead, meeting.items.get(), Decision.WAITING_LIST)
    assert refused.value.missing == [Missing.CONSENT]


def test_a_minor_is_accepted_only_once_the_guardian_has_signed_too(
    english, register, coordinator, team_lead, team, today
):
    minor = young_person_born(register, coordinator, add_months(today, -16 * 12))
    case = refer(coordinator, team, minor)
    intake.do_sign_application(coordinator, case, youth_name="Ida Berg")
    consent_to_the_meeting(coordinator, case, given_by="guardian")
    meeting = create_meeting(team_lead, team)
    item = meeting.items.get()
    english.force_login(team_lead)
    section = item_section(
        english.get(reverse("meetings:detail", args=[meeting.pk])).content.decode(), item
    )
    assert "guardian has not signed" in section
    assert "application not signed" not in section
    response = decide(english, meeting, item, decision=f"accept:{coordinator.pk}")
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED

    intake.do_sign_application(coordinator, case, guardian_name="Mor Berg")
    response = decide(english, meeting, item, decision=f"accept:{coordinator.pk}")

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED


def test_the_guardian_signs_when_the_young_person_is_under_18_on_the_meeting_day(
    register, coordinator, team_lead, team, today
):
    # Ida turns 18 in three days; she signs alone today.
    born = add_months(today + datetime.timedelta(days=3), -18 * 12)
    case = refer(coordinator, team, young_person_born(register, coordinator, born))
    intake.do_sign_application(coordinator, case, youth_name="Ida Berg")
    consent_to_the_meeting(coordinator, case, given_by="guardian")
    tomorrow = create_meeting(team_lead, team, days=1)
    next_week = create_meeting(team_lead, team, days=7)

    assert missing_for_decision(case, meeting_day(tomorrow)) == [Missing.GUARDIAN]
    assert missing_for_decision(case, meeting_day(next_week)) == []
    with pytest.raises(actions.NotReadyForDecision):
        actions.do_decide(
            team_lead, tomorrow.items.get(), Decision.ACCEPT, contact_person=coordinator
        )
    actions.do_decide(team_lead, next_week.items.get(), Decision.ACCEPT, contact_person=coordinator)
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED


def test_a_signature_and_consent_given_after_the_meeting_day_do_not_count_for_that_meeting(
    coordinator, team_lead, team, referred
):
    last_week = create_meeting(team_lead, team, days=-7)
    intake.do_sign_application(coordinator, referred, youth_name="Nora Hansen")
    consent_to_the_meeting(coordinator, referred)

    with pytest.raises(actions.NotReadyForDecision) as refused:
        actions.do_decide(
            team_lead, last_week.items.get(), Decision.ACCEPT, contact_person=coordinator
        )

    assert refused.value.missing == [Missing.APPLICATION, Missing.CONSENT]
    referred.refresh_from_db()
    assert referred.state == CaseState.ASSESSMENT  # signed today: waiting for the next meeting
    next_meeting = create_meeting(team_lead, team, days=1)
    actions.do_decide(
        team_lead, next_meeting.items.get(), Decision.ACCEPT, contact_person=coordinator
    )
    referred.refresh_from_db()
    assert referred.state == CaseState.ACCEPTED


def test_a_decision_posted_by_htmx_without_signatures_shows_the_message_in_the_item(
    client, coordinator, team_lead, team, referred
):
    meeting = create_meeting(team_lead, team)
    item = meeting.items.get()
    client.force_login(team_lead)
    response = client.post(
        reverse("meetings:decide", args=[meeting.pk, item.pk]),
        {f"item-{item.pk}-decision": "waiting_list"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("decision", "not_ready")
    assert 'id="error-summary"' in response.content.decode()
    referred.refresh_from_db()
    assert referred.state == CaseState.REFERRED


def test_a_flagged_active_case_shows_nothing_missing(
    english, coordinator, team_lead, team, register
):
    from losen.cases.tests.test_meetings import open_case

    case = open_case(coordinator, register, team, "Per", state=CaseState.ACTIVE, flag="Check")
    meeting = create_meeting(team_lead, team)
    english.force_login(coordinator)
    section = item_section(
        english.get(reverse("meetings:detail", args=[meeting.pk])).content.decode(),
        meeting.items.get(case=case),
    )
    assert "Missing before the team can decide" not in section
    assert "application not signed" not in section
