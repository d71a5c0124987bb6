"""OTUK stays until contact with the young person (Udir, Kodeverk for oppfølgingstjenesten):
an unanswered letter or SMS is not contact, and a guardian's answer counts only when the
worker marks it so."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from losen.outreach import statuses
from losen.outreach.actions.ladder import current_status, do_log_attempt
from losen.outreach.counts import status_counts
from losen.outreach.forms.ladder import AttemptForm
from losen.outreach.models import ContactAttempt, StatusChange, TargetEntry


@pytest.fixture
def entry(import_list, fnr):
    born = datetime.date(timezone.localdate().year - 16, 2, 2)  # 16: a guardian is asked too
    import_list(
        [{"identity_number": fnr(born, 8), "first_name": "Ida", "last_name": "Lie"}],
        received_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    return TargetEntry.objects.get()


def status_codes(entry) -> list[str]:
    return list(
        StatusChange.objects.filter(entry=entry).order_by("id").values_list("code", flat=True)
    )


def test_after_a_guardians_answer_the_status_stays_otuk(entry, coordinator):
    do_log_attempt(coordinator, entry, method="phone", result="reached", to_guardian=True)
    assert status_codes(entry) == ["OTUK"]
    assert current_status(entry) == "OTUK"


def test_a_guardians_answer_moves_otuk_to_otov_when_the_worker_marks_it_as_contact(
    entry, coordinator
):
    do_log_attempt(
        coordinator,
        entry,
        method="phone",
        result="reached",
        to_guardian=True,
        guardian_answer_counts=True,
    )
    assert status_codes(entry) == ["OTUK", "OTOV"]
    assert ContactAttempt.objects.get().guardian_answer_counts is True


def test_a_guardians_refusal_does_not_make_the_young_person_otno(entry, coordinator):
    do_log_attempt(coordinator, entry, method="phone", result="declined", to_guardian=True)
    assert status_codes(entry) == ["OTUK"]


def test_a_guardians_answer_does_not_count_when_the_attempt_was_not_to_a_guardian(
    entry, coordinator
):
    do_log_attempt(
        coordinator, entry, method="phone", result="no_answer", guardian_answer_counts=True
    )
    assert ContactAttempt.objects.get().guardian_answer_counts is False


@pytest.mark.parametrize("method", ["letter", "sms"])
def test_a_letter_or_sms_that_reached_the_young_person_leaves_otuk(entry, coordinator, method):
    do_log_attempt(coordinator, entry, method=method, result="reached")
    entry.refresh_from_db()
    assert status_codes(entry) == ["OTUK"]
    assert entry.reached_on is None  # the ladder goes on: no answer yet


def test_an_sms_left_without_an_answer_leaves_otuk(entry, coordinator):
    do_log_attempt(coordinator, entry, method="sms", result="message_left")
    assert status_codes(entry) == ["OTUK"]


@pytest.mark.parametrize("method", ["letter", "sms"])
def test_an_answer_to_a_letter_or_sms_is_contact_and_moves_otuk_to_otov(entry, coordinator, method):
    do_log_attempt(coordinator, entry, method=method, result="answered")
    entry.refresh_from_db()
    assert status_codes(entry) == ["OTUK", "OTOV"]
    assert entry.reached_on == timezone.localdate()


def test_the_attempt_form_does_not_count_a_guardians_answer_by_default():
    form = AttemptForm({"method": "phone", "result": "reached", "to_guardian": "on"})
    assert form.is_valid()
    assert form.cleaned_data["guardian_answer_counts"] is False


def test_the_worker_marks_a_guardians_answer_as_contact_on_the_page(client, coordinator, entry):
    client.force_login(coordinator)
    page = client.get(reverse("outreach:entry", args=[entry.pk])).content.decode()
    assert 'name="guardian_answer_counts"' in page
    client.post(
        reverse("outreach:attempt", args=[entry.pk]),
        {
            "method": "phone",
            "result": "reached",
            "to_guardian": "on",
            "guardian_answer_counts": "on",
        },
    )
    assert status_codes(entry) == ["OTUK", "OTOV"]


def test_a_guardians_answer_logged_on_the_page_without_the_mark_leaves_otuk(
    client, coordinator, entry
):
    client.force_login(coordinator)
    client.post(
        reverse("outreach:attempt", args=[entry.pk]),
        {"method": "phone", "result": "reached", "to_guardian": "on"},
    )
    assert status_codes(entry) == ["OTUK"]


def test_a_registration_by_mistake_is_written_feil_as_udir_writes_it():
    assert "Feil" in statuses.codes("ot")
    assert "FEIL" not in statuses.codes("ot")


def test_a_status_once_recorded_as_feil_in_capitals_still_reads():
    assert statuses.get("ot", "FEIL") == statuses.get("ot", "Feil")


def test_a_count_reads_a_status_recorded_as_feil_in_capitals_as_feil(
    entry, coordinator, municipality
):
    StatusChange.objects.create(
        organisation_id=entry.organisation_id,
        entry=entry,
        scheme="ot",
        code="FEIL",
        code_list_version="2021.04",
        effective_on=timezone.localdate(),
        recorded_by=coordinator,
    )
    assert status_counts(municipality.pk, "ot", timezone.localdate()) == {"Feil": 1}
