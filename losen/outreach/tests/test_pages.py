"""The outreach pages: the queue, a person's page, the upload, with the personas."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import shown
from losen.audit.models import AccessLog
from losen.cases.models import Case, Referral
from losen.jobs.models import Job
from losen.outreach.models import ContactAttempt, Notice, TargetEntry
from losen.outreach.tests.conftest import list_csv


def born_16_years_ago() -> datetime.date:
    """Ida is 16 (under 18, so her guardian is told too, and inside the OT window)."""
    return datetime.date(timezone.localdate().year - 16, 2, 2)


def listed_on() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=3)


@pytest.fixture
def entry(import_list, fnr):
    import_list(
        [
            {
                "identity_number": fnr(born_16_years_ago(), 8),
                "first_name": "Ida",
                "last_name": "Lie",
            }
        ],
        received_on=listed_on(),
    )
    return TargetEntry.objects.get()


def test_the_coordinator_sees_the_queue_and_assigns_a_person_to_themself(
    client, coordinator, entry
):
    client.force_login(coordinator)
    response = client.get(reverse("outreach:queue"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Lie, Ida" in content
    assert shown("Assign to me") in content
    response = client.post(
        reverse("outreach:assign", args=[entry.pk]), {"next": reverse("outreach:queue")}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.assigned_to == coordinator


def test_the_queue_shows_no_identity_numbers(client, coordinator, entry, fnr):
    client.force_login(coordinator)
    content = client.get(reverse("outreach:queue")).content.decode()
    assert fnr(born_16_years_ago(), 8) not in content
    assert entry.person.id_number_masked not in content


def test_a_colleague_and_an_outsider_get_404(client, colleague, outsider, manager, entry):
    for user in (colleague, outsider):
        client.force_login(user)
        assert client.get(reverse("outreach:entry", args=[entry.pk])).status_code == 404
        assert client.post(reverse("outreach:assign", args=[entry.pk])).status_code == 404
        assert "Lie, Ida" not in client.get(reverse("outreach:queue")).content.decode()
    client.force_login(manager)
    assert client.get(reverse("outreach:queue")).status_code == 404


def test_opening_a_person_is_logged(client, coordinator, entry):
    client.force_login(coordinator)
    assert client.get(reverse("outreach:entry", args=[entry.pk])).status_code == 200
    assert AccessLog.objects.filter(person_id=entry.person_id, what="outreach").count() == 1


def test_logging_an_attempt_on_the_page_moves_the_ladder(client, coordinator, entry):
    client.force_login(coordinator)
    response = client.post(
        reverse("outreach:attempt", args=[entry.pk]),
        {"method": "phone", "result": "no_answer", "to_guardian": "on"},
    )
    assert response.status_code == 302
    attempt = ContactAttempt.objects.get()
    assert (attempt.method, attempt.result, attempt.to_guardian) == ("phone", "no_answer", True)
    assert attempt.attempted_by == coordinator
    entry.refresh_from_db()
    assert entry.step_index == 1


def test_a_reached_person_becomes_a_referral_and_an_application(client, coordinator, entry):
    client.force_login(coordinator)
    client.post(
        reverse("outreach:attempt", args=[entry.pk]), {"method": "phone", "result": "reached"}
    )
    response = client.post(
        reverse("outreach:refer", args=[entry.pk]), {"reason": "Vil gjerne begynne i aktivitet."}
    )
    referral = Referral.objects.get()
    assert referral.source == "outreach"
    assert response["Location"] == reverse("cases:application", args=[referral.case_id])
    entry.refresh_from_db()
    assert entry.case == Case.objects.get()


def test_someone_not_reached_cannot_be_referred(client, coordinator, entry):
    client.force_login(coordinator)
    client.post(reverse("outreach:refer", args=[entry.pk]), {"reason": "x"})
    assert not Referral.objects.exists()


def test_an_sms_goes_through_the_gateway_and_is_logged(
    client, coordinator, entry, settings, tmp_path
):
    settings.LOSEN_SMS_GATEWAY = "file"
    settings.LOSEN_SMS_OUTBOX = str(tmp_path)
    client.force_login(coordinator)
    page = client.get(reverse("outreach:sms", args=[entry.pk]) + "?to=youth").content.decode()
    assert "Hei Ida!" in page
    response = client.post(
        reverse("outreach:sms", args=[entry.pk]),
        {"text": "Hei Ida! Ring meg gjerne på 22 50 10 00.", "to": "youth"},
    )
    assert response.status_code == 302
    attempt = ContactAttempt.objects.get()
    assert (attempt.method, attempt.result) == ("sms", "message_left")
    outbox = next(tmp_path.glob("sms-*.jsonl")).read_text()
    assert "+4740000000" in outbox and attempt.reference in outbox


def test_the_letter_is_a_pdf_with_a_neutral_sender(client, coordinator, entry):
    client.force_login(coordinator)
    response = client.get(reverse("outreach:letter", args=[entry.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_rights_information_is_sent_to_the_young_person_and_a_guardian_under_18(
    client, coordinator, entry
):
    client.force_login(coordinator)
    client.post(reverse("outreach:rights", args=[entry.pk]))
    client.post(reverse("outreach:rights", args=[entry.pk]))
    assert sorted(Notice.objects.values_list("recipient", flat=True)) == ["guardian", "youth"]


def test_the_upload_runs_as_a_job_and_shows_the_bad_rows(client, coordinator, team, fnr):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(coordinator)
    good = {
        "identity_number": fnr(born_16_years_ago(), 8),
        "first_name": "Ida",
        "last_name": "Lie",
    }
    bad = {"identity_number": "010101", "first_name": "Feil", "last_name": "Rad"}
    upload = SimpleUploadedFile("liste.csv", list_csv([good, bad]), content_type="text/csv")
    response = client.post(
        reverse("outreach:upload"),
        {"team": team.pk, "scheme": "ot", "received_on": listed_on().isoformat(), "file": upload},
    )
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.FAILED
    assert [e["line"] for e in job.result["errors"]] == [3]
    assert not TargetEntry.objects.exists()
    upload = SimpleUploadedFile("liste.csv", list_csv([good]), content_type="text/csv")
    client.post(
        reverse("outreach:upload"),
        {"team": team.pk, "scheme": "ot", "received_on": listed_on().isoformat(), "file": upload},
    )
    assert TargetEntry.objects.count() == 1
    done = Job.objects.get(status=Job.Status.DONE)
    page = client.get(reverse("jobs:detail", args=[done.pk])).content.decode()
    assert 'id="list-new">1<' in page


def test_the_kaa_register_page_saves_a_measure(client, kaa_coordinator, import_kaa):
    from losen.outreach.models import KaaMeasure
    from losen.outreach.tests.conftest import swedish_pnr

    import_kaa(
        [
            {
                "identity_number": swedish_pnr(
                    datetime.date(timezone.localdate().year - 17, 3, 3), 9
                ),
                "first_name": "Alva",
                "last_name": "Lund",
            }
        ],
        received_on=listed_on(),
    )
    entry = TargetEntry.objects.get()
    client.force_login(kaa_coordinator)
    assert client.get(reverse("outreach:kaa", args=[entry.pk])).status_code == 200
    response = client.post(
        reverse("outreach:kaa_measure_new", args=[entry.pk]),
        {
            "plan": "Praktik",
            "goal": "Studier",
            "start_on": listed_on().isoformat(),
            "follow_up_dates": "",
        },
    )
    assert response.status_code == 302
    assert KaaMeasure.objects.get().goal == "Studier"


def test_an_attempt_sent_twice_is_logged_once(client, coordinator, entry):
    from losen.submissions.tests.test_double_posts import SUBMISSION_FIELD, token_of

    client.force_login(coordinator)
    token = token_of(client.get(reverse("outreach:entry", args=[entry.pk])))
    data = {"method": "phone", "result": "no_answer", SUBMISSION_FIELD: token}
    for _ in range(2):
        client.post(reverse("outreach:attempt", args=[entry.pk]), data)
    assert ContactAttempt.objects.count() == 1
