"""The application: signing on screen, signed paper, the printable form (PDF)."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from losen.audit.models import AccessLog, ChangeLog, Purpose
from losen.cases.actions import intake as actions
from losen.cases.actions.core import do_transition_case
from losen.cases.application_text import application_text
from losen.cases.models import (
    Application,
    CaseEvent,
    CaseState,
    ConsentPurpose,
    ConsentRecipient,
    EventKind,
)
from losen.cases.queries.intake import application_is_complete, application_of
from losen.cases.views.intake import form_language, render_application_form
from losen.people.actions import do_add_guardian

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def referred(coordinator, person, team):
    """A fresh referral's case (state referred) with its unsigned application."""
    registered = actions.do_register_referral(
        coordinator, team=team, person=person, source="nav", reason="Needs a start."
    )
    return registered.referral.case


@pytest.fixture
def minor(register, coordinator):
    today = timezone.localdate()
    try:
        born = today.replace(year=today.year - 16)
    except ValueError:
        born = today.replace(year=today.year - 16, day=28)
    young = register(first_name="Ida", last_name="Berg", birth_date=born)
    do_add_guardian(coordinator, young, name="Mor Berg", relation="mother", phone="+4790000001")
    return young


@pytest.fixture
def minor_case(coordinator, minor, team):
    registered = actions.do_register_referral(
        coordinator, team=team, person=minor, source="school", reason="Absent."
    )
    return registered.referral.case


def upload(name="scan.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def text_hash(case, language="nb"):
    """The hash the signing page posts with the text it shows."""
    return application_text(case, language).sha256


def signed_events(case):
    return CaseEvent.objects.filter(case=case, kind=EventKind.APPLICATION_SIGNED)


# --- who may open what -------------------------------------------------------------------

VIEWS = [
    ("cases:application", Purpose.FOLLOW_UP),
    ("cases:application_sign", Purpose.REGISTRATION),
    ("cases:application_upload", Purpose.REGISTRATION),
    ("cases:application_pdf", Purpose.EXPORT),
    ("cases:application_paper", Purpose.EXPORT),
]


@pytest.fixture
def with_paper(coordinator, referred):
    actions.do_upload_signed_application(
        coordinator,
        referred,
        paper=upload(),
        signed_on=timezone.localdate(),
        youth_name="Nora Hansen",
    )
    return referred


@pytest.mark.parametrize(("name", "purpose"), VIEWS)
def test_the_coordinator_of_the_team_opens_the_application_pages_and_the_read_is_logged(
    client, coordinator, with_paper, team, name, purpose
):
    client.force_login(coordinator)
    response = client.get(reverse(name, args=[with_paper.pk]))
    assert response.status_code == 200
    entry = AccessLog.objects.filter(person_id=with_paper.person_id, actor=coordinator).latest("id")
    assert (entry.purpose, entry.team) == (purpose, team)


@pytest.mark.parametrize(("name", "purpose"), VIEWS)
@pytest.mark.parametrize("persona", ["colleague", "outsider", "manager"])
def test_the_application_pages_are_not_found_for_anyone_else(
    client, request, with_paper, name, purpose, persona
):
    actor = request.getfixturevalue(persona)
    client.force_login(actor)
    assert client.get(reverse(name, args=[with_paper.pk])).status_code == 404
    assert not AccessLog.objects.filter(person_id=with_paper.person_id, actor=actor).exists()


@pytest.mark.parametrize("name", ["cases:application_sign", "cases:application_upload"])
@pytest.mark.parametrize("persona", ["colleague", "outsider", "manager"])
def test_others_cannot_sign(client, request, referred, name, persona):
    client.force_login(request.getfixturevalue(persona))
    data = {"youth_name": "Nora Hansen", "witnessed": "on", "signed_on": "2020-01-01"}
    assert client.post(reverse(name, args=[referred.pk]), data).status_code == 404
    assert not application_of(referred).is_signed


def test_the_paper_is_not_found_before_one_is_uploaded(client, coordinator, referred):
    client.force_login(coordinator)
    assert client.get(reverse("cases:application_paper", args=[referred.pk])).status_code == 404


# --- signing on screen -------------------------------------------------------------------


def test_signing_on_screen_records_the_name_time_witness_and_event_and_moves_to_assessment(
    client, coordinator, referred, today
):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:application_sign", args=[referred.pk]),
        {"youth_name": "  nora   hansen ", "witnessed": "on", "text_sha256": text_hash(referred)},
    )
    assert response.status_code == 302
    application = Application.objects.get(case=referred)
    assert application.method == Application.Method.ON_SCREEN
    assert application.youth_signed_name == "nora hansen"
    assert application.youth_signed_at is not None
    assert timezone.now() - application.youth_signed_at < datetime.timedelta(minutes=1)
    assert application.witnessed_by == coordinator
    event = signed_events(referred).get()
    assert event.effective_on == today
    assert event.recorded_by == coordinator
    referred.refresh_from_db()
    assert referred.state == CaseState.ASSESSMENT
    assert CaseEvent.objects.filter(
        case=referred, kind=EventKind.STATE_CHANGED, data__to=CaseState.ASSESSMENT
    ).exists()
    assert ChangeLog.objects.filter(action="application.signed", object_id=application.pk).exists()


