"""A form sent twice (a double click, a reload, two tabs of one page) is saved once."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from conftest import shown, synthetic_fnr
from losen.cases.models import Case, JournalNote, Referral
from losen.cases.tests.test_referrals import new_person_data, referral_data
from losen.people.models import Person
from losen.people.tests.test_register import form_data
from losen.submissions.models import Submission
from losen.submissions.once import SUBMISSION_FIELD

pytestmark = pytest.mark.django_db


def token_of(response) -> str:
    """The submission token of the (first) form on the page."""
    found = re.search(rf'name="{SUBMISSION_FIELD}" value="([0-9a-f-]+)"', response.content.decode())
    assert found, "the form has no submission token"
    return found.group(1)


def test_every_form_rendered_with_a_csrf_token_carries_a_new_submission_token(client, coordinator):
    client.force_login(coordinator)
    first = token_of(client.get(reverse("referrals:new")))
    second = token_of(client.get(reverse("referrals:new")))
    assert first != second
    assert uuid.UUID(first)


def test_the_referral_form_sent_twice_makes_one_person_one_case_and_one_referral(
    client, coordinator
):
    client.force_login(coordinator)
    data = {**new_person_data(), SUBMISSION_FIELD: token_of(client.get(reverse("referrals:new")))}
    first = client.post(reverse("referrals:new"), data)
    second = client.post(reverse("referrals:new"), data)
    assert Person.objects.count() == Case.objects.count() == Referral.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    page = client.get(second["Location"]).content.decode()
    assert shown("The form was sent twice; it is saved once.") in page


def test_the_referral_form_for_a_registered_person_sent_twice_makes_one_referral(
    client, coordinator, person
):
    client.force_login(coordinator)
    url = f"{reverse('referrals:new')}?person={person.pk}"
    data = {**referral_data(), SUBMISSION_FIELD: token_of(client.get(url))}
    for _ in range(4):
        client.post(url, data)
    assert Referral.objects.filter(person=person).count() == 1


def test_a_form_shown_again_with_its_errors_gives_its_token_back(client, coordinator):
    client.force_login(coordinator)
    token = token_of(client.get(reverse("people:new")))
    refused = client.post(
        reverse("people:new"), {**form_data(first_name=""), SUBMISSION_FIELD: token}
    )
    assert refused.status_code == 200
    assert not Submission.objects.exists()
    saved = client.post(reverse("people:new"), {**form_data(), SUBMISSION_FIELD: token})
    assert saved.status_code == 302
    client.post(reverse("people:new"), {**form_data(), SUBMISSION_FIELD: token})
    assert Person.objects.filter(last_name="Larsen").count() == 1


def test_two_forms_of_one_person_each_make_their_own_person(client, coordinator):
    client.force_login(coordinator)
    for first_name in ("Emma", "Ella"):
        token = token_of(client.get(reverse("people:new")))
        client.post(
            reverse("people:new"),
            {**form_data(first_name=first_name), SUBMISSION_FIELD: token},
        )
    assert Person.objects.filter(last_name="Larsen").count() == 2


def test_a_journal_note_sent_twice_through_htmx_is_written_once(client, coordinator, case):
    client.force_login(coordinator)
    url = reverse("cases:note_new", args=[case.pk])
    # The form opens on demand in the journal section.
    token = token_of(client.get(url, {"edit": "1"}, HTTP_HX_REQUEST="true"))
    data = {
        "journal-text": "Phoned; will come Thursday.",
        "journal-written_on": "2024-03-01",
        SUBMISSION_FIELD: token,
    }
    first = client.post(url, data, HTTP_HX_REQUEST="true")
    second = client.post(url, data, HTTP_HX_REQUEST="true")
    assert JournalNote.objects.filter(case=case).count() == 1
    assert first.status_code == 200
    assert second.status_code == 204  # the first answer stays on the page
    # The journal is shown read-only after the note; its form, opened again, has a new token.
    assert "<form" not in first.content.decode()
    assert token_of(client.get(url, {"edit": "1"}, HTTP_HX_REQUEST="true")) != token


def test_someone_else_cannot_use_a_token_to_see_where_the_first_post_went(
    client, coordinator, team_lead
):
    client.force_login(coordinator)
    data = {**new_person_data(), SUBMISSION_FIELD: token_of(client.get(reverse("referrals:new")))}
    client.post(reverse("referrals:new"), data)
    client.force_login(team_lead)
    second = client.post(reverse("referrals:new"), data)
    assert Referral.objects.count() == 1
    assert second["Location"] == "/"


def test_a_token_is_claimed_once_by_the_database(coordinator):
    token = uuid.uuid4()
    Submission.objects.create(token=token, user=coordinator, path="/referrals/new/")
    with pytest.raises(IntegrityError):
        Submission.objects.create(token=token, user=coordinator, path="/referrals/new/")


def test_a_post_without_a_token_is_served_as_before(client, coordinator):
    client.force_login(coordinator)
    number = synthetic_fnr(datetime.date(2001, 3, 9), 12)
    response = client.post(reverse("referrals:new"), new_person_data(identity_number=number))
    assert response.status_code == 302
    assert not Submission.objects.exists()


def test_a_users_tokens_are_forgotten_after_a_day(client, coordinator):
    old = Submission.objects.create(
        token=uuid.uuid4(),
        user=coordinator,
        path="/people/new/",
        submitted_at=timezone.now() - datetime.timedelta(days=1, minutes=1),
    )
    client.force_login(coordinator)
    token = token_of(client.get(reverse("people:new")))
    client.post(reverse("people:new"), {**form_data(), SUBMISSION_FIELD: token})
    assert list(Submission.objects.values_list("token", flat=True)) == [uuid.UUID(token)]
    assert old.token != uuid.UUID(token)
