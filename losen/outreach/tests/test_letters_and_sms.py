"""Outreach messages that work: an SMS to a guardian is written for the guardian and names
the young person, every SMS and letter gives a number to call back, a letter needs an
address (and says what is missing), and the attempt form takes what happened, when, and
a short note, with no result chosen in advance."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import shown
from losen.outreach.models import ContactAttempt, TargetEntry
from losen.outreach.tests.conftest import swedish_pnr
from losen.people.models import Guardian


def pdf_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


@pytest.fixture
def entry(import_list, fnr):
    """Ida, 16, on the OT list for three days: under 18, so her guardian is contacted."""
    born = datetime.date(timezone.localdate().year - 16, 2, 2)
    import_list(
        [{"identity_number": fnr(born, 8), "first_name": "Ida", "last_name": "Lie"}],
        received_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    return TargetEntry.objects.get()


@pytest.fixture
def mother(entry) -> Guardian:
    return Guardian.objects.create(
        person=entry.person,
        organisation_id=entry.organisation_id,
        name="Eva Lie",
        relation=Guardian.Relation.MOTHER,
        phone="+47 900 00 001",
        address="Bakkeveien 2, 0150 Oslo",
    )


@pytest.fixture
def outbox(settings, tmp_path):
    settings.LOSEN_SMS_GATEWAY = "file"
    settings.LOSEN_SMS_OUTBOX = str(tmp_path)
    return tmp_path


def sent(outbox) -> str:
    files = list(outbox.glob("sms-*.jsonl"))
    return files[0].read_text() if files else ""


# --- SMS -------------------------------------------------------------------------------


def test_the_sms_to_a_guardian_is_worded_for_the_guardian_and_names_the_young_person(
    client, coordinator, entry, mother
):
    client.force_login(coordinator)
    page = client.get(reverse("outreach:sms", args=[entry.pk])).content.decode()
    assert "Hei Eva Lie!" in page  # under 18: to the guardian first
    assert "komme i kontakt med Ida" in page
    assert "22 50 10 00" in page  # the team's number to call back
    page = client.get(reverse("outreach:sms", args=[entry.pk]) + "?to=youth").content.decode()
    assert "Hei Ida!" in page and "Eva Lie!" not in page
    assert "22 50 10 00" in page


def test_the_guardian_gets_the_guardians_sms_at_the_guardians_number(
    client, coordinator, entry, mother, outbox
):
    client.force_login(coordinator)
    text = "Hei Eva Lie! Jeg prøver å nå Ida. Ring meg på 22 50 10 00."
    response = client.post(
        reverse("outreach:sms", args=[entry.pk]), {"text": text, "to": "guardian"}
    )
    assert response.status_code == 302
    attempt = ContactAttempt.objects.get()
    assert (attempt.method, attempt.to_guardian) == ("sms", True)
    assert "+4790000001" in sent(outbox) and "Eva Lie" in sent(outbox)


def test_an_sms_without_the_number_to_call_back_is_not_sent(client, coordinator, entry, outbox):
    client.force_login(coordinator)
    response = client.post(
        reverse("outreach:sms", args=[entry.pk]), {"text": "Hei Ida! Svar meg her.", "to": "youth"}
    )
    assert response.status_code == 400
    assert shown(
        "Keep the number to call back (%(number)s) in the message.", number="22 50 10 00"
    ) in (response.content.decode())
    assert not ContactAttempt.objects.exists() and not sent(outbox)
    # Written with the country code and without spaces, the number is still there.
    response = client.post(
        reverse("outreach:sms", args=[entry.pk]),
        {"text": "Hei Ida! Ring +4722501000.", "to": "youth"},
    )
    assert response.status_code == 302
    assert ContactAttempt.objects.count() == 1


def test_without_a_team_number_the_sms_page_says_what_is_missing_and_sends_nothing(
    client, coordinator, entry, team, outbox
):
    team.phone = ""
    team.save()
    client.force_login(coordinator)
    page = client.get(reverse("outreach:sms", args=[entry.pk]) + "?to=youth").content.decode()
    assert 'id="sms-missing"' in page
    assert shown("a number to call back (the team's phone number, set by an administrator)") in page
    response = client.post(
        reverse("outreach:sms", args=[entry.pk]), {"text": "Hei Ida!", "to": "youth"}
    )
    assert response.status_code == 400
    assert not ContactAttempt.objects.exists() and not sent(outbox)


def test_an_sms_to_a_guardian_without_a_phone_number_says_so(client, coordinator, entry, outbox):
    Guardian.objects.create(
        person=entry.person, organisation_id=entry.organisation_id, name="Per Lie"
    )
    client.force_login(coordinator)
    page = client.get(reverse("outreach:sms", args=[entry.pk])).content.decode()
    assert shown("a guardian with a phone number") in page
    response = client.post(
        reverse("outreach:sms", args=[entry.pk]),
        {"text": "Hei! Ring 22 50 10 00.", "to": "guardian"},
    )
    assert response.status_code == 400
    assert not sent(outbox)


def test_a_swedish_guardian_gets_a_swedish_sms_for_the_guardian(
    client, kaa_coordinator, import_kaa, swedish_municipality
):
    born = datetime.date(timezone.localdate().year - 17, 3, 3)
    import_kaa(
        [{"identity_number": swedish_pnr(born), "first_name": "Sara", "last_name": "Ek"}],
        received_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    entry = TargetEntry.objects.get()
    Guardian.objects.create(
        person=entry.person,
        organisation=swedish_municipality,
        name="Lena Ek",
        phone="070 000 00 02",
    )
    client.force_login(kaa_coordinator)
    page = client.get(reverse("outreach:sms", args=[entry.pk])).content.decode()
    assert "Hej Lena Ek!" in page
    assert "få kontakt med Sara" in page and "vårdnadshavare" in page
    assert "08-550 100 01" in page


# --- letters ---------------------------------------------------------------------------


def test_the_letter_gives_the_number_to_call_back(client, coordinator, entry):
    client.force_login(coordinator)
    response = client.get(reverse("outreach:letter", args=[entry.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Ring meg på 22 50 10 00" in text
    assert "Storgata 1" in text and "0150 Oslo" in text


def test_a_letter_without_an_address_is_not_printed_and_the_page_says_what_is_missing(
    client, coordinator, entry
):
    person = entry.person
    person.address, person.postal_code = "", ""
    person.save()
    client.force_login(coordinator)
    response = client.get(reverse("outreach:letter", args=[entry.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("outreach:entry", args=[entry.pk])
    page = response.content.decode()
    assert shown("the street address") in page and shown("the postal code") in page
    assert shown("the postal town") not in page
    assert 'id="letter-missing"' in page
    assert 'id="letter-pdf"' not in page


def test_the_letter_to_a_guardian_goes_to_the_guardians_address(client, coordinator, entry, mother):
    client.force_login(coordinator)
    page = client.get(reverse("outreach:entry", args=[entry.pk])).content.decode()
    assert 'id="letter-pdf-guardian"' in page
    text = pdf_text(
        client.get(reverse("outreach:letter", args=[entry.pk]) + "?to=guardian").content
    )
    assert "Eva Lie" in text and "Bakkeveien 2" in text
    assert "Storgata 1" not in text


def test_without_a_guardians_address_there_is_no_letter_to_a_guardian(client, coordinator, entry):
    Guardian.objects.create(
        person=entry.person, organisation_id=entry.organisation_id, name="Per Lie", phone="1"
    )
    client.force_login(coordinator)
    page = client.get(reverse("outreach:entry", args=[entry.pk])).content.decode()
    assert 'id="letter-missing-guardian"' in page
    assert shown("a guardian with an address") in page
    response = client.get(reverse("outreach:letter", args=[entry.pk]) + "?to=guardian")
    assert response.status_code == 302


def test_a_colleague_gets_404_for_the_letter_and_the_sms(client, colleague, entry):
    client.force_login(colleague)
    assert client.get(reverse("outreach:letter", args=[entry.pk])).status_code == 404
    assert client.get(reverse("outreach:sms", args=[entry.pk])).status_code == 404


# --- the attempt form ------------------------------------------------------------------


def test_the_attempt_form_has_no_result_chosen_and_says_to_choose_one(client, coordinator, entry):
    client.force_login(coordinator)
    page = client.get(reverse("outreach:entry", args=[entry.pk])).content.decode()
    assert '<option value="" selected>' in page
    assert 'name="attempted_at"' in page and 'name="note"' in page
    response = client.post(reverse("outreach:attempt", args=[entry.pk]), {"method": "phone"})
    assert response.status_code == 400
    assert shown("Choose what came of the attempt.") in response.content.decode()
    assert not ContactAttempt.objects.exists()


def test_an_attempt_keeps_its_time_and_note_and_an_older_one_does_not_move_the_ladder_back(
    client, coordinator, entry
):
    client.force_login(coordinator)
    now = timezone.localtime()
    yesterday = (now - datetime.timedelta(days=1)).replace(second=0, microsecond=0)
    before = (now - datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    client.post(
        reverse("outreach:attempt", args=[entry.pk]),
        {
            "method": "phone",
            "result": "no_answer",
            "attempted_at": yesterday.strftime("%Y-%m-%dT%H:%M"),
            "note": "Mor sier hun jobber kveld.",
        },
    )
    client.post(
        reverse("outreach:attempt", args=[entry.pk]),
        {
            "method": "sms",
            "result": "message_left",
            "attempted_at": before.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    first, second = ContactAttempt.objects.order_by("id")
    assert first.attempted_at == yesterday and first.note == "Mor sier hun jobber kveld."
    assert second.attempted_at == before
    entry.refresh_from_db()
    assert entry.last_attempt_on == yesterday.date()
    assert entry.first_attempt_on == before.date()
    page = client.get(reverse("outreach:entry", args=[entry.pk])).content.decode()
    assert "Mor sier hun jobber kveld." in page


def test_an_attempt_in_the_future_or_before_the_list_is_refused(client, coordinator, entry):
    client.force_login(coordinator)
    later = timezone.localtime() + datetime.timedelta(hours=2)
    response = client.post(
        reverse("outreach:attempt", args=[entry.pk]),
        {
            "method": "phone",
            "result": "no_answer",
            "attempted_at": later.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert shown("The time cannot be in the future.") in response.content.decode()
    early = timezone.localtime() - datetime.timedelta(days=10)
    response = client.post(
        reverse("outreach:attempt", args=[entry.pk]),
        {
            "method": "phone",
            "result": "no_answer",
            "attempted_at": early.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert not ContactAttempt.objects.exists()


def test_an_sms_or_letter_that_arrived_cannot_be_logged_as_reached(client, coordinator, entry):
    client.force_login(coordinator)
    for method in ("sms", "letter"):
        response = client.post(
            reverse("outreach:attempt", args=[entry.pk]), {"method": method, "result": "reached"}
        )
        assert response.status_code == 400
    assert not ContactAttempt.objects.exists()
    response = client.post(
        reverse("outreach:attempt", args=[entry.pk]), {"method": "sms", "result": "answered"}
    )
    assert response.status_code == 302


def test_the_outreach_page_and_the_sms_page_read_the_guardians_once(
    client, coordinator, entry, mother
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    for url in (
        reverse("outreach:entry", args=[entry.pk]),
        reverse("outreach:sms", args=[entry.pk]),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        reads = [q["sql"] for q in queries if 'FROM "people_guardian"' in q["sql"]]
        assert len(reads) == 1, (url, reads)
