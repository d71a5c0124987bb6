"""What the receiver reports back beyond its case events: the team meeting's decision on
a referral taken in for it, the month's attendance, a pause, and a free-text status note
that a team lead reviews before it leaves. And referring to a team, not only a measure.

Ungteam (Testkommune) refers; Utenfor AS receives (`outsider` coordinates there,
`provider_lead` leads the team).
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from conftest import shown
from losen.accounts.models import Role
from losen.cases.actions.core import do_transition_case
from losen.cases.actions.intake import do_withdraw_consent
from losen.cases.actions.meetings import do_create_meeting, do_decide
from losen.cases.models import CaseState, Decision, EventKind
from losen.cases.tests.test_meetings import sign_and_consent
from losen.exchange import actions
from losen.exchange.models import ReceivedReferral, SentReferral, State, StatusNote
from losen.exchange.tests.test_referral_between_organisations import accepted, refer
from losen.lib.dates import add_months
from losen.lib.errors import NotAllowed
from losen.programs.actions import do_add_session, do_enrol, do_record_attendance

pytestmark = pytest.mark.django_db


def received_of(sent) -> ReceivedReferral:
    return ReceivedReferral.objects.get(pk=sent.pk)


def reports(sent) -> list[str]:
    return list(sent.reports.order_by("id").values_list("kind", flat=True))


@pytest.fixture
def last_month(today) -> datetime.date:
    return add_months(today.replace(day=1), -1)


@pytest.fixture
def under_way(coordinator, outsider, outside_team, case, listing, last_month):
    """Referred, accepted and started at the beginning of last month."""
    sent = refer(coordinator, case, listing, referred_on=last_month)
    received = actions.do_accept_referral(
        outsider, received_of(sent), team=outside_team, decided_on=last_month
    )
    do_transition_case(outsider, received.case, CaseState.ACCEPTED, effective_on=last_month)
    enrolment = do_enrol(outsider, received.case, listing.measure, start_on=last_month)
    received.refresh_from_db()
    assert received.state == State.STARTED
    return sent, received, enrolment


def held(actor, measure, day: datetime.date, number: int):
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    return do_add_session(actor, measure, number=number, starts_at=at)


# Referring to a team of another organisation


def test_a_case_is_referred_to_a_team_of_a_publishing_organisation_from_the_form(
    client, coordinator, case, listing, outside_team
):
    client.force_login(coordinator)
    page = client.get(reverse("outgoing:new", args=[case.pk]))
    assert outside_team in page.context["form"].fields["team"].queryset
    response = client.post(
        reverse("outgoing:new", args=[case.pk]),
        {"team": outside_team.pk, "reason": "Trenger en samtale", "youth_consents": "on"},
    )
    sent = SentReferral.objects.get()
    assert response["Location"] == reverse("outgoing:detail", args=[sent.pk])
    assert (sent.to_team, sent.listing, sent.to_name) == (outside_team, None, outside_team.name)
    assert received_of(sent).team == outside_team


def test_the_form_wants_a_measure_or_a_team_not_both_nor_neither(
    client, coordinator, case, listing, outside_team
):
    client.force_login(coordinator)
    for chosen in ({}, {"team": outside_team.pk, "listing": listing.pk}):
        response = client.post(
            reverse("outgoing:new", args=[case.pk]),
            {**chosen, "reason": "Trenger en samtale", "youth_consents": "on"},
        )
        assert response.status_code == 200
        assert shown("Choose a measure or a team, one of them.") in response.content.decode()
    assert not SentReferral.objects.exists()


def test_a_referral_to_a_team_reaches_that_team_only(
    client, coordinator, outsider, make_user, outside_organisation, case, outside_team
):
    from losen.accounts.models import Team

    second = Team.objects.create(organisation=outside_organisation, name="Andre team")
    other_member = make_user("andre@utenfor.no", Role.COORDINATOR, team=second)
    sent = refer(coordinator, case, None, team=outside_team)
    client.force_login(other_member)
    assert client.get(reverse("incoming:detail", args=[sent.pk])).status_code == 404
    with pytest.raises(NotAllowed):
        actions.do_accept_referral(other_member, received_of(sent), team=second)
    client.force_login(outsider)
    assert client.get(reverse("incoming:detail", args=[sent.pk])).status_code == 200


def test_the_person_page_offers_referral_out_for_the_cases_the_reader_works_on(
    client, coordinator, colleague, org_admin, case
):
    link = reverse("outgoing:new", args=[case.pk])
    client.force_login(coordinator)
    assert link in client.get(reverse("people:detail", args=[case.person_id])).content.decode()
    client.force_login(org_admin)  # sees the person, works on no case
    page = client.get(reverse("people:detail", args=[case.person_id]))
    assert page.status_code == 200 and link not in page.content.decode()


# The receiver's team meeting


def test_a_referral_taken_to_the_meeting_is_on_its_agenda_and_the_sender_waits(
    client, coordinator, outsider, provider_lead, outside_team, case, listing
):
    meeting = do_create_meeting(
        provider_lead, team=outside_team, starts_at=timezone.now() + datetime.timedelta(days=2)
    )
    sent = refer(coordinator, case, listing)
    client.force_login(outsider)
    response = client.post(
        reverse("incoming:accept", args=[sent.pk]), {"team": outside_team.pk, "to": "meeting"}
    )
    received = received_of(sent)
    assert response["Location"] == reverse("cases:detail", args=[received.case_id])
    assert received.case.state == CaseState.REFERRED
    assert received.on_agenda_on == timezone.localdate()
    assert list(meeting.items.values_list("case_id", flat=True)) == [received.case_id]
    sent.refresh_from_db()
    assert sent.state == State.SENT and reports(sent) == []
    # Decided in the meeting now, not on the referral's page.
    with pytest.raises(actions.AlreadyDecided):
        actions.do_accept_referral(outsider, received, team=outside_team)
    page = client.get(reverse("incoming:detail", args=[sent.pk])).content.decode()
    assert 'id="on-agenda"' in page and 'id="accept-referral"' not in page


@pytest.mark.parametrize(
    ("decision", "state", "report"),
    [
        (Decision.ACCEPT, State.ACCEPTED, "accepted"),
        (Decision.WAITING_LIST, State.WAITING_LIST, "waiting_list"),
        (Decision.REDIRECT, State.DECLINED, "declined"),
    ],
)
def test_the_meetings_decision_is_the_receivers_answer_to_the_sender(
    coordinator, outsider, provider_lead, outside_team, case, listing, decision, state, report
):
    sent = refer(coordinator, case, listing)
    received = actions.do_take_to_meeting(outsider, received_of(sent), team=outside_team)
    sign_and_consent(received.case)
    meeting = do_create_meeting(provider_lead, team=outside_team, starts_at=timezone.now())
    item = meeting.items.get(case=received.case)
    do_decide(
        provider_lead,
        item,
        decision,
        contact_person=outsider if decision == Decision.ACCEPT else None,
        redirect_to="NAV" if decision == Decision.REDIRECT else "",
        redirect_reason="Trenger arbeidsrettet oppfølging" if decision == Decision.REDIRECT else "",
    )
    sent.refresh_from_db()
    assert sent.state == state and reports(sent) == [report]
    assert received_of(sent).state == state
    if decision == Decision.REDIRECT:
        # Where it was redirected crosses; the team's reason for it stays with the team.
        assert sent.reports.get().data == {"reason": "Henvist videre til NAV"}
    if decision == Decision.WAITING_LIST:
        assert sent.decided_on is None
    else:
        assert sent.decided_on == timezone.localdate()


def test_a_meeting_accepting_a_referral_accepted_already_reports_nothing_new(
    coordinator, outsider, provider_lead, outside_team, case, listing
):
    sent = refer(coordinator, case, listing)
    received = accepted(outsider, outside_team, sent)
    sign_and_consent(received.case)
    meeting = do_create_meeting(provider_lead, team=outside_team, starts_at=timezone.now())
    do_decide(
        provider_lead,
        meeting.items.get(case=received.case),
        Decision.ACCEPT,
        contact_person=outsider,
    )
    assert reports(sent) == ["accepted"]


# The month's attendance


def test_the_months_attendance_is_reported_once_with_sessions_and_presence(
    coordinator, outsider, provider_lead, case, listing, under_way, last_month
):
    sent, received, enrolment = under_way
    for number, present in ((1, True), (2, False), (3, True)):
        session = held(
            provider_lead, listing.measure, last_month + datetime.timedelta(number), number
        )
        do_record_attendance(outsider, session, {enrolment.pk: present})
    made = actions.do_report_attendance(outsider, received, last_month)
    assert made is not None and made.period == last_month.strftime("%Y-%m")
    assert (made.data["sessions"], made.data["present"]) == (3, 2)
    assert made.data["measures"] == [{"measure": "Restart", "sessions": 3, "present": 2}]
    event = case.events.filter(kind=EventKind.REPORTED_BACK).latest("id")
    assert (event.data["report"], event.data["sessions"], event.data["present"]) == (
        "attendance",
        3,
        2,
    )
    with pytest.raises(actions.AlreadyReported):
        actions.do_report_attendance(outsider, received, last_month)
    assert reports(sent) == ["accepted", "started", "attendance"]


def test_a_month_not_over_or_without_attendance_is_not_reported(
    outsider, under_way, last_month, today
):
    _sent, received, _enrolment = under_way
    with pytest.raises(ValueError):
        actions.do_report_attendance(outsider, received, today)
    with pytest.raises(actions.NothingToReport):
        actions.do_report_attendance(outsider, received, last_month)


def test_the_monthly_run_reports_every_referral_once_and_none_after_a_withdrawal(
    coordinator, outsider, provider_lead, listing, under_way, last_month
):
    sent, _received, enrolment = under_way
    session = held(provider_lead, listing.measure, last_month + datetime.timedelta(2), 1)
    do_record_attendance(outsider, session, {enrolment.pk: True})

    def run() -> str:
        out = io.StringIO()
        call_command("report-attendance", stdout=out)
        return out.getvalue().strip()

    month = last_month.strftime("%Y-%m")
    assert run() == f"{month}: 1 reported, 0 with nothing new to report"
    assert run() == f"{month}: 0 reported, 1 with nothing new to report"
    assert reports(sent).count("attendance") == 1
    do_withdraw_consent(coordinator, sent.consent)
    sent.reports.filter(kind="attendance").delete()  # as if the month were not sent
    assert run() == f"{month}: 0 reported, 0 with nothing new to report"
    assert "attendance" not in reports(sent)


def test_the_attendance_form_offers_the_months_over_and_not_yet_reported(
    client, coordinator, outsider, provider_lead, listing, under_way, last_month
):
    sent, _received, enrolment = under_way
    session = held(provider_lead, listing.measure, last_month + datetime.timedelta(2), 1)
    do_record_attendance(outsider, session, {enrolment.pk: True})
    client.force_login(outsider)
    page = client.get(reverse("incoming:detail", args=[sent.pk]))
    choices = [value for value, _label in page.context["attendance_form"].fields["month"].choices]
    assert choices == [last_month.isoformat()]
    client.post(reverse("incoming:attendance", args=[sent.pk]), {"month": last_month.isoformat()})
    assert reports(sent)[-1] == "attendance"
    page = client.get(reverse("incoming:detail", args=[sent.pk]))
    assert 'id="attendance-reported"' in page.content.decode()
    client.force_login(coordinator)
    with translation.override("nb"):
        month = date_format(last_month, "F Y")
    expected = (
        shown("Attendance in %(month)s", month=month)
        + ": "
        + shown("present at %(present)s of %(sessions)s sessions", present=1, sessions=1)
    )
    assert expected in client.get(reverse("outgoing:detail", args=[sent.pk])).content.decode()


# A pause


def test_a_pause_and_the_return_are_reported_without_a_reason(
    client, coordinator, outsider, under_way, today
):
    sent, received, _enrolment = under_way
    client.force_login(outsider)
    until = today + datetime.timedelta(days=14)
    client.post(
        reverse("incoming:pause", args=[sent.pk]),
        {"on": today.isoformat(), "until": until.isoformat()},
    )
    sent.refresh_from_db()
    assert sent.paused_on == today and reports(sent)[-1] == "paused"
    assert sent.reports.latest("id").data == {"until": until.isoformat()}
    client.force_login(coordinator)
    page = client.get(reverse("outgoing:detail", args=[sent.pk])).content.decode()
    assert until.strftime("%d.%m.%Y") in page
    client.force_login(outsider)
    client.post(reverse("incoming:pause", args=[sent.pk]), {"on": today.isoformat()})
    sent.refresh_from_db()
    assert sent.paused_on is None and reports(sent)[-1] == "resumed"


def test_a_pause_before_the_start_or_twice_is_refused(outsider, under_way, last_month):
    _sent, received, _enrolment = under_way
    with pytest.raises(ValueError):
        actions.do_report_pause(outsider, received, on=last_month - datetime.timedelta(days=1))
    actions.do_report_pause(outsider, received, on=last_month)
    with pytest.raises(actions.AlreadyReported):
        actions.do_report_pause(outsider, received, on=last_month)


# A status note, reviewed before it leaves


def test_a_status_note_leaves_only_when_a_team_lead_sends_it(
    client, coordinator, outsider, provider_lead, case, under_way
):
    sent, received, _enrolment = under_way
    client.force_login(outsider)
    client.post(reverse("incoming:note", args=[sent.pk]), {"text": "Møter stabilt, trives."})
    note = StatusNote.objects.get()
    assert note.state == StatusNote.State.DRAFT and "note" not in reports(sent)
    with pytest.raises(NotAllowed):
        actions.do_send_status_note(outsider, note)  # the writer is no team lead
    assert (
        client.post(
            reverse("incoming:note_review", args=[sent.pk, note.pk]), {"send": "yes"}
        ).status_code
        == 404
    )
    client.force_login(provider_lead)
    queue = client.get(reverse("incoming:list"))
    assert [n.pk for n in queue.context["notes_to_review"]] == [note.pk]
    client.post(reverse("incoming:note_review", args=[sent.pk, note.pk]), {"send": "yes"})
    note.refresh_from_db()
    assert note.state == StatusNote.State.SENT and note.reviewed_by == provider_lead
    assert sent.reports.get(kind="note").data["note"] == "Møter stabilt, trives."
    event = case.events.filter(kind=EventKind.REPORTED_BACK).latest("id")
    assert event.note == "Møter stabilt, trives."
    client.force_login(coordinator)
    page = client.get(reverse("outgoing:detail", args=[sent.pk])).content.decode()
    assert "Møter stabilt, trives." in page


def test_a_discarded_note_never_reaches_the_sender(outsider, provider_lead, under_way):
    sent, received, _enrolment = under_way
    note = actions.do_write_status_note(outsider, received, "Sa noe privat")
    actions.do_discard_status_note(provider_lead, note)
    with pytest.raises(actions.AlreadyDecided):
        actions.do_send_status_note(provider_lead, note)
    assert "note" not in reports(sent)
    assert "Sa noe privat" not in str(list(sent.reports.values_list("data", flat=True)))


def test_a_note_reviewed_after_a_withdrawal_stays_with_the_receiver(
    coordinator, outsider, provider_lead, under_way
):
    sent, received, _enrolment = under_way
    note = actions.do_write_status_note(outsider, received, "Status")
    do_withdraw_consent(coordinator, sent.consent)
    assert actions.do_send_status_note(provider_lead, note) is None
    note.refresh_from_db()
    assert note.state == StatusNote.State.DISCARDED and "note" not in reports(sent)
    received.refresh_from_db()
    with pytest.raises(NotAllowed):
        actions.do_write_status_note(outsider, received, "En til")


def test_the_sender_and_strangers_cannot_write_or_review_the_receivers_notes(
    client, coordinator, colleague, under_way
):
    sent, received, _enrolment = under_way
    note = StatusNote.objects.create(
        received=received,
        organisation_id=received.organisation_id,
        text="Utkast",
        written_by=received.decided_by,
    )
    for user in (coordinator, colleague):
        client.force_login(user)
        assert (
            client.post(reverse("incoming:note", args=[sent.pk]), {"text": "x"}).status_code == 404
        )
        assert (
            client.post(
                reverse("incoming:note_review", args=[sent.pk, note.pk]), {"send": "yes"}
            ).status_code
            == 404
        )
        assert (
            client.post(reverse("incoming:pause", args=[sent.pk]), {"on": "2026-01-01"}).status_code
            == 404
        )
    note.refresh_from_db()
    assert note.state == StatusNote.State.DRAFT and StatusNote.objects.count() == 1


def test_the_receivers_referral_queue_counts_those_waiting_from_other_organisations(
    client, coordinator, outsider, colleague, case, listing
):
    client.force_login(outsider)
    assert (
        'id="incoming-waiting-count"' not in client.get(reverse("referrals:queue")).content.decode()
    )
    refer(coordinator, case, listing)
    page = client.get(reverse("referrals:queue")).content.decode()
    assert f"({shown('%(count)s waiting', count=1)})" in page
    assert case.person.first_name not in page  # a count, no names
    client.force_login(colleague)  # not the receiver
    assert (
        'id="incoming-waiting-count"' not in client.get(reverse("referrals:queue")).content.decode()
    )
