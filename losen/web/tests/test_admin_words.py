"""The administration speaks Norwegian and Swedish too: no label is left in English.

Every model in the administration (Losen's, Django's groups, django-axes' log-in records)
has its names, its fields' names and its choices marked for translation, and each of
them translated into nb and sv, by Losen's catalogues or by Django's. The pages
themselves are read as the superuser and as an organisation's administrator.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from losen.accounts.models import Language
from losen.web.tests.test_words import ENGLISH_WORDS, visible_text

pytestmark = pytest.mark.django_db

LANGUAGES = ("nb", "sv")
# Words that are the same in English, Norwegian and Swedish.
SAME = {
    *("Team", "team", "Status", "status", "Person", "person", "NAV", "Start", "start"),
    *("Organisation", "organisation", "Export", "Motivation", "Relation", "relation"),
    *("Administration", "Version", "version", "Journal", "Import", "SMS"),
}


def labels_of(model, model_admin) -> list[tuple[str, object]]:
    """(where, label) of every name the administration shows for the model."""
    opts = model._meta
    found = [
        (f"{opts.label} verbose_name", opts.verbose_name),
        (f"{opts.label} verbose_name_plural", opts.verbose_name_plural),
        (f"{opts.app_label} app", opts.app_config.verbose_name),
    ]
    for field in opts.get_fields():
        if not field.concrete or getattr(field, "primary_key", False):
            continue
        found.append((f"{opts.label}.{field.name}", field.verbose_name))
        for value, label in field.flatchoices:
            found.append((f"{opts.label}.{field.name} = {value!r}", label))
    for action in model_admin.actions or ():
        if callable(action):
            found.append((f"{opts.label} action {action.__name__}", action.short_description))
    return found


def untranslated(label: object, language: str) -> bool:
    if not isinstance(label, Promise):
        return True
    with translation.override("en"):
        english = str(label)
    with translation.override(language):
        local = str(label)
    return local == english and english not in SAME


def test_every_name_in_the_administration_is_translated():
    problems = [
        f"{language}: {where}: {label!s}"
        for model, model_admin in admin.site._registry.items()
        for where, label in labels_of(model, model_admin)
        for language in LANGUAGES
        if untranslated(label, language)
    ]
    assert not problems, "\n".join(problems)


@pytest.fixture
def superuser(make_user, municipality):
    from losen.accounts.models import User

    return User.objects.create_superuser("super@test.no", "x", full_name="Siri Super")


def admin_pages() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    return urls


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("who", ["superuser", "org_admin"])
def test_the_administration_pages_show_no_english(request, language, who, coordinator):
    user = request.getfixturevalue(who)
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    english = {}
    for url in admin_pages():
        response = client.get(url)
        if response.status_code != 200:
            continue
        assert response["Content-Language"] == language
        text = visible_text(response)
        # The user's own name and e-mail address are no English.
        text = re.sub(r"\S+@\S+", " ", text)
        for match in ENGLISH_WORDS.finditer(text):
            english.setdefault(url, text[max(match.start() - 60, 0) : match.end() + 60])
    assert not english, "\n".join(f"{url}: {' '.join(t.split())}" for url, t in english.items())


def test_an_organisation_administrator_sets_the_organisations_default_language(
    client, org_admin, municipality
):
    client.force_login(org_admin)
    url = reverse("admin:accounts_organisation_change", args=[municipality.pk])
    page = client.get(url)
    assert 'name="default_language"' in page.content.decode()
    data = {
        "name": municipality.name,
        "kind": municipality.kind,
        "country": municipality.country,
        "org_number": municipality.org_number,
        "default_language": Language.SWEDISH,
    }
    assert client.post(url, data).status_code == 302
    municipality.refresh_from_db()
    assert municipality.default_language == "sv"
