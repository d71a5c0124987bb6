"""The interface language is the user's setting, then their organisation's, then the browser's."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from losen.accounts.models import Language
from losen.audit.models import ChangeLog
from losen.jobs import runner
from losen.jobs.models import Job
from losen.jobs.registry import job_kind

pytestmark = pytest.mark.django_db

NORWEGIAN_BROWSER = "nb-NO,nb;q=0.9"


@job_kind("test_language_crashes")
def _crashes(job: Job) -> None:
    raise RuntimeError("boom")


def lang_of(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def page(client, user, url=None):
    client.force_login(user)
    return client.get(url or reverse("account_settings"), HTTP_ACCEPT_LANGUAGE=NORWEGIAN_BROWSER)


def test_a_user_without_a_setting_gets_the_browsers_language(client, coordinator):
    response = page(client, coordinator)
    assert lang_of(response) == "nb"
    assert response["Content-Language"] == "nb"


def test_the_users_own_setting_wins_over_the_browser(client, coordinator):
    coordinator.language = Language.SWEDISH
    coordinator.save(update_fields=["language"])
    response = page(client, coordinator)
    assert lang_of(response) == "sv"
    assert response["Content-Language"] == "sv"
    assert "Mina inställningar" in response.content.decode()


def test_the_organisations_default_applies_to_a_user_without_a_setting(
    client, coordinator, municipality
):
    municipality.default_language = Language.SWEDISH
    municipality.save(update_fields=["default_language"])
    response = page(client, coordinator)
    assert lang_of(response) == "sv"
    assert "Organisationens standard (Svenska)" in response.content.decode()


def test_the_users_setting_wins_over_the_organisations_default(client, coordinator, municipality):
    municipality.default_language = Language.SWEDISH
    municipality.save(update_fields=["default_language"])
    coordinator.language = Language.ENGLISH
    coordinator.save(update_fields=["language"])
    assert lang_of(page(client, coordinator)) == "en"


def test_the_language_switch_cookie_does_not_beat_the_users_setting(client, coordinator):
    coordinator.language = Language.SWEDISH
    coordinator.save(update_fields=["language"])
    client.cookies["django_language"] = "en"
    assert lang_of(page(client, coordinator)) == "sv"


def test_an_anonymous_visitor_gets_the_browsers_language_on_the_login_page(
    client, coordinator, municipality
):
    municipality.default_language = Language.SWEDISH
    municipality.save(update_fields=["default_language"])
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=NORWEGIAN_BROWSER)
    assert lang_of(response) == "nb"


def test_a_user_chooses_their_language_on_the_settings_page(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("account_settings"), {"language": "sv"}, HTTP_ACCEPT_LANGUAGE=NORWEGIAN_BROWSER
    )
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.language == "sv"
    after = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=NORWEGIAN_BROWSER)
    assert lang_of(after) == "sv"
    assert "Dina inställningar är sparade." in after.content.decode()
    log = ChangeLog.objects.get(action="user.updated")
    assert log.changed_fields == ["language"]
    # The login page after logging out speaks it too.
    client.post(reverse("logout"))
    assert lang_of(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=NORWEGIAN_BROWSER)) == "sv"


def test_saving_the_settings_unchanged_logs_nothing(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("account_settings"), {"language": ""})
    assert response.status_code == 302
    assert not ChangeLog.objects.exists()


def test_an_unknown_language_is_refused_with_a_message_and_changes_nothing(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("account_settings"), {"language": "xx"}, HTTP_ACCEPT_LANGUAGE=NORWEGIAN_BROWSER
    )
    assert response.status_code == 200
    assert "Velg et gyldig valg" in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.language == ""


def test_the_header_switch_saves_a_logged_in_users_language(client, coordinator):
    coordinator.language = Language.SWEDISH
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)
    response = client.post(reverse("set_language"), {"language": "nb", "next": "/"})
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.language == "nb"
    assert lang_of(page(client, coordinator)) == "nb"


def test_the_settings_page_is_linked_from_the_header(client, coordinator):
    response = page(client, coordinator, reverse("people:list"))
    assert f'href="{reverse("account_settings")}"' in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in_from_the_settings_page(client):
    response = client.get(reverse("account_settings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_password_reset_email_is_in_the_users_language(client, coordinator, municipality):
    municipality.default_language = Language.SWEDISH
    municipality.save(update_fields=["default_language"])
    client.post(
        reverse("password_reset"),
        {"email": coordinator.email},
        HTTP_ACCEPT_LANGUAGE=NORWEGIAN_BROWSER,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Nytt lösenord för Losen"


def test_a_job_speaks_its_owners_language_whatever_language_is_active(coordinator):
    coordinator.language = Language.SWEDISH
    coordinator.save(update_fields=["language"])
    with translation.override("nb"):
        job = runner.start_job(coordinator, "test_language_crashes", title="Krasch")
    assert job.language == "sv"
    with translation.override("sv"):
        expected = translation.gettext(
            "The job stopped because of an error. Try again; if it happens again, "
            "tell your administrator."
        )
    assert job.error == expected
