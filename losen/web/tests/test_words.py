"""Every page speaks Norwegian or Swedish: no raw codes, no English, no system names.

The pages of the URL sweep (every page with an id, filled with one team's objects, and
every page without one) are opened in nb and in sv by the team's own coordinator, team
lead or administrator, and their visible text is read for

- the stored value of a choice shown instead of its label (`unknown`, `dropped_out`):
  every value of every choice field of Losen's models that is not its own label;
- a system account's stored name shown as it is (`(Listeimport)`);
- English: words that are neither Norwegian nor Swedish (`the`, `with`, `your`, ...).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import translation

import losen
from losen.accounts.models import User
from losen.audit.actors import SYSTEM_USERS
from losen.outreach import statuses
from losen.web.tests.sweep_world import World
from losen.web.tests.test_url_sweep import (
    FILES,
    HOME_USERS,
    LIST_URLS,
    OBJECT_URLS,
    home_key,
    list_url,
    url_of,
    world,  # noqa: F401 (the fixture)
)

pytestmark = pytest.mark.django_db

LANGUAGES = ("nb", "sv")
# Words no Norwegian or Swedish sentence has (lower case: "Are" is a Norwegian name).
ENGLISH = ("the", "of", "with", "your", "you", "this", "which", "been", "please", "and")
ENGLISH_WORDS = re.compile(r"(?<![\w-])(" + "|".join(ENGLISH) + r")(?![\w-])")


def choice_codes() -> dict[str, str]:
    """Each stored choice value that is not a word of its own, and where it is from.

    Official codes written in capitals (OTUK, NAV) are shown as they are, with their
    label; two-letter language and country codes never stand alone in a page.
    """
    codes = {}
    for model in apps.get_models():
        if not model.__module__.startswith("losen."):
            continue
        for field in model._meta.concrete_fields:
            for value, label in field.flatchoices:
                value = str(value)
                with translation.override("en"):
                    english = str(label)
                if len(value) <= 2 or value.isupper() or value == english:
                    continue
                codes[value] = f"{model._meta.label}.{field.name}"
    # The statuses of a person on a target list are code lists of their own.
    for status in statuses.KAA_STATUSES + statuses.OT_STATUSES:
        if not status.code.isupper() and status.code != "Feil":
            codes[status.code] = "outreach.statuses"
    return codes


def words_of(language: str) -> set[str]:
    """The words of the language's catalogue: a code that is one of them reads as a word."""
    path = Path(losen.__file__).parent / "locale" / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as f:
        catalogue = read_po(f, locale=language)
    words = set()
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            words.update(re.findall(r"[\w-]+", string or ""))
    return words


CODES = choice_codes()


def code_words(language: str) -> re.Pattern:
    codes = sorted(set(CODES) - words_of(language), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, codes)) + r")(?![\w-])")


SYSTEM_NAMES = [name for name, _label in SYSTEM_USERS.values()]


def visible_text(response) -> str:
    """What a reader sees: the page without its tags, scripts and attribute values."""
    text = response.content.decode()
    # A <code> is a value as a file or another system writes it (the import formats).
    text = re.sub(r"<(script|style|code)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(text)


def context(text: str, match: re.Match) -> str:
    start = max(match.start() - 60, 0)
    return " ".join(text[start : match.end() + 60].split())


def pages() -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(name, how to make its URL, who of the home team may open it)."""
    for name, _keywords in OBJECT_URLS:
        yield name, "object", HOME_USERS[home_key(name)]
    for name in LIST_URLS:
        yield name, "list", (*HOME_USERS["ungteam"], *HOME_USERS["kaa"])
    # A Swedish person's page too: the KAA statuses are words, not codes.
    yield "outreach:entry", "kaa", HOME_USERS["kaa"]


PAGES = list(pages())


def read_pages(home: World, language: str) -> dict[str, str]:
    """Each page's visible text, as the first of its home users who may open it sees it."""
    emails = {email for _name, _kind, users in PAGES for email in users}
    User.objects.filter(email__in=emails).update(language=language)
    clients = {}
    for email in emails:
        clients[email] = Client()
        clients[email].force_login(home.users[email])
    texts = {}
    for name, kind, users in PAGES:
        if kind == "kaa":
            url = reverse(name, kwargs={"entry_id": home.kaa.ids["entry_id"]})
        else:
            url = url_of(home, name) if kind == "object" else list_url(name)
        if url.endswith(FILES):
            continue
        for email in users:
            response = clients[email].get(url)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                assert response["Content-Language"] == language, url
                texts[url] = visible_text(response)
                break
    return texts


@pytest.fixture(scope="module")
def texts(world, django_db_blocker) -> dict[str, dict[str, str]]:  # noqa: F811
    with django_db_blocker.unblock():
        return {language: read_pages(world, language) for language in LANGUAGES}


def test_the_pages_are_read_in_both_languages(texts):
    for language in LANGUAGES:
        assert len(texts[language]) > 60, language


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_a_stored_code_for_its_label(texts, language):
    shown = {
        f"{url}: {match.group(1)!r} ({CODES[match.group(1)]}) in …{context(text, match)}…"
        for url, text in texts[language].items()
        for match in code_words(language).finditer(text)
    }
    assert not shown, "\n".join(sorted(shown))


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_a_system_accounts_stored_name(texts, language):
    shown = [
        f"{url}: {name!r}"
        for url, text in texts[language].items()
        for name in SYSTEM_NAMES
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
    ]
    assert not shown, "\n".join(shown)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_english(texts, language):
    shown = {}
    for url, text in texts[language].items():
        for match in ENGLISH_WORDS.finditer(text):
            shown.setdefault(url, context(text, match))
    assert not shown, "\n".join(f"{url}: …{context}…" for url, context in shown.items())
