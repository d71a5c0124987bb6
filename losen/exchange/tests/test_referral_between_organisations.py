"""A referral to another organisation's measure: consent first, exactly the consented
fields cross, the receiver decides, its case events flow back while the consent lasts,
and every crossing is written in both organisations' access logs.

Ungteam (Testkommune) refers; Utenfor AS, a provider with a published measure, receives.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from conftest import shown, synthetic_fnr
from losen.accounts.models import Organisation, Role, Team
from losen.audit.models import AccessLog, Purpose
from losen.cases.actions.core import do_transition_case
from losen.cases.actions.intake import do_withdraw_consent
from losen.cases.models import CaseState, Consent, EventKind
from losen.exchange import actions
from losen.exchange.models import ReceivedReferral, ReferralReport, SentReferral, State
from losen.lib.errors import NotAllowed
from losen.outcomes.actions import do_exit
from losen.people.models import Person
from losen.programs.actions import do_enrol

pytestmark = pytest.mark.django_db


def refer(coordinator, case, listing, **options):
    arguments = {
        "listing": listing,
        "fields": [],
        "reason": "Trenger avklaring",
        "youth_consents": True,
        "guardian_consents": False,
        **options,
    }
    return actions.do_refer_out(coordinator, case, **arguments)


def accepted(outsider, outside_team, sent):
    received = ReceivedReferral.objects.get(pk=sent.pk)
    return actions.do_accept_referral(outsider, received, team=outside_team)


def test_without_the_young_persons_consent_nothing_is_sent(coordinator, case, listing):
    with translation.override("nb"), pytest.raises(actions.ConsentMissing) as missing:
        refer(coordinator, case, listing, youth_consents=False)
    assert missing.value.what == (
        "Henvisningen trenger den unges samtykke for å henvise til Utenfor AS."
    )
    assert not SentReferral.objects.exists() and not ReceivedReferral.objects.exists()
    assert not Consent.objects.filter(purpose="referral").exists()


def test_under_18_the_guardian_must_consent_too(coordinator, register, team, listing):
    from losen.cases.actions.core import do_open_case

    today = timezone.localdate()
    minor = register(first_name="Ola", birth_date=today.replace(year=today.year - 16))
    case = do_open_case(coordinator, minor, team)
    with pytest.raises(actions.ConsentMissing) as missing:
        refer(coordinator, case, listing)
    assert "18" in missing.value.what
    sent = refer(coordinator, case, listing, guardian_consents=True)
    assert sent.consent.given_by == Consent.GivenBy.GUARDIAN


def test_exactly_the_consented_fields_cross_and_the_disclosure_is_logged(
    coordinator, case, listing, person_number
):
    sent = refer(coordinator, case, listing)
    received = ReceivedReferral.objects.get(pk=sent.pk)
    assert set(received.shared) == {"first_name", "last_name", "birth_date", "reason"}
    assert "phone" not in received.shared  # the person has a phone: it did not cross
    assert received.id_number_hash == ""  # nor the identity number
    assert sent.consent.shared_fields == ["name", "birth_date", "reason"]
    assert sent.consent.recipient_organisation == listing.organisation
    log = AccessLog.objects.get(purpose=Purpose.DISCLOSURE, what="disclosed")
    assert log.person_id == case.person_id and log.organisation_id == case.organisation_id
    assert log.detail["organisation"] == "Utenfor AS"
    assert log.detail["consent"] == sent.consent_id
    assert "Utenfor AS" in log.what_label and str(sent.consent_id) in log.what_label
    assert case.events.filter(kind=EventKind.REFERRED_OUT).count() == 1
    assert person_number not in str(received.shared)


def test_the_identity_number_crosses_only_when_chosen(coordinator, case, listing):
    sent = refer(coordinator, case, listing, fields=["identity_number", "contact"])
    received = ReceivedReferral.objects.get(pk=sent.pk)
    assert received.id_number_hash == case.person.id_number_hash
    assert received.shared["phone"] == "+47 412 34 567"
    assert "identity_number" in sent.consent.shared_fields


def test_a_second_referral_of_the_same_person_to_the_same_measure_is_the_same_one(
    coordinator, case, listing
):
    first = refer(coordinator, case, listing)
    with pytest.raises(actions.AlreadyReferred) as already:
        refer(coordinator, case, listing)
    assert already.value.existing == first
    assert SentReferral.objects.count() == 1


def test_the_receiver_sees_the_shared_fields_and_nothing_of_the_senders_records(
    client, coordinator, outsider, case, listing
):
    sent = refer(coordinator, case, listing)
    client.force_login(outsider)
    queue = client.get(reverse("incoming:list"))
    assert [r.pk for r in queue.context["waiting"]] == [sent.pk]
    page = client.get(reverse("incoming:detail", args=[sent.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Nora Hansen" in body and "Trenger avklaring" in body
    assert "+47 412 34 567" not in body
    for url in (
        reverse("cases:detail", args=[case.pk]),
        reverse("people:detail", args=[case.person_id]),
        reverse("outgoing:detail", args=[sent.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_nobody_else_reaches_either_side(client, coordinator, colleague, make_user, case, listing):
    sent = refer(coordinator, case, listing)
    third = Organisation.objects.create(
        name="Tredje", kind=Organisation.Kind.PROVIDER, country="NO"
    )
    stranger = make_user(
        "tredje@test.no", Role.COORDINATOR, team=Team.objects.create(organisation=third, name="T")
    )
    for user in (colleague, stranger):
        client.force_login(user)
        assert client.get(reverse("outgoing:detail", args=[sent.pk])).status_code == 404
        assert client.get(reverse("incoming:detail", args=[sent.pk])).status_code == 404
        assert client.post(reverse("incoming:accept", args=[sent.pk])).status_code == 404
    client.force_login(coordinator)
    # The sender cannot decide on its own referral from the receiver's side.
    assert client.get(reverse("incoming:detail", args=[sent.pk])).status_code == 404
    with pytest.raises(NotAllowed):
        actions.do_decline_referral(
            coordinator, ReceivedReferral.objects.get(pk=sent.pk), reason="Nei"
        )


def test_accepting_registers_the_person_with_the_receiver_and_tells_the_sender(
    coordinator, outsider, outside_team, case, listing
):
    sent = refer(coordinator, case, listing)
    received = accepted(outsider, outside_team, sent)
    assert received.person.organisation_id == outside_team.organisation_id
    assert received.person.pk != case.person_id
    assert received.case.team == outside_team
    sent.refresh_from_db()
    assert sent.state == State.ACCEPTED and sent.decided_on == timezone.localdate()
    report = case.events.get(kind=EventKind.REPORTED_BACK)
    assert report.data["report"] == "accepted" and report.data["by_organisation"] == "Utenfor AS"
    assert AccessLog.objects.filter(
        what="received", person_id=received.person_id, organisation_id=received.organisation_id
    ).exists()
    assert AccessLog.objects.filter(
        what="report_received", person_id=case.person_id, organisation_id=case.organisation_id
    ).exists()
    with pytest.raises(actions.AlreadyDecided):
        actions.do_decline_referral(outsider, received, reason="For sent")


def test_a_shared_identity_number_joins_the_receivers_own_record_a_name_never_does(
    coordinator, outsider, outside_team, case, listing, person_number
):
    from losen.lib.idnumbers import parse_identity_number
    from losen.people.actions import PersonData, do_register_person

    same_name = do_register_person(
        outsider,
        team=outside_team,
        data=PersonData(
            first_name="Nora", last_name="Hansen", birth_date=datetime.date(2003, 5, 17)
        ),
        identity_number=None,
    )
    sent = refer(coordinator, case, listing)
    assert accepted(outsider, outside_team, sent).person != same_name  # not by name
    own = do_register_person(
        outsider,
        team=outside_team,
        data=PersonData(first_name="N", last_name="H", birth_date=datetime.date(2003, 5, 17)),
        identity_number=parse_identity_number(
            synthetic_fnr(datetime.date(2003, 5, 17), 456), allow_synthetic=True
        ),
    )
    assert own.id_number_hash == case.person.id_number_hash
    from losen.cases.actions.core import do_open_case

    # The first referral ended; a new case of the person is referred again, with the number.
    SentReferral.objects.filter(pk=sent.pk).update(state=State.ENDED)
    second_case = do_open_case(coordinator, case.person, case.team)
    sent_again = refer(coordinator, second_case, listing, fields=["identity_number"])
    assert accepted(outsider, outside_team, sent_again).person == own
    assert Person.objects.filter(organisation=outside_team.organisation).count() == 3


def test_the_receivers_start_and_exit_flow_back_until_the_consent_is_withdrawn(
    coordinator, outsider, outside_team, case, listing
):
    sent = refer(coordinator, case, listing)
    received = accepted(outsider, outside_team, sent)
    do_transition_case(outsider, received.case, CaseState.ACCEPTED)
    do_enrol(outsider, received.case, listing.measure)
    sent.refresh_from_db()
    assert sent.state == State.STARTED and sent.started_on == timezone.localdate()
    assert list(sent.reports.values_list("kind", flat=True)) == ["accepted", "started"]

    do_withdraw_consent(coordinator, sent.consent)
    sent.refresh_from_db()
    assert sent.state == State.WITHDRAWN
    do_exit(outsider, received.case, code="work.full_time", exited_on=timezone.localdate())
    sent.refresh_from_db()
    # Refused: nothing more reached the sender, and what came before stays.
    assert list(sent.reports.values_list("kind", flat=True)) == ["accepted", "started"]
    assert sent.exit_on is None
    assert case.events.filter(kind=EventKind.REPORTED_BACK).count() == 2
    received.refresh_from_db()
    assert received.exit_on == timezone.localdate() and received.exit_outcome == "work"
    assert received.consent_withdrawn_at is not None
    assert not ReferralReport.objects.filter(kind="ended").exists()


def test_an_exit_is_reported_with_its_outcome(coordinator, outsider, outside_team, case, listing):
    sent = refer(coordinator, case, listing)
    received = accepted(outsider, outside_team, sent)
    do_transition_case(outsider, received.case, CaseState.ACCEPTED)
    do_enrol(outsider, received.case, listing.measure)
    do_exit(
        outsider, received.case, code="education.upper_secondary", exited_on=timezone.localdate()
    )
    sent.refresh_from_db()
    assert (sent.state, sent.exit_outcome) == (State.ENDED, "education")


def test_a_declined_referral_tells_the_sender_why(coordinator, outsider, case, listing):
    sent = refer(coordinator, case, listing)
    actions.do_decline_referral(
        outsider, ReceivedReferral.objects.get(pk=sent.pk), reason="Ingen plass i år"
    )
    sent.refresh_from_db()
    assert sent.state == State.DECLINED
    assert sent.reports.get().data["reason"] == "Ingen plass i år"


def test_a_withdrawn_consent_is_not_used_again(coordinator, outsider, case, listing):
    sent = refer(coordinator, case, listing)
    actions.do_decline_referral(outsider, ReceivedReferral.objects.get(pk=sent.pk), reason="Nei")
    do_withdraw_consent(coordinator, sent.consent)
    again = refer(coordinator, case, listing)
    assert again.consent != sent.consent and again.consent.withdrawn_at is None


def test_the_command_gives_both_sides_the_same_referral_alike(
    coordinator, outsider, outside_team, case, listing
):
    sent = refer(coordinator, case, listing)
    received = accepted(outsider, outside_team, sent)
    do_transition_case(outsider, received.case, CaseState.ACCEPTED)
    do_enrol(outsider, received.case, listing.measure)

    def rows(organisation, direction):
        out = io.StringIO()
        call_command("referrals", organisation=organisation, direction=direction, stdout=out)
        return out.getvalue().splitlines()

    sender = rows("Testkommune", "out")
    receiver = rows("Utenfor AS", "in")
    assert sender[0] == (
        "referral_id,from_organisation,to_organisation,measure,referred_on,state,"
        "decided_on,started_on,exit_on,exit_outcome"
    )
    assert sender == receiver
    today = timezone.localdate().isoformat()
    assert (
        sender[1] == f"{sent.pk},Testkommune,Utenfor AS,Restart,{today},started,{today},{today},,"
    )


def test_the_young_persons_access_log_and_its_export_list_the_disclosure(
    client, coordinator, case, listing
):
    sent = refer(coordinator, case, listing)
    client.force_login(coordinator)
    page = client.get(reverse("people:access_log", args=[case.person_id])).content.decode()
    expected = (
        f"Utlevert til Utenfor AS: Navn, Fødselsdato, Årsaken til henvisningen, "
        f"etter samtykke {sent.consent_id}"
    )
    assert expected in page
    export = client.get(reverse("people:access_log_csv", args=[case.person_id]))
    assert expected in b"".join(export.streaming_content).decode("utf-8-sig")


def test_the_senders_results_count_what_went_through_the_provider_apart_from_its_own(
    coordinator, outsider, outside_team, case, listing
):
    from losen.reports.dashboard import build_dashboard

    sent = refer(coordinator, case, listing)
    received = accepted(outsider, outside_team, sent)
    do_transition_case(outsider, received.case, CaseState.ACCEPTED)
    do_enrol(outsider, received.case, listing.measure)
    today = timezone.localdate()
    do_exit(outsider, received.case, code="work.full_time", exited_on=today)
    month = today.replace(day=1)

    def figures(suppressed: bool) -> dict[str, int | None]:
        board = build_dashboard(
            organisation_id=case.organisation_id, start=month, end=month, suppressed=suppressed
        )
        return {row.key: row.count for row in board.providers}

    exact = figures(False)
    assert exact["referred_out"] == exact["accepted"] == exact["started"] == 1
    assert exact["ended:work"] == 1 and exact["ended:education"] == 0
    assert exact["declined"] == 0
    # Our own figures do not count the provider's start or exit.
    board = build_dashboard(
        organisation_id=case.organisation_id, start=month, end=month, suppressed=False
    )
    assert board.exited == 0
    assert set(figures(True).values()) <= {0, 5}  # one young person: never shown as one


def test_a_decision_dated_before_the_referral_is_refused_and_writes_nothing(
    coordinator, outsider, outside_team, case, listing
):
    sent = refer(coordinator, case, listing)
    received = ReceivedReferral.objects.get(pk=sent.pk)
    people = Person.objects.count()
    with pytest.raises(ValueError):
        actions.do_accept_referral(
            outsider,
            received,
            team=outside_team,
            decided_on=sent.referred_on - datetime.timedelta(days=1),
        )
    received.refresh_from_db()
    assert received.state == State.SENT and received.case is None
    assert Person.objects.count() == people


def test_reading_either_side_of_a_referral_is_in_the_reading_organisations_log(
    client, coordinator, outsider, outside_team, case, listing
):
    sent = refer(coordinator, case, listing)
    received = accepted(outsider, outside_team, sent)
    client.force_login(coordinator)
    client.get(reverse("outgoing:list"))
    client.get(reverse("outgoing:detail", args=[sent.pk]))
    assert set(
        AccessLog.objects.filter(actor=coordinator, person_id=case.person_id).values_list(
            "what", flat=True
        )
    ) >= {"list:referrals_out", "referral_out"}
    client.force_login(outsider)
    client.get(reverse("incoming:list"))
    client.get(reverse("incoming:detail", args=[sent.pk]))
    reads = AccessLog.objects.filter(actor=outsider, person_id=received.person_id)
    assert set(reads.values_list("what", flat=True)) >= {"list:referrals_in", "referral_in"}
    # Each organisation logs only its own person.
    assert not AccessLog.objects.filter(actor=outsider, person_id=case.person_id).exists()


def test_the_receivers_read_before_accepting_is_in_the_young_persons_access_log(
    client, coordinator, outsider, case, listing
):
    sent = refer(coordinator, case, listing)
    client.force_login(outsider)
    client.get(reverse("incoming:list"))
    client.get(reverse("incoming:detail", args=[sent.pk]))
    reads = AccessLog.objects.filter(actor=outsider).order_by("id")
    assert [(r.person_id, r.organisation_id, r.what) for r in reads] == [
        (case.person_id, listing.organisation_id, "list:referrals_in"),
        (case.person_id, listing.organisation_id, "referral_in"),
    ]
    # The young person's log, as the sender keeps it, names the reader and their organisation.
    client.force_login(coordinator)
    page = client.get(reverse("people:access_log", args=[case.person_id]))
    rows = [e for e in page.context["page"].object_list if e.actor_id == outsider.pk]
    assert {(e.organisation.name, e.what) for e in rows} == {
        ("Utenfor AS", "list:referrals_in"),
        ("Utenfor AS", "referral_in"),
    }
    assert shown("A referral from another organisation") in page.content.decode()
