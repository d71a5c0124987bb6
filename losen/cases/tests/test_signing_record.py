"""Signing on screen is a record: the text and scopes shown, who signed, when, the witness.

The signing page shows the text being signed (the same as the PDF prints) and every
consent scope; each signer ticks the scopes they consent to, and one action records the
signatures, the answers and the consents. The PDF of an application signed on screen
shows who signed, when, the witness and the consents given.
"""

from __future__ import annotations

import datetime
import html
import re
import subprocess
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from conftest import shown
from losen.audit.models import ChangeLog
from losen.cases.actions import intake as actions
from losen.cases.application_text import SIGNING_SCOPES, TEXT_VERSION, application_text
from losen.cases.models import (
    CaseEvent,
    Consent,
    ConsentPurpose,
    ConsentRecipient,
    EventKind,
    ScopeAnswer,
    Signature,
)
from losen.cases.queries.intake import application_of
from losen.cases.views.intake import render_application_form
from losen.lib.dates import add_months
from losen.people.actions import do_add_guardian
from losen.submissions.once import SUBMISSION_FIELD

pytestmark = pytest.mark.django_db

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
SIGNING_TIME = datetime.datetime(2026, 3, 10, 14, 25, tzinfo=OSLO)

FOLLOW_UP_NAV = (ConsentPurpose.FOLLOW_UP.value, ConsentRecipient.NAV.value)
MEETING_MEMBERS = (ConsentPurpose.TEAM_MEETING.value, ConsentRecipient.MEETING_MEMBERS.value)
SHARING_SCHOOL = (ConsentPurpose.INFORMATION_SHARING.value, ConsentRecipient.SCHOOL.value)


@pytest.fixture
def referred(coordinator, person, team):
    """A fresh referral's case for Nora Hansen (an adult) with its unsigned application."""
    return actions.do_register_referral(
        coordinator, team=team, person=person, source="nav", reason="Needs a start."
    ).referral.case


@pytest.fixture
def minor_case(register, coordinator, team):
    """Ida Berg, 16, with her mother as guardian."""
    today = timezone.localdate()
    born = today.replace(year=today.year - 16, day=min(today.day, 28))
    young = register(first_name="Ida", last_name="Berg", birth_date=born)
    do_add_guardian(coordinator, young, name="Mor Berg", relation="mother", phone="+4790000001")
    return actions.do_register_referral(
        coordinator, team=team, person=young, source="school", reason="Absent."
    ).referral.case


def sign_url(case) -> str:
    return reverse("cases:application_sign", args=[case.pk])


def tick(signer: str, *scopes: tuple[str, str]) -> dict[str, str]:
    return {f"{signer}__{purpose}__{recipient}": "on" for purpose, recipient in scopes}


def signing(case, language="nb", **fields) -> dict[str, str]:
    return {"witnessed": "on", "text_sha256": application_text(case, language).sha256, **fields}


def token_of(response) -> str:
    found = re.search(rf'name="{SUBMISSION_FIELD}" value="([0-9a-f-]+)"', response.content.decode())
    assert found, "the form has no submission token"
    return found.group(1)


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def active_scopes(case) -> set[tuple[str, str]]:
    return set(
        Consent.objects.filter(case=case, withdrawn_at__isnull=True).values_list(
            "purpose", "recipient"
        )
    )


# --- the page shows what is signed -------------------------------------------------------


def test_the_signing_page_shows_the_text_that_the_pdf_prints_and_every_scope_explained(
    client, coordinator, referred
):
    client.force_login(coordinator)
    page = html.unescape(client.get(sign_url(referred)).content.decode())
    text = application_text(referred, "nb")
    pdf_html = html.unescape(render_application_form(referred, "nb"))
    for line in (text.declaration, text.consent_intro, text.not_given):
        assert line in page
        assert line in pdf_html
    assert "Ungteam" in text.declaration
    for purpose in text.purposes:
        assert purpose.label in page
        assert purpose.explanation in page
        assert purpose.explanation in pdf_html
    assert f'value="{text.sha256}"' in page


def test_an_adult_gets_one_tick_box_per_scope_and_no_guardian_column(client, coordinator, referred):
    client.force_login(coordinator)
    page = client.get(sign_url(referred)).content.decode()
    assert page.count('type="checkbox" name="youth__') == len(SIGNING_SCOPES)
    assert 'name="guardian__' not in page
    assert 'name="guardian_name"' not in page


def test_under_18_by_the_stored_birth_date_the_guardian_ticks_each_scope_too(
    client, coordinator, minor_case
):
    client.force_login(coordinator)
    page = client.get(sign_url(minor_case)).content.decode()
    assert page.count('type="checkbox" name="youth__') == len(SIGNING_SCOPES)
    assert page.count('type="checkbox" name="guardian__') == len(SIGNING_SCOPES)
    assert shown("The guardian") in page