def test_signing_needs_the_witness_to_confirm_being_present(client, coordinator, referred):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:application_sign", args=[referred.pk]), {"youth_name": "Nora Hansen"}
    )
    assert response.status_code == 200
    assert 'href="#id_witnessed"' in response.content.decode()
    assert not application_of(referred).is_signed


def test_a_typed_name_that_is_not_the_young_persons_is_refused(client, coordinator, referred):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:application_sign", args=[referred.pk]),
        {"youth_name": "Someone Else", "witnessed": "on", "text_sha256": text_hash(referred)},
    )
    assert response.status_code == 200
    assert "youth_name_error1" in response.content.decode()
    assert not signed_events(referred).exists()


def test_a_minor_needs_the_guardians_signature_too(client, coordinator, minor_case, today):
    client.force_login(coordinator)
    url = reverse("cases:application_sign", args=[minor_case.pk])
    assert 'name="guardian_name"' in client.get(url).content.decode()
    sha = text_hash(minor_case)
    client.post(url, {"youth_name": "Ida Berg", "witnessed": "on", "text_sha256": sha})
    application = application_of(minor_case)
    minor_case.refresh_from_db()
    assert application.is_signed
    assert not application_is_complete(application, minor_case.person)
    assert minor_case.state == CaseState.REFERRED
    assert not signed_events(minor_case).exists()

    client.post(url, {"guardian_name": "Mor Berg", "witnessed": "on", "text_sha256": sha})
    application = application_of(minor_case)
    minor_case.refresh_from_db()
    assert application.guardian_signed_name == "Mor Berg"
    assert application_is_complete(application, minor_case.person)
    assert minor_case.state == CaseState.ASSESSMENT
    assert signed_events(minor_case).get().effective_on == today


def test_posting_the_signature_twice_does_not_double_the_event(english, coordinator, referred):
    english.force_login(coordinator)
    url = reverse("cases:application_sign", args=[referred.pk])
    data = {
        "youth_name": "Nora Hansen",
        "witnessed": "on",
        "text_sha256": text_hash(referred, "en"),
    }
    english.post(url, data)
    first = application_of(referred).youth_signed_at
    response = english.post(url, data, follow=True)
    assert signed_events(referred).count() == 1
    assert application_of(referred).youth_signed_at == first
    assert "already signed the application" in response.content.decode()
    assert ChangeLog.objects.filter(action="application.signed").count() == 1


def test_signing_twice_through_the_action_is_refused(coordinator, referred):
    actions.do_sign_application(coordinator, referred, youth_name="Nora Hansen")
    with pytest.raises(actions.AlreadySigned):
        actions.do_sign_application(coordinator, referred, youth_name="Nora Hansen")
    assert signed_events(referred).count() == 1


