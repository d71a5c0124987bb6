"""Consent: its scope, who gives it, what it covers, and withdrawal that takes effect at once."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from losen.accounts.models import Organisation
from losen.audit.models import AccessLog, ChangeLog, Purpose
from losen.cases.actions import intake as actions
from losen.cases.models import CaseEvent, Consent, ConsentPurpose, ConsentRecipient, EventKind
from losen.cases.queries.intake import active_consents, consent_covers
from losen.people.actions import do_add_guardian

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def nav_office(db) -> Organisation:
    return Organisation.objects.create(
        name="NAV Testkommune", kind=Organisation.Kind.NAV_OFFICE, country="NO", org_number="1"
    )


@pytest.fixture
def school(db) -> Organisation:
    return Organisation.objects.create(
        name="Testkommune videregående", kind=Organisation.Kind.COUNTY, country="NO", org_number="2"
    )


@pytest.fixture
def provider(db) -> Organisation:
    return Organisation.objects.create(
        name="PitStop Test", kind=Organisation.Kind.PROVIDER, country="NO", org_number="3"
    )


def give(actor, case, **overrides):
    kwargs = {
        "purpose": ConsentPurpose.TEAM_MEETING,
        "recipient": ConsentRecipient.NAV,
        "given_by": Consent.GivenBy.YOUTH,
    }
    kwargs.update(overrides)
    return actions.do_give_consent(actor, case, **kwargs)


@pytest.fixture
def consent(coordinator, case):
    return give(coordinator, case)


@pytest.fixture
def minor_case(register, coordinator, team):
    today = timezone.localdate()
    try:
        born = today.replace(year=today.year - 15)
    except ValueError:
        born = today.replace(year=today.year - 15, day=28)
    young = register(first_name="Ida", last_name="Berg", birth_date=born)
    do_add_guardian(coordinator, young, name="Far Berg", relation="father", phone="+4790000002")
    return actions.do_register_referral(
        coordinator, team=team, person=young, source="school", reason="Absent."
    ).referral.case


# --- who may open what -------------------------------------------------------------------

VIEWS = [
    ("cases:consents", Purpose.FOLLOW_UP),
    ("cases:consent_new", Purpose.REGISTRATION),
    ("cases:consent_withdraw", Purpose.REGISTRATION),
]


def url_of(name, consent):
    if name == "cases:consent_withdraw":
        return reverse(name, args=[consent.case_id, consent.pk])
    return reverse(name, args=[consent.case_id])


@pytest.mark.parametrize(("name", "purpose"), VIEWS)
def test_the_coordinator_of_the_team_opens_the_consent_pages_and_the_read_is_logged(
    client, coordinator, consent, team, name, purpose
):
    client.force_login(coordinator)
    response = client.get(url_of(name, consent))
    assert response.status_code == 200
    entry = AccessLog.objects.filter(person_id=consent.person_id, actor=coordinator).latest("id")
    assert (entry.purpose, entry.team) == (purpose, team)


@pytest.mark.parametrize(("name", "purpose"), VIEWS)
@pytest.mark.parametrize("persona", ["colleague", "outsider", "manager"])
def test_the_consent_pages_are_not_found_for_anyone_else(
    client, request, consent, name, purpose, persona
):
    actor = request.getfixturevalue(persona)
    client.force_login(actor)
    assert client.get(url_of(name, consent)).status_code == 404
    if name != "cases:consents":  # the list only answers GET
        assert client.post(url_of(name, consent), {"note": "x"}).status_code == 404
    assert not AccessLog.objects.filter(person_id=consent.person_id, actor=actor).exists()
    consent.refresh_from_db()
    assert consent.is_active


def test_a_consent_of_another_case_is_not_found_under_this_case(
    client, coordinator, consent, register, team
):
    other = actions.do_register_referral(
        coordinator,
        team=team,
        person=register(first_name="Ola", last_name="Annen"),
        source="self",
        reason="x",
    ).referral.case
    client.force_login(coordinator)
    url = reverse("cases:consent_withdraw", args=[other.pk, consent.pk])
    assert client.post(url).status_code == 404
    consent.refresh_from_db()
    assert consent.is_active


# --- giving consent ----------------------------------------------------------------------


def test_giving_a_consent_records_scope_date_giver_event_and_change_log(
    client, coordinator, case, provider, today
):
    given_on = today - datetime.timedelta(days=2)
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:consent_new", args=[case.pk]),
        {
            "purpose": ConsentPurpose.INFORMATION_SHARING,
            "recipient": ConsentRecipient.ORGANISATION,
            "recipient_organisation": provider.pk,
            "given_on": given_on.isoformat(),
            "given_by": Consent.GivenBy.YOUTH,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:consents", args=[case.pk])
    consent = Consent.objects.get(case=case)
    assert consent.purpose == ConsentPurpose.INFORMATION_SHARING
    assert consent.recipient_organisation == provider
    assert (consent.given_on, consent.given_by) == (given_on, Consent.GivenBy.YOUTH)
    assert consent.recorded_by == coordinator
    assert consent.organisation_id == case.organisation_id
    assert consent.person_id == case.person_id
    event = CaseEvent.objects.get(case=case, kind=EventKind.CONSENT_GIVEN)
    assert event.effective_on == given_on
    assert event.data["consent_id"] == consent.pk
    assert event.data["recipient_organisation_id"] == provider.pk
    assert ChangeLog.objects.filter(action="consent.given", object_id=consent.pk).exists()


def test_a_named_organisation_is_required_when_the_recipient_is_an_organisation(
    client, coordinator, case, today
):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:consent_new", args=[case.pk]),
        {
            "purpose": ConsentPurpose.TEAM_MEETING,
            "recipient": ConsentRecipient.ORGANISATION,
            "given_on": today.isoformat(),
            "given_by": Consent.GivenBy.YOUTH,
        },
    )
    assert response.status_code == 200
    assert "recipient_organisation_error1" in response.content.decode()
    assert not Consent.objects.exists()


def test_a_named_organisation_is_ignored_for_other_recipients(coordinator, case, provider):
    consent = give(coordinator, case, recipient_organisation=provider)
    assert consent.recipient_organisation is None


def test_a_minors_consent_must_be_given_by_the_guardian(client, coordinator, minor_case, today):
    client.force_login(coordinator)
    url = reverse("cases:consent_new", args=[minor_case.pk])
    data = {
        "purpose": ConsentPurpose.TEAM_MEETING,
        "recipient": ConsentRecipient.MEETING_MEMBERS,
        "given_on": today.isoformat(),
        "given_by": Consent.GivenBy.YOUTH,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "given_by_error1" in response.content.decode()
    assert not Consent.objects.exists()
    with pytest.raises(actions.GuardianConsentRequired):
        give(coordinator, minor_case, given_by=Consent.GivenBy.YOUTH)
    response = client.post(url, {**data, "given_by": Consent.GivenBy.GUARDIAN})
    assert response.status_code == 302
    assert Consent.objects.get().given_by == Consent.GivenBy.GUARDIAN


def test_a_consent_dated_in_the_future_is_refused(client, coordinator, case, today):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:consent_new", args=[case.pk]),
        {
            "purpose": ConsentPurpose.TEAM_MEETING,
            "recipient": ConsentRecipient.NAV,
            "given_on": (today + datetime.timedelta(days=1)).isoformat(),
            "given_by": Consent.GivenBy.YOUTH,
        },
    )
    assert response.status_code == 200
    assert not Consent.objects.exists()


def test_the_same_active_consent_is_not_registered_twice(english, coordinator, case, today):
    english.force_login(coordinator)
    data = {
        "purpose": ConsentPurpose.TEAM_MEETING,
        "recipient": ConsentRecipient.NAV,
        "given_on": today.isoformat(),
        "given_by": Consent.GivenBy.YOUTH,
    }
    english.post(reverse("cases:consent_new", args=[case.pk]), data)
    response = english.post(reverse("cases:consent_new", args=[case.pk]), data)
    assert response.status_code == 200
    assert "already registered and active" in response.content.decode()
    assert Consent.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, kind=EventKind.CONSENT_GIVEN).count() == 1


# --- what a consent covers ---------------------------------------------------------------


def test_a_consent_to_nav_covers_a_nav_office_and_nothing_else(
    coordinator, case, nav_office, provider
):
    give(coordinator, case, recipient=ConsentRecipient.NAV)
    assert consent_covers(case, nav_office)
    assert consent_covers(case, nav_office.pk)
    assert not consent_covers(case, provider)


def test_a_consent_to_a_named_organisation_covers_that_organisation_only(
    coordinator, case, provider, nav_office
):
    give(
        coordinator, case, recipient=ConsentRecipient.ORGANISATION, recipient_organisation=provider
    )
    assert consent_covers(case, provider)
    assert not consent_covers(case, nav_office)


def test_a_consent_to_the_meeting_members_covers_any_organisation(
    coordinator, case, provider, nav_office, outside_organisation
):
    give(coordinator, case, recipient=ConsentRecipient.MEETING_MEMBERS)
    assert consent_covers(case, provider)
    assert consent_covers(case, nav_office)
    assert consent_covers(case, outside_organisation)


def test_school_and_health_never_match_an_organisation_by_its_kind(
    coordinator, case, school, nav_office
):
    give(coordinator, case, recipient=ConsentRecipient.SCHOOL)
    give(coordinator, case, recipient=ConsentRecipient.HEALTH)
    assert not consent_covers(case, school)
    assert not consent_covers(case, nav_office)


def test_a_consent_covers_only_its_own_purpose(coordinator, case, nav_office):
    give(coordinator, case, purpose=ConsentPurpose.INFORMATION_SHARING)
    assert not consent_covers(case, nav_office)
    assert consent_covers(case, nav_office, ConsentPurpose.INFORMATION_SHARING)
    assert consent_covers(case, nav_office, purpose=ConsentPurpose.INFORMATION_SHARING)


def test_a_consent_covers_nothing_without_any_consent(case, nav_office):
    assert not consent_covers(case, nav_office)


# --- withdrawal --------------------------------------------------------------------------


def test_withdrawal_takes_effect_at_once_writes_the_event_and_deletes_nothing(
    client, coordinator, consent, nav_office, today
):
    case = consent.case
    assert consent_covers(case, nav_office)
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:consent_withdraw", args=[case.pk, consent.pk]),
        {"note": "Said so in the meeting."},
    )
    assert response.status_code == 302
    assert not consent_covers(case, nav_office)
    assert not active_consents(case).exists()
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert timezone.now() - consent.withdrawn_at < datetime.timedelta(minutes=1)
    assert consent.withdrawn_by == coordinator
    assert Consent.objects.filter(pk=consent.pk).exists()
    assert (consent.purpose, consent.recipient) == (
        ConsentPurpose.TEAM_MEETING,
        ConsentRecipient.NAV,
    )
    event = CaseEvent.objects.get(case=case, kind=EventKind.CONSENT_WITHDRAWN)
    assert event.effective_on == today
    assert event.note == "Said so in the meeting."
    assert event.data["consent_id"] == consent.pk
    assert CaseEvent.objects.filter(case=case, kind=EventKind.CONSENT_GIVEN).exists()
    assert ChangeLog.objects.filter(action="consent.withdrawn", object_id=consent.pk).exists()


def test_withdrawing_twice_writes_one_event(english, coordinator, consent):
    english.force_login(coordinator)
    url = reverse("cases:consent_withdraw", args=[consent.case_id, consent.pk])
    english.post(url, {"note": ""})
    response = english.post(url, {"note": ""}, follow=True)
    assert "already withdrawn" in response.content.decode()
    assert CaseEvent.objects.filter(kind=EventKind.CONSENT_WITHDRAWN).count() == 1
    with pytest.raises(actions.AlreadyWithdrawn):
        actions.do_withdraw_consent(coordinator, consent)
    assert CaseEvent.objects.filter(kind=EventKind.CONSENT_WITHDRAWN).count() == 1


def test_the_same_scope_can_be_consented_to_again_after_a_withdrawal(
    coordinator, consent, nav_office
):
    actions.do_withdraw_consent(coordinator, consent)
    again = give(coordinator, consent.case)
    assert again.pk != consent.pk
    assert consent_covers(consent.case, nav_office)
    assert Consent.objects.count() == 2


def test_the_consents_page_lists_active_and_withdrawn_consents(
    english, coordinator, case, provider
):
    withdrawn = give(coordinator, case, recipient=ConsentRecipient.HEALTH)
    actions.do_withdraw_consent(coordinator, withdrawn)
    give(
        coordinator, case, recipient=ConsentRecipient.ORGANISATION, recipient_organisation=provider
    )
    english.force_login(coordinator)
    page = english.get(reverse("cases:consents", args=[case.pk])).content.decode()
    active_part, withdrawn_part = page.split('id="withdrawn-consents"')
    assert "PitStop Test" in active_part
    assert "Health services" in withdrawn_part
    assert "Health services" not in active_part.split('id="active-consents"')[1]