def test_on_the_18th_birthday_the_young_person_signs_alone(client, coordinator, register, team):
    today = timezone.localdate()
    born = add_months(today, -18 * 12)
    adult = register(first_name="Eli", last_name="Dahl", birth_date=born)
    case = actions.do_register_referral(
        coordinator, team=team, person=adult, source="nav", reason="Needs a start."
    ).referral.case
    client.force_login(coordinator)
    page = client.get(sign_url(case)).content.decode()
    assert 'name="guardian__' not in page


# --- one action records the signature and the consents -----------------------------------


def test_signing_records_the_signature_the_answers_and_the_consents_in_one_post(
    client, coordinator, referred
):
    client.force_login(coordinator)
    with time_machine.travel(SIGNING_TIME, tick=False):
        response = client.post(
            sign_url(referred),
            signing(
                referred,
                youth_name="Nora Hansen",
                **tick("youth", FOLLOW_UP_NAV, MEETING_MEMBERS),
            ),
        )
    assert response.status_code == 302
    signature = Signature.objects.get(application__case=referred)
    assert (signature.signer, signature.name) == ("youth", "Nora Hansen")
    assert signature.signed_at == SIGNING_TIME
    assert signature.witnessed_by == coordinator
    text = application_text(referred, "nb")
    assert (signature.text_version, signature.text_language) == (TEXT_VERSION, "nb")
    assert signature.text_sha256 == text.sha256
    answers = {(a.purpose, a.recipient): a.given for a in signature.answers.all()}
    assert set(answers) == set(SIGNING_SCOPES)
    assert {scope for scope, given in answers.items() if given} == {FOLLOW_UP_NAV, MEETING_MEMBERS}

    consents = Consent.objects.filter(case=referred)
    assert {(c.purpose, c.recipient) for c in consents} == {FOLLOW_UP_NAV, MEETING_MEMBERS}
    for consent in consents:
        assert consent.given_by == Consent.GivenBy.YOUTH
        assert consent.given_on == SIGNING_TIME.date()
        assert consent.signature == signature
        assert consent.recorded_by == coordinator
    events = CaseEvent.objects.filter(case=referred, kind=EventKind.CONSENT_GIVEN)
    assert sorted(e.data["signature_id"] for e in events) == [signature.pk, signature.pk]
    assert CaseEvent.objects.filter(case=referred, kind=EventKind.APPLICATION_SIGNED).count() == 1
    assert ChangeLog.objects.filter(
        action="application.signature_recorded", object_id=signature.pk
    ).exists()


def test_a_scope_not_ticked_is_recorded_as_not_given_and_no_consent_is_made(
    client, coordinator, referred
):
    client.force_login(coordinator)
    client.post(sign_url(referred), signing(referred, youth_name="Nora Hansen"))
    assert application_of(referred).is_signed
    assert not ScopeAnswer.objects.filter(signature__application__case=referred, given=True)
    assert ScopeAnswer.objects.filter(given=False).count() == len(SIGNING_SCOPES)
    assert not Consent.objects.filter(case=referred).exists()


def test_a_minors_scope_is_given_by_the_guardian_when_both_have_ticked_it(
    client, coordinator, minor_case
):
    client.force_login(coordinator)
    client.post(
        sign_url(minor_case),
        signing(minor_case, youth_name="Ida Berg", **tick("youth", FOLLOW_UP_NAV, SHARING_SCHOOL)),
    )
    assert not Consent.objects.filter(case=minor_case).exists()  # the guardian has not signed

    page = client.get(sign_url(minor_case)).content.decode()
    assert 'name="youth__' not in page
    assert page.count('name="guardian__') == len(SIGNING_SCOPES)
    client.post(
        sign_url(minor_case),
        signing(
            minor_case,
            guardian_name="Mor Berg",
            **tick("guardian", FOLLOW_UP_NAV, MEETING_MEMBERS),
        ),
    )
    consent = Consent.objects.get(case=minor_case)
    assert (consent.purpose, consent.recipient) == FOLLOW_UP_NAV
    assert consent.given_by == Consent.GivenBy.GUARDIAN
    assert consent.signature.signer == "guardian"
    assert Signature.objects.filter(application__case=minor_case).count() == 2


def test_a_minor_and_the_guardian_can_sign_together_in_one_post(client, coordinator, minor_case):
    client.force_login(coordinator)
    client.post(
        sign_url(minor_case),
        signing(
            minor_case,
            youth_name="Ida Berg",
            guardian_name="Mor Berg",
            **tick("youth", MEETING_MEMBERS),
            **tick("guardian", MEETING_MEMBERS),
        ),
    )
    assert active_scopes(minor_case) == {MEETING_MEMBERS}
    assert Consent.objects.get(case=minor_case).given_by == Consent.GivenBy.GUARDIAN