def test_signing_a_case_that_had_no_application_row_creates_it(coordinator, case):
    assert application_of(case) is None
    actions.do_sign_application(coordinator, case, youth_name="Nora Hansen")
    assert application_of(case).is_signed
    assert signed_events(case).count() == 1


def test_signing_a_case_already_under_assessment_keeps_its_state(coordinator, referred):
    do_transition_case(coordinator, referred, CaseState.ASSESSMENT)
    actions.do_sign_application(coordinator, referred, youth_name="Nora Hansen")
    referred.refresh_from_db()
    assert referred.state == CaseState.ASSESSMENT
    assert signed_events(referred).count() == 1


# --- the signed paper --------------------------------------------------------------------


def test_a_signed_pdf_is_stored_under_losens_own_name_and_dated_by_the_signatures(
    client, coordinator, referred, today, media
):
    signed_on = today - datetime.timedelta(days=3)
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:application_upload", args=[referred.pk]),
        {
            "paper": upload("Nora Hansen application.pdf"),
            "signed_on": signed_on.isoformat(),
            "youth_name": "Nora Hansen",
        },
    )
    assert response.status_code == 302
    application = application_of(referred)
    assert application.method == Application.Method.PAPER
    assert application.paper.name.startswith("applications/")
    assert "Hansen" not in application.paper.name
    assert (media / application.paper.name).read_bytes() == PDF_BYTES
    assert timezone.localtime(application.youth_signed_at).date() == signed_on
    assert signed_events(referred).get().effective_on == signed_on
    referred.refresh_from_db()
    assert referred.state == CaseState.ASSESSMENT


