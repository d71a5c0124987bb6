"""Every URL that names an object, tried by everyone who must not reach it: zero leaks.

The sweep walks Django's URL resolver, fills each pattern's keywords with the ids of one
team's objects (Ungteam of Demo kommune; KAA-teamet of Demo kommun for the KAA register),
and asks as the seven personas who must not reach them, and two more: a coordinator of
another organisation, a coordinator and the team lead of the other team, a volunteer in
the very team, the municipality's manager, a NAV adviser, a provider's coordinator, a
provider's guest at the team's meeting and another organisation's administrator (the
municipality's own administrator sees its people by the rule in losen/people/queries.py).
Each GETs the page and POSTs to it with a valid CSRF token.
Nothing may answer but 404 (403 to someone of the same organisation whose role keeps them
out, 405 for a method the URL does not take), nothing may change, no access-log row may
claim a read, and no response may carry a young person's name or identity number.

A few URLs are the organisation's, not a young person's (a measure and its sessions, a
grant report, a comparison): `ALLOWED` lists who reaches them by the rules in the getters'
docstrings, and those personas are only checked for names and identity numbers.

The pages without an id are asked for the team's objects through their filters, searches
and choices; an anonymous visitor is sent to the login page from every URL; and the
team's identity number typed into the registration forms opens no record.

A new URL with a keyword the sweep cannot fill fails
`test_every_url_keyword_names_something_the_sweep_makes`: add its object to
`sweep_world.py` and its keyword to `FILL`, so that no URL goes unswept.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape

from losen.audit.models import AccessLog
from losen.lib import crypto
from losen.web.tests import sweep_world
from losen.web.tests.sweep_world import World

pytestmark = pytest.mark.django_db

PERSONAS = {
    "outsider": "utenfor@demo.no",
    "other_team": "kollega@demo.no",
    "other_team_lead": sweep_world.OTHER_LEAD,
    "volunteer": sweep_world.VOLUNTEER,
    "manager": "analytiker@demo.no",
    "nav": "navveileder@demo.no",
    "provider": "pitstop@demo.no",
    "meeting_guest": sweep_world.GUEST,
    "org_admin": sweep_world.OTHER_ADMIN,
}
# Personas of the home team's own organisation: their role may answer 403 instead of 404.
SAME_ORGANISATION = {"other_team", "other_team_lead", "volunteer", "manager"}
# Who may reach what in the home team: coordinator, team lead, the organisation's admin.
HOME_USERS = {
    "ungteam": ("koordinator@demo.no", "leder@demo.no", "admin@demo.no"),
    "kaa": ("kaa@demo.se",),
    "invitation": (sweep_world.INVITEE,),
    "receiver": (sweep_world.RECEIVER_LEAD,),
    "contract": (sweep_world.RECEIVER_LEAD, sweep_world.CONTRACT_VERIFIER),
}

# Keywords that choose a format or a table, not an object.
NOT_OBJECTS = {"fmt": "csv", "file_format": "csv", "key": "exits"}
# Every keyword that names an object, and the object (by its key in `Home.ids`).
FILL = {
    "case_id": "case_id",
    "consent_id": "consent_id",
    "event_id": "event_id",
    "note_id": "note_id",
    "enrolment_id": "enrolment_id",
    "follow_up_id": "follow_up_id",
    "person_id": "person_id",
    "guardian_id": "guardian_id",
    "team_id": "team_id",
    "meeting_id": "meeting_id",
    "item_id": "item_id",
    "measure_id": "measure_id",
    "session_id": "session_id",
    "staircase_id": "staircase_id",
    "report_id": "report_id",
    "number": "number",
    "job_id": "job_id",
    "target_id": "target_id",
    "reading_id": "reading_id",
    "figure_id": "figure_id",
    "entry_id": "entry_id",
    "list_id": "list_id",
    "export_id": "export_id",
    "referral_id": "referral_id",
    "invitation_id": "invitation_id",
    "listing_id": "listing_id",
    "contract_id": "contract_id",
    "claim_id": "claim_id",
    "evidence_id": "evidence_id",
    "sample_id": "sample_id",
    "statement_id": "statement_id",
    "partner_id": "partner_id",
    "reported_id": "reported_id",
}
# Where one URL needs another object than the keyword's usual one.
FILL_FOR = {
    # Only an application signed on paper has a paper (the detailed cases were signed on screen).
    ("cases:application_paper", "case_id"): "paper_case_id",
    # The sender's record of a referral to another organisation.
    ("outgoing:detail", "referral_id"): "sent_referral_id",
    # Publishing is for a measure not in the catalogue yet.
    ("catalogue:listing_new", "measure_id"): "unlisted_measure_id",
    # The receiver's status note to the sender, waiting for review.
    ("incoming:note_review", "note_id"): "status_note_id",
}
# URLs that name no object of a team, and why they are not swept here.
NOT_SWEPT = {
    "password_reset_confirm": "for anonymous visitors; guarded by its one-time token",
}
# The KAA register exists only for Swedish lists: these URLs are swept in KAA-teamet.
KAA_URLS = {
    "outreach:kaa",
    "outreach:kaa_leaving",
    "outreach:kaa_measure",
    "outreach:kaa_measure_new",
}
# An invitation to a meeting by address is its invitee's, not the team's, to answer.
INVITATION_URLS = {"meetings:accept", "meetings:decline"}

_MEASURE_READERS = "measures are the organisation's: its coordinators and managers read them"
_SESSION_READERS = "volunteers see their organisation's sessions (first names only)"
_GRANT_READERS = (
    "grant reports are the organisation's: its teams write, its team leads submit, its"
    " managers read"
)
_MEASURE_MANAGERS = (
    "team leads define the organisation's measures and sessions and start the next on a"
    " waiting list (its people are named only to their own teams)"
)
_STATUTORY_MAKERS = "the statutory files are the organisation's, made by its team leads"
_GUESTS = (
    "a guest sees the meeting, and a person only with their consent to the guest's organisation"
)
_PARTICIPANT_READERS = "a measure's lists of people hold only the cases the reader may see"
_CATALOGUE_READERS = "the catalogue holds no personal data: everyone logged in reads it"
_CATALOGUE_PUBLISHERS = "team leads and administrators publish the organisation's measures"
_COMPARISON_READERS = (
    "comparisons are the organisation's figures: everyone in it reads them, team leads"
    " keep the reference figures"
)
ALLOWED: dict[tuple[str, str], str] = {
    **{
        (name, persona): _CATALOGUE_READERS
        for name in ("catalogue:listing", "catalogue:reported")
        for persona in PERSONAS
    },
    **{
        (name, "other_team_lead"): _CATALOGUE_PUBLISHERS
        for name in (
            "catalogue:listing_new",
            "catalogue:listing_edit",
            "catalogue:listing_withdraw",
        )
    },
    **{
        (name, persona): _MEASURE_READERS
        for name in (
            "programs:measure_detail",
            "programs:measure_sessions",
            "programs:session_detail",
        )
        for persona in ("other_team", "manager")
    },
    **{
        (name, "volunteer"): _SESSION_READERS
        for name in ("programs:measure_sessions", "programs:session_detail")
    },
    **{
        (name, persona): _GRANT_READERS
        for name in (
            "grants:detail",
            "grants:history",
            "grants:version",
            "grants:pdf",
            "grants:json",
            "grants:csv",
        )
        for persona in ("other_team", "manager")
    },
    ("grants:edit", "other_team"): _GRANT_READERS,
    **{
        (name, "other_team_lead"): _MEASURE_MANAGERS
        for name in (
            "programs:measure_detail",
            "programs:measure_edit",
            "programs:measure_sessions",
            "programs:session_new",
            "programs:sessions_plan",
            "programs:session_detail",
            "programs:staircase_edit",
            "programs:start_next",
            "programs:participants_export",
            "programs:attendance_export",
        )
    },
    **{
        (name, "other_team_lead"): _GRANT_READERS
        for name in (
            "grants:detail",
            "grants:edit",
            "grants:submit",
            "grants:reopen",
            "grants:history",
            "grants:version",
            "grants:pdf",
            "grants:json",
            "grants:csv",
        )
    },
    **{
        (name, "other_team_lead"): _COMPARISON_READERS
        for name in ("reports:target_detail", "reports:reference_edit", "reports:reference_delete")
    },
    ("outreach:export_download", "other_team_lead"): _STATUTORY_MAKERS,
    ("programs:participants_export", "other_team"): _PARTICIPANT_READERS,
    ("meetings:detail", "meeting_guest"): _GUESTS,
    ("meetings:minutes_pdf", "meeting_guest"): _GUESTS,
    ("programs:attendance_export", "other_team"): _PARTICIPANT_READERS,
    ("reports:target_detail", "manager"): _COMPARISON_READERS,
}
# Sweeps that fail on today's code for a reason another engineer is fixing (none today:
# a (url name, persona) here is a strict xfail with this reason).
KNOWN: dict[tuple[str, str], str] = {}


def walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, list]]:
    """(name, route, keywords) of every URL pattern, namespaces and includes followed."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            keywords = sorted(
                set(entry.pattern.regex.groupindex) | set(getattr(entry.pattern, "converters", {}))
            )
            yield f"{namespace}{entry.name}", route, keywords