def test_ticks_for_a_signer_who_does_not_sign_are_refused_and_nothing_is_lost(
    client, coordinator, minor_case
):
    client.force_login(coordinator)
    response = client.post(
        sign_url(minor_case),
        signing(
            minor_case,
            youth_name="Ida Berg",
            **tick("youth", MEETING_MEMBERS),
            **tick("guardian", MEETING_MEMBERS),
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "guardian_name_error1" in page
    assert (
        shown(
            "The ticks for %(signer)s count only when %(signer)s signs: type the name, or "
            "remove the ticks.",
            signer=shown("the guardian"),
        )
        in page
    )
    assert 'value="Ida Berg"' in page
    assert re.search(r'name="youth__team_meeting__meeting_members"[^>]*checked', page)
    assert not application_of(minor_case).is_signed
    assert not Signature.objects.exists()


def test_a_scope_already_consented_to_is_not_recorded_twice(coordinator, referred):
    actions.do_give_consent(
        coordinator,
        referred,
        purpose=ConsentPurpose.TEAM_MEETING,
        recipient=ConsentRecipient.MEETING_MEMBERS,
        given_by="youth",
    )
    actions.do_sign_application(
        coordinator, referred, youth_name="Nora Hansen", youth_scopes=[MEETING_MEMBERS]
    )
    assert Consent.objects.filter(case=referred).count() == 1


def test_a_consent_withdrawn_after_signing_is_not_given_again_by_a_later_signature(
    coordinator, referred
):
    actions.do_sign_application(
        coordinator, referred, youth_name="Nora Hansen", youth_scopes=[FOLLOW_UP_NAV]
    )
    actions.do_withdraw_consent(coordinator, Consent.objects.get(case=referred))
    actions.do_sign_application(
        coordinator, referred, guardian_name="Far Hansen", guardian_scopes=[FOLLOW_UP_NAV]
    )
    assert active_scopes(referred) == set()
    assert Consent.objects.filter(case=referred).count() == 1


# --- twice, and racing -------------------------------------------------------------------


def test_the_form_posted_twice_makes_one_signature_and_one_set_of_consents(
    client, coordinator, referred
):
    client.force_login(coordinator)
    data = {
        **signing(referred, youth_name="Nora Hansen", **tick("youth", FOLLOW_UP_NAV)),
        SUBMISSION_FIELD: token_of(client.get(sign_url(referred))),
    }
    first = client.post(sign_url(referred), data)
    second = client.post(sign_url(referred), data)
    assert first.status_code == second.status_code == 302
    assert Signature.objects.count() == 1
    assert Consent.objects.count() == 1
    assert CaseEvent.objects.filter(kind=EventKind.APPLICATION_SIGNED).count() == 1


def test_a_second_worker_signing_from_a_page_opened_before_is_refused(
    client, coordinator, team_lead, referred
):
    client.force_login(team_lead)
    client.get(sign_url(referred))  # the team lead's page is open, unsigned
    actions.do_sign_application(
        coordinator, referred, youth_name="Nora Hansen", youth_scopes=[FOLLOW_UP_NAV]
    )
    response = client.post(
        sign_url(referred),
        signing(referred, youth_name="Nora Hansen", **tick("youth", MEETING_MEMBERS)),
        follow=True,
    )
    assert "Nora Hansen" in response.content.decode()
    signature = Signature.objects.get()
    assert signature.witnessed_by == coordinator
    assert active_scopes(referred) == {FOLLOW_UP_NAV}


def test_a_page_opened_before_the_text_changed_cannot_be_signed(
    client, coordinator, referred, team
):
    client.force_login(coordinator)
    data = signing(referred, youth_name="Nora Hansen", **tick("youth", FOLLOW_UP_NAV))
    team.name = "Ungteamet Sentrum"
    team.save(update_fields=["name"])
    response = client.post(sign_url(referred), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        shown(
            "The text to be signed has changed since the page was opened. Read the text below "
            "with the signer again, and sign once more. Nothing was saved."
        )
        in page
    )
    assert "Ungteamet Sentrum" in page
    assert 'value="Nora Hansen"' in page
    referred.refresh_from_db()
    assert f'value="{application_text(referred, "nb").sha256}"' in page
    assert not application_of(referred).is_signed
    assert not Signature.objects.exists()
    assert not Consent.objects.exists()


def test_the_action_refuses_a_changed_text_and_records_nothing(coordinator, referred):
    with pytest.raises(actions.TextChanged):
        actions.do_sign_application(
            coordinator, referred, youth_name="Nora Hansen", text_sha256="0" * 64
        )
    assert not application_of(referred).is_signed


def test_the_text_is_signed_in_the_language_of_the_page(client, coordinator, referred):
    client.cookies["django_language"] = "sv"
    client.force_login(coordinator)
    page = html.unescape(client.get(sign_url(referred)).content.decode())
    assert application_text(referred, "sv").declaration in page
    client.post(sign_url(referred), signing(referred, "sv", youth_name="Nora Hansen"))
    signature = Signature.objects.get()
    assert signature.text_language == "sv"
    assert signature.text_sha256 == application_text(referred, "sv").sha256
    assert signature.text_sha256 != application_text(referred, "nb").sha256


# --- the record: the application page and the PDF ----------------------------------------


@pytest.fixture
def signed_minor(coordinator, minor_case):
    with time_machine.travel(SIGNING_TIME, tick=False):
        actions.do_sign_application(
            coordinator,
            minor_case,
            youth_name="Ida Berg",
            guardian_name="Mor Berg",
            youth_scopes=[MEETING_MEMBERS, FOLLOW_UP_NAV],
            guardian_scopes=[MEETING_MEMBERS],
        )
    return minor_case


def test_the_application_page_shows_each_signature_with_its_witness_text_and_answers(
    client, coordinator, signed_minor
):
    client.force_login(coordinator)
    page = client.get(reverse("cases:application", args=[signed_minor.pk])).content.decode()
    record = page[page.index('id="signature-record"') :]
    assert "Ida Berg" in record and "Mor Berg" in record
    assert "10.03.2026 14:25" in record
    assert coordinator.get_full_name() in record
    sha = Signature.objects.filter(application__case=signed_minor).first().text_sha256
    assert sha in record
    assert shown("Consents to") in record
    assert shown("Not given") in record


def test_the_consents_page_tells_which_consents_were_given_at_signing(
    client, coordinator, signed_minor
):
    client.force_login(coordinator)
    page = client.get(reverse("cases:consents", args=[signed_minor.pk])).content.decode()
    assert page.count(shown("at signing on screen")) == 1


def test_the_pdf_of_an_application_signed_on_screen_shows_who_when_the_witness_and_the_scopes(
    client, coordinator, signed_minor
):
    client.force_login(coordinator)
    response = client.get(reverse("cases:application_pdf", args=[signed_minor.pk]))
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Ida Berg" in text and "Mor Berg" in text
    assert "10.03.2026 14:25" in text
    assert coordinator.get_full_name() in text
    assert shown("Witness") in text
    assert shown("Consents given at signing") in text
    assert "Drøfting i teammøtet" in text or shown("Discussion in the team meeting") in text
    assert "gitt av den foresatte 10.03.2026" in text
    assert shown("Name in block letters") not in text  # no empty lines to sign on
    sha = Signature.objects.filter(application__case=signed_minor).first().text_sha256
    assert sha[:16] in text.replace(" ", "")


def test_the_pdf_of_a_signed_application_is_in_the_language_it_was_signed_in(
    coordinator, referred, client
):
    actions.do_sign_application(
        coordinator, referred, youth_name="Nora Hansen", language="sv", youth_scopes=[FOLLOW_UP_NAV]
    )
    client.force_login(coordinator)
    text = pdf_text(client.get(reverse("cases:application_pdf", args=[referred.pk])).content)
    assert "Samtycken som lämnades vid underskriften" in text
    assert "lämnat av ungdomen" in text
    assert "texten ovan" in text  # the printed text is the one signed


def test_a_withdrawn_consent_given_at_signing_is_marked_withdrawn_in_the_pdf(
    coordinator, signed_minor
):
    consent = Consent.objects.get(case=signed_minor)
    actions.do_withdraw_consent(coordinator, consent)
    html_text = render_application_form(signed_minor, "en")
    assert "withdrawn " in html_text
    assert html_text.count("☒") == 0


def test_the_pdf_of_a_minors_application_awaiting_the_guardian_lists_no_consents_yet(
    coordinator, minor_case
):
    actions.do_sign_application(
        coordinator, minor_case, youth_name="Ida Berg", youth_scopes=[MEETING_MEMBERS]
    )
    html_text = render_application_form(minor_case, "en")
    assert 'id="signing-record"' in html_text
    assert "Ida Berg" in html_text
    assert "Not signed (required: the young person is under 18)" in html_text
    assert "Consents given at signing" not in html_text
    assert "No consent was given at signing." not in html_text


def test_the_pdf_of_an_unsigned_application_keeps_the_lines_to_sign_on(referred):
    html_text = render_application_form(referred, "nb")
    assert shown("Name in block letters") in html_text
    assert 'id="signing-record"' not in html_text