def test_the_signed_paper_is_downloaded_only_through_the_checked_view(
    client, coordinator, with_paper
):
    client.force_login(coordinator)
    response = client.get(reverse("cases:application_paper", args=[with_paper.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    name = application_of(with_paper).paper.name
    assert client.get("/" + name).status_code == 404
    assert client.get("/media/" + name).status_code == 404


def test_an_exe_renamed_to_pdf_is_refused(client, coordinator, referred, media):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:application_upload", args=[referred.pk]),
        {
            "paper": upload("scan.pdf", EXE_BYTES),
            "signed_on": timezone.localdate().isoformat(),
            "youth_name": "Nora Hansen",
        },
    )
    assert response.status_code == 200
    assert "paper_error1" in response.content.decode()
    assert not application_of(referred).paper
    assert not application_of(referred).is_signed
    assert not signed_events(referred).exists()
    assert not media.exists() or not any(media.rglob("*.pdf"))


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("scan.exe", PDF_BYTES, "application/pdf"),
        ("scan.txt", b"just text", "text/plain"),
        ("scan.png", PDF_BYTES, "image/png"),
        ("scan.pdf", PDF_BYTES, "text/html"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(
    client, coordinator, referred, name, content, content_type
):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:application_upload", args=[referred.pk]),
        {
            "paper": upload(name, content, content_type),
            "signed_on": timezone.localdate().isoformat(),
            "youth_name": "Nora Hansen",
        },
    )
    assert response.status_code == 200
    assert not application_of(referred).paper


def test_a_png_photo_of_the_paper_is_accepted(client, coordinator, referred):
    client.force_login(coordinator)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    response = client.post(
        reverse("cases:application_upload", args=[referred.pk]),
        {
            "paper": upload("photo.PNG", png, "image/png"),
            "signed_on": timezone.localdate().isoformat(),
            "youth_name": "Nora Hansen",
        },
    )
    assert response.status_code == 302
    assert application_of(referred).paper.name.endswith(".png")


def test_a_file_over_ten_megabytes_is_refused(client, coordinator, referred):
    client.force_login(coordinator)
    big = PDF_BYTES + b"0" * (10 * 1024 * 1024)
    response = client.post(
        reverse("cases:application_upload", args=[referred.pk]),
        {
            "paper": upload("scan.pdf", big),
            "signed_on": timezone.localdate().isoformat(),
            "youth_name": "Nora Hansen",
        },
    )
    assert response.status_code == 200
    assert not application_of(referred).paper


def test_a_second_paper_is_refused(english, coordinator, minor_case):
    english.force_login(coordinator)
    url = reverse("cases:application_upload", args=[minor_case.pk])
    today = timezone.localdate().isoformat()
    english.post(url, {"paper": upload(), "signed_on": today, "youth_name": "Ida Berg"})
    first = application_of(minor_case).paper.name
    response = english.post(
        url, {"paper": upload(), "signed_on": today, "guardian_name": "Mor Berg"}, follow=True
    )
    application = application_of(minor_case)
    assert application.paper.name == first
    assert not application.guardian_signed_at
    assert "already uploaded" in response.content.decode()


# --- the printable form ------------------------------------------------------------------


def test_the_form_is_a_pdf_with_name_and_birth_date_but_never_the_identity_number(
    client, coordinator, referred, person_number
):
    client.force_login(coordinator)
    response = client.get(reverse("cases:application_pdf", args=[referred.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Nora Hansen" in text
    assert "17.05.2003" in text
    assert "Ungteam" in text
    assert person_number not in text.replace(" ", "")
    assert person_number[:6] not in text.replace(" ", "")


def test_the_form_html_never_holds_the_identity_number(referred, person_number):
    html = render_application_form(referred, "nb")
    assert person_number not in html
    assert person_number[:6] not in html
    assert "17.05.2003" in html


def test_the_form_has_a_guardians_signature_line_under_18_only(referred, minor_case):
    assert "signature (required under 18)" in render_application_form(minor_case, "en")
    assert "signature (required under 18)" not in render_application_form(referred, "en")


def test_the_form_is_norwegian_for_a_norwegian_organisation(referred):
    assert form_language(referred) == "nb"
    html = render_application_form(referred, form_language(referred))
    assert '<html lang="nb">' in html
    assert "Fødselsdato" in html


def test_the_form_is_swedish_for_a_swedish_organisation(referred, municipality):
    municipality.country = "SE"
    municipality.save(update_fields=["country"])
    referred.refresh_from_db()
    assert form_language(referred) == "sv"
    html = render_application_form(referred, form_language(referred))
    assert '<html lang="sv">' in html
    assert "Födelsedatum" in html
    assert "Fødselsdato" not in html


def test_the_form_can_be_asked_for_in_swedish(client, coordinator, referred):
    client.force_login(coordinator)
    response = client.get(reverse("cases:application_pdf", args=[referred.pk]), {"lang": "sv"})
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Födelsedatum" in text
    assert form_language(referred, "sv") == "sv"
    assert form_language(referred, "xx") == "nb"


def test_the_form_ticks_the_active_consents(coordinator, referred):
    before = render_application_form(referred, "nb")
    actions.do_give_consent(
        coordinator,
        referred,
        purpose=ConsentPurpose.TEAM_MEETING,
        recipient=ConsentRecipient.MEETING_MEMBERS,
        given_by="youth",
    )
    after = render_application_form(referred, "nb")
    assert before.count("☒") == 0
    assert after.count("☒") == 1
    assert after.count("☐") == before.count("☐") - 1


# --- the section on the case page --------------------------------------------------------


def test_the_intake_section_shows_the_referral_signature_and_consents(coordinator, referred):
    from django.utils import translation

    actions.do_sign_application(coordinator, referred, youth_name="Nora Hansen")
    actions.do_give_consent(
        coordinator,
        referred,
        purpose=ConsentPurpose.TEAM_MEETING,
        recipient=ConsentRecipient.NAV,
        given_by="youth",
    )
    with translation.override("en"):
        html = render_to_string("cases/_intake_section.html", {"case": referred})
    assert "Needs a start." in html
    assert "Signed (" in html
    assert "Discussion in the team meeting" in html
    assert reverse("cases:consents", args=[referred.pk]) in html


def test_the_application_page_of_a_minor_tells_that_the_guardian_must_sign(
    english, coordinator, minor_case
):
    english.force_login(coordinator)
    page = english.get(reverse("cases:application", args=[minor_case.pk])).content.decode()
    assert "required: the young person is under 18" in page