def url_patterns() -> list[tuple[str, str, list]]:
    """Every pattern with keywords, outside the admin (swept in test_admin_sweep.py)."""
    return [
        (name, route, keywords)
        for name, route, keywords in walk(get_resolver().url_patterns)
        if keywords and not name.startswith("admin:")
    ]


def object_urls() -> list[tuple[str, list]]:
    """The URLs that name an object: at least one keyword beyond format and table."""
    return [
        (name, keywords)
        for name, _route, keywords in url_patterns()
        if name not in NOT_SWEPT and set(keywords) - set(NOT_OBJECTS)
    ]


OBJECT_URLS = object_urls()
KEYWORDS = dict(OBJECT_URLS)


def home_key(name: str) -> str:
    """Whose object the URL names: Ungteam's, KAA-teamet's or the invitee's."""
    if name in KAA_URLS:
        return "kaa"
    if name in INVITATION_URLS:
        return "invitation"
    if name.startswith("incoming:"):
        return "receiver"
    if name.startswith("contracts:"):
        return "contract"
    return "ungteam"


def url_of(world: World, name: str) -> str:
    home = home_of(world, name)
    kwargs = {
        keyword: NOT_OBJECTS[keyword]
        if keyword in NOT_OBJECTS
        else home.ids[FILL_FOR.get((name, keyword), FILL[keyword])]
        for keyword in KEYWORDS[name]
    }
    return reverse(name, kwargs=kwargs)


