"""Logging in with e-mail, lock-out after repeated failures, log-out, session expiry, reset."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_it_logs_in_with_email_and_password(client, coordinator):
    response = log_in(client, "Koordinator@Test.no", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("people:list")).status_code == 200


def test_it_refuses_a_wrong_password_with_a_message(client, coordinator):
    response = log_in(client, coordinator.email, "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get(reverse("people:list")).status_code == 302


def test_it_locks_the_account_after_repeated_failures(client, coordinator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, coordinator.email, "wrong")
    response = log_in(client, coordinator.email, PASSWORD)
    assert response.status_code == 429
    assert client.get(reverse("people:list")).status_code == 302
    assert reverse("password_reset") in response.content.decode()


def test_a_locked_account_does_not_lock_out_the_colleague(client, coordinator, colleague, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, coordinator.email, "wrong")
    assert log_in(client, colleague.email, PASSWORD).status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, coordinator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, coordinator.email, "wrong")
    assert log_in(client, coordinator.email, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, coordinator.email, "wrong")
    assert log_in(client, coordinator.email, PASSWORD).status_code == 302


def test_it_logs_out(client, coordinator):
    log_in(client, coordinator.email, PASSWORD)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("people:list")).status_code == 302


def test_the_session_expires_after_inactivity(client, coordinator, settings):
    log_in(client, coordinator.email, PASSWORD)
    assert client.get(reverse("people:list")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("people:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_every_request_pushes_the_expiry_forward(client, coordinator, settings):
    log_in(client, coordinator.email, PASSWORD)
    soon = timezone.now() + datetime.timedelta(seconds=60)
    Session.objects.update(expire_date=soon)
    client.get(reverse("people:list"))
    session = Session.objects.get()
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert session.expire_date > timezone.now() + idle - datetime.timedelta(seconds=30)


def test_it_resets_a_forgotten_password_by_email(client, coordinator):
    response = client.post(reverse("password_reset"), {"email": coordinator.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url,
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert response.status_code == 302
    assert log_in(client, coordinator.email, "a new long passphrase").status_code == 302


def test_it_says_the_same_for_an_unknown_address(client, coordinator):
    response = client.post(reverse("password_reset"), {"email": "nobody@test.no"})
    assert response.status_code == 302
    assert mail.outbox == []