def home_of(world: World, name: str):
    return getattr(world, home_key(name))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """The world, made once for the module inside a transaction rolled back at its end."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("sweep-media"))
    with django_db_blocker.unblock(), media:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield sweep_world.build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def clients(world, django_db_blocker) -> dict[str, tuple[Client, str]]:
    """Each persona logged in, with the CSRF token of a page they can open."""
    found = {}
    with django_db_blocker.unblock():
        for key, email in {**PERSONAS, **{e: e for h in HOME_USERS.values() for e in h}}.items():
            client = Client(enforce_csrf_checks=True)
            client.force_login(world.users[email])
            page = client.get("/", follow=True)
            assert page.status_code == 200, email
            match = re.search(r'"X-CSRFToken": "([^"]+)"', page.content.decode())
            assert match, f"no CSRF token on {email}'s first page"
            found[key] = (client, match.group(1))
    return found


def counts() -> dict[str, int]:
    """The number of rows in each of Losen's tables, in one query (names from the models)."""
    models = [m for m in apps.get_models() if m.__module__.startswith("losen.")]
    tables = sorted({m._meta.db_table for m in models})
    sql = " UNION ALL ".join(
        f"SELECT '{t}', COUNT(*) FROM {connection.ops.quote_name(t)}"  # noqa: S608
        for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def body_of(response) -> str:
    """The response's text (a PDF's as pdftotext reads it, JSON with its letters written out)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        read = subprocess.run(
            ["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True
        )
        content = read.stdout
    text = content.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


def csrf_refused(response) -> bool:
    """Whether the 403 is the CSRF check's (then the sweep did not test the view)."""
    return response.status_code == 403 and "403_csrf.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_personas_csrf_token_is_accepted(clients, persona):
    """A refusal in the sweep is the view's, not the CSRF check's."""
    client, token = clients[persona]
    response = client.post(
        reverse("set_language"), {"csrfmiddlewaretoken": token, "language": "nb", "next": "/"}
    )
    assert response.status_code == 302
    without = client.post(reverse("set_language"), {"language": "nb", "next": "/"})
    assert csrf_refused(without)


def test_every_url_keyword_names_something_the_sweep_makes():
    unknown = {
        f"{name}: {keyword}"
        for name, keywords in OBJECT_URLS
        for keyword in keywords
        if keyword not in FILL and keyword not in NOT_OBJECTS
    }
    assert not unknown, "add these objects to sweep_world.py and FILL"


def test_the_sweep_covers_the_urls_of_every_app():
    names = {name for name, _ in OBJECT_URLS}
    assert len(names) > 80
    for namespace in ("people", "cases", "meetings", "programs", "outcomes", "outreach"):
        assert any(name.startswith(f"{namespace}:") for name in names), namespace
    for namespace in ("grants", "jobs", "reports", "catalogue"):
        assert any(name.startswith(f"{namespace}:") for name in names), namespace


def test_the_secrets_are_what_the_home_teams_pages_show(world, clients):
    """The name check is not vacuous: the person's own page matches the secrets."""
    client, token = clients["koordinator@demo.no"]
    person = world.ungteam.people[0]
    page = body_of(client.get(reverse("people:detail", args=[person.pk])))
    number = body_of(
        client.post(
            reverse("people:identity_number", args=[person.pk]), {"csrfmiddlewaretoken": token}
        )
    )
    assert world.ungteam.secrets[0].search(page)
    assert world.ungteam.secrets[2].search(number)
    assert world.ungteam.secrets[3].search(page)
    listed = body_of(
        client.get(
            reverse("programs:participants_export", args=[world.ungteam.ids["measure_id"], "csv"])
        )
    )
    assert any(secret.search(listed) for secret in world.ungteam.secrets)
    minutes = body_of(
        client.get(reverse("meetings:minutes_pdf", args=[world.ungteam.ids["meeting_id"]]))
    )
    assert any(secret.search(minutes) for secret in world.ungteam.secrets)


@pytest.mark.parametrize("name", [name for name, _ in OBJECT_URLS])
def test_the_home_team_reaches_every_swept_url(world, clients, name):
    """The sweep's ids are right: someone of the home team gets past the door."""
    url = url_of(world, name)
    answers = []
    for email in HOME_USERS[home_key(name)]:
        client, token = clients[email]
        answers.append(client.get(url).status_code)
        if answers[-1] == 405:
            answers.append(client.post(url, {"csrfmiddlewaretoken": token}).status_code)
        if answers[-1] not in (404, 405):
            break
    assert answers[-1] not in (404, 405), f"{url}: {answers}"


@pytest.mark.parametrize("name", [name for name, _ in OBJECT_URLS])
def test_an_anonymous_visitor_is_sent_to_the_login_page(world, name):
    url = url_of(world, name)
    client = Client(enforce_csrf_checks=True)
    login = client.get(reverse("login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.content.decode())
    before = counts()
    for response in (client.get(url), client.post(url, {"csrfmiddlewaretoken": token.group(1)})):
        assert response.status_code == 302, f"{url}: {response.status_code}"
        assert response["Location"].startswith(reverse("login")), url
    assert counts() == before


def _cases():
    for name, _ in OBJECT_URLS:
        for persona in PERSONAS:
            marks = []
            if (name, persona) in KNOWN:
                marks = [pytest.mark.xfail(strict=True, reason=KNOWN[name, persona])]
            yield pytest.param(name, persona, marks=marks, id=f"{name}-{persona}")


@pytest.mark.parametrize(("name", "persona"), list(_cases()))
def test_no_persona_outside_the_team_reaches_an_object(world, clients, name, persona):
    url = url_of(world, name)
    home = home_of(world, name)
    client, token = clients[persona]
    actor = world.users[PERSONAS[persona]]
    people = [p.pk for p in home.people]
    before = counts()
    read = client.get(url)
    allowed = (name, persona) in ALLOWED
    responses = [read]
    if not allowed:
        responses.append(client.post(url, {"csrfmiddlewaretoken": token}))
    for response in responses:
        body = body_of(response)
        for secret in home.secrets:
            shown = secret.search(body)
            assert not shown, f"{response.request['REQUEST_METHOD']} {url} shows {shown}"
    if allowed:
        # A page a rule lets them read may show them first names (a volunteer's
        # attendance list): that is a read, and the person's access log says so.
        assert read.status_code in (200, 405), f"{url}: {read.status_code}"
        return
    assert not AccessLog.objects.filter(actor=actor, person_id__in=people).exists()
    refusals = {403, 404, 405} if persona in SAME_ORGANISATION else {404, 405}
    answers = [r.status_code for r in responses]
    assert not any(csrf_refused(r) for r in responses), f"{url}: the CSRF token was refused"
    assert set(answers) <= refusals, f"GET and POST {url}: {answers}"
    assert counts() == before


# The pages without an id in their path are asked for the home team's objects by their
# query and form fields instead (filters, searches, choices): the same rules hold.
NOT_LISTS = {
    "healthz",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "set_language",
}
LIST_URLS = {
    name: keywords
    for name, _route, keywords in walk(get_resolver().url_patterns)
    if set(keywords) <= set(NOT_OBJECTS) and not name.startswith("admin:")
    if name not in NOT_LISTS
}
TABLE_FOR = {"outreach:dashboard_table": "people"}


def list_url(name: str) -> str:
    """The page, with a format and a table where its path asks for them."""
    kwargs = {keyword: NOT_OBJECTS[keyword] for keyword in LIST_URLS[name]}
    if "key" in kwargs:
        kwargs["key"] = TABLE_FOR.get(name, kwargs["key"])
    return reverse(name, kwargs=kwargs)


FILES = (".pdf", ".csv", ".xlsx")


def home_fields(world: World, search: str) -> dict[str, object]:
    """Every field name the filters and forms use for an object, set to the home team's."""
    ids = world.ungteam.ids
    koordinator = world.users["koordinator@demo.no"].pk
    return {
        "team": ids["team_id"],
        "organisation": world.organisations["Demo kommune"].pk,
        "recipient_organisation": world.organisations["Demo kommune"].pk,
        "measure": ids["measure_id"],
        "to_measure": ids["measure_id"],
        "staircase": ids["staircase_id"],
        "case": ids["case_id"],
        "cases": ids["case_id"],
        "person": ids["person_id"],
        "list": ids["list_id"],
        "meeting": ids["meeting_id"],
        "contact_person": koordinator,
        "from_user": koordinator,
        "q": search,
    }


def _list_cases():
    for name in LIST_URLS:
        for persona in PERSONAS:
            yield pytest.param(name, persona, id=f"{name}-{persona}")


def test_the_list_sweep_covers_the_exports_and_tables():
    for name in ("people:export", "cases:export", "reports:table_export", "people:list"):
        assert name in LIST_URLS, name


@pytest.mark.parametrize(("name", "persona"), list(_list_cases()))
def test_no_list_shows_the_team_its_filters_and_searches_name(world, clients, name, persona):
    url = list_url(name)
    home = world.ungteam
    client, token = clients[persona]
    actor = world.users[PERSONAS[persona]]
    person = home.people[0]
    number = crypto.decrypt(person.id_number_encrypted)
    name_typed = f"{person.first_name} {person.last_name}"
    before = counts()
    responses = [(client.get(url, home_fields(world, name_typed)), name_typed)]
    if not url.endswith(FILES):  # a file is only fetched (and a PDF dashboard is slow)
        data = {"csrfmiddlewaretoken": token, **home_fields(world, number)}
        responses.append((client.post(url, data), number))
    for response, typed in responses:
        assert response.status_code != 500
        # The search box gives back what was typed into it: that is no leak.
        body = body_of(response).replace(f'value="{escape(typed)}"', 'value=""')
        for secret in home.secrets:
            shown = secret.search(body)
            assert not shown, f"{response.request['REQUEST_METHOD']} {url} shows {shown}"
    assert not AccessLog.objects.filter(
        actor=actor, person_id__in=[p.pk for p in home.people]
    ).exists()
    # Reading one's own people writes access-log rows; nothing else may change.
    after = counts()
    assert {t: n for t, n in after.items() if t != AccessLog._meta.db_table} == {
        t: n for t, n in before.items() if t != AccessLog._meta.db_table
    }


# An identity number typed into a form is no key to the record it belongs to (issue 9,
# item 2). Personas who register people try the home person's number in their own team.
REGISTERING = ("outsider", "other_team", "other_team_lead", "nav", "provider")


def _typed_number_cases():
    for url_name in ("referrals:new", "people:new"):
        for persona in REGISTERING:
            yield pytest.param(url_name, persona, id=f"{url_name}-{persona}")


@pytest.mark.parametrize(("url_name", "persona"), list(_typed_number_cases()))
def test_a_typed_identity_number_opens_no_record(world, clients, url_name, persona):
    person = world.ungteam.people[0]
    client, token = clients[persona]
    actor = world.users[PERSONAS[persona]]
    followers = set(person.follows.values_list("team_id", flat=True))
    client.post(
        reverse(url_name),
        {
            "csrfmiddlewaretoken": token,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "birth_date": person.birth_date.isoformat(),
            "identity_number": crypto.decrypt(person.id_number_encrypted),
            "country": "NO",
            "preferred_language": "nb",
            "source": "nav",
            "referred_on": timezone.localdate().isoformat(),
            "reason": "Dropped out of school.",
            "team": actor.memberships.get().team_id,
        },
    )
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404
    assert set(person.follows.values_list("team_id", flat=True)) == followers
    assert not AccessLog.objects.filter(actor=actor, person_id=person.pk).exists()
