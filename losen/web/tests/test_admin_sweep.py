"""The administration, swept as Demo kommune's administrator against other organisations.

For every model in the admin, every URL that names one object (change, delete, history,
the bare id, a user's password) is tried with another organisation's object, GET and
POST with a valid CSRF token: the answer is a refusal (403, 404, or Django's redirect to
the admin index for an object outside the queryset), nothing changes, and the page does
not show the object. The lists and their filter sidebars name no other organisation,
and the membership form cannot take in another organisation's user (the takeover of
issue 9, item 1).

A model added to the admin without an object here fails
`test_every_model_in_the_admin_has_another_organisations_object_to_try`.
"""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.forms.models import model_to_dict
from django.test import Client, override_settings
from django.urls import reverse

from losen.accounts.models import Membership, Role, Team, User
from losen.outreach.models import LadderConfig
from losen.people.models import Person
from losen.web.tests import sweep_world
from losen.web.tests.test_url_sweep import body_of, counts

pytestmark = pytest.mark.django_db

ADMIN = "admin@demo.no"
# Names of the other organisations (Demo kommun must not match Demo kommune).
OTHER_ORGANISATIONS = [r"NAV Demo", r"PitStop Demo", r"Demo kommun\b", r"Utenfor AS"]


def other_objects(world) -> dict[str, object]:
    """One object of another organisation (or of nobody's) for each model in the admin."""
    nav = world.organisations["NAV Demo"]
    kommun = world.organisations["Demo kommun"]
    adviser = world.users["navveileder@demo.no"]
    group, _ = Group.objects.get_or_create(name="Sweep")
    attempt = AccessAttempt.objects.create(
        username="navveileder@demo.no", ip_address="192.0.2.7", failures_since_start=1
    )
    ladder = LadderConfig.objects.create(
        organisation=kommun,
        scheme="kaa",
        steps=[{"method": "phone", "wait_days": 2}],
        letter_sender="Demo kommun, KAA",
    )
    return {
        "accounts.organisation": nav,
        "accounts.team": Team.objects.get(organisation=nav),
        "accounts.membership": Membership.objects.get(user=adviser),
        "accounts.user": adviser,
        "outreach.ladderconfig": ladder,
        "auth.group": group,
        "axes.accessattempt": attempt,
    }


VIEWS = ("change", "delete", "history")
# Models whose admin is not Losen's own and have no rows from the demo world.
NO_OBJECTS_NEEDED = {"axes.accesslog", "axes.accessfailurelog"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("admin-sweep-media"))
    with django_db_blocker.unblock(), media:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = sweep_world.build_world()
            world.others = other_objects(world)
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def admin_client(world, django_db_blocker) -> tuple[Client, str]:
    with django_db_blocker.unblock():
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users[ADMIN])
        page = client.get(reverse("admin:index"))
        assert page.status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
        return client, token.group(1)


def shows(body: str, obj) -> list[str]:
    """What of the object the page shows: its name, e-mail or organisation number."""
    found = []
    for value in (
        getattr(obj, "name", ""),
        getattr(obj, "email", ""),
        getattr(obj, "org_number", ""),
        getattr(obj, "username", ""),
    ):
        if value and value in body:
            found.append(value)
    return found


def test_every_model_in_the_admin_has_another_organisations_object_to_try(world):
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered - NO_OBJECTS_NEEDED == set(world.others)


def _admin_cases():
    labels = [
        "accounts.organisation",
        "accounts.team",
        "accounts.membership",
        "accounts.user",
        "outreach.ladderconfig",
        "auth.group",
        "axes.accessattempt",
    ]
    for label in labels:
        for view in (*VIEWS, "bare", *(("password",) if label == "accounts.user" else ())):
            yield pytest.param(label, view, id=f"{label}-{view}")


def url_for(obj, view: str) -> str:
    info = f"{obj._meta.app_label}_{obj._meta.model_name}"
    if view == "bare":
        return reverse(f"admin:{info}_changelist") + f"{obj.pk}/"
    if view == "password":
        return reverse("admin:auth_user_password_change", args=[obj.pk])
    return reverse(f"admin:{info}_{view}", args=[obj.pk])


@pytest.mark.parametrize(("label", "view"), list(_admin_cases()))
def test_the_organisation_admin_reaches_no_object_of_another_organisation(
    world, admin_client, label, view
):
    client, token = admin_client
    obj = world.others[label]
    url = url_for(obj, view)
    before_rows, before = counts(), model_to_dict(type(obj)._default_manager.get(pk=obj.pk))
    read = client.get(url)
    data = {
        "csrfmiddlewaretoken": token,
        "post": "yes",  # the delete confirmation
        "password1": "Overtatt-2026!",
        "password2": "Overtatt-2026!",
        "email": "overtatt@example.no",
        "name": "Overtatt",
        "is_active": "on",
    }
    written = client.post(url, data)
    for response in (read, written):
        assert response.status_code in (302, 403, 404), f"{url}: {response.status_code}"
        if response.status_code == 302:
            # The bare id only forwards to the change page (swept on its own).
            refusals = [reverse("admin:index"), url_for(obj, "change")] if view == "bare" else []
            assert response["Location"] in [reverse("admin:index"), *refusals], url
        assert not shows(body_of(response), obj), url
    after = model_to_dict(type(obj)._default_manager.get(pk=obj.pk))
    assert after == before
    assert counts() == before_rows


def test_the_view_on_site_link_opens_no_young_person(world, admin_client):
    client, _ = admin_client
    person = world.ungteam.people[0]
    kind = ContentType.objects.get_for_model(Person)
    response = client.get(reverse("admin:view_on_site", args=[kind.pk, person.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "admin:accounts_organisation_changelist",
        "admin:accounts_team_changelist",
        "admin:accounts_membership_changelist",
        "admin:accounts_user_changelist",
        "admin:outreach_ladderconfig_changelist",
        "admin:accounts_membership_add",
        "admin:accounts_team_add",
        "admin:outreach_ladderconfig_add",
    ],
)
def test_the_admins_lists_and_forms_name_no_other_organisation(world, admin_client, name):
    client, _ = admin_client
    page = client.get(reverse(name))
    assert page.status_code == 200
    body = body_of(page)
    for other in OTHER_ORGANISATIONS:
        assert not re.search(other, body), f"{name} names {other}"
    assert "navveileder@demo.no" not in body


def test_the_user_search_offers_no_user_of_another_organisation(world, admin_client):
    client, _ = admin_client
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "accounts",
            "model_name": "membership",
            "field_name": "user",
            "term": "demo",
        },
    )
    assert response.status_code == 200
    offered = {row["text"] for row in response.json()["results"]}
    assert offered
    assert not any("navveileder" in text or "utenfor" in text for text in offered)


def test_a_membership_for_another_organisations_user_does_not_hand_the_user_over(
    world, admin_client
):
    client, token = admin_client
    adviser = world.users["navveileder@demo.no"]
    ungteam = Team.objects.get(organisation__name="Demo kommune", name="Ungteam")
    client.post(
        reverse("admin:accounts_membership_add"),
        {
            "csrfmiddlewaretoken": token,
            "user": adviser.pk,
            "organisation": ungteam.organisation_id,
            "team": ungteam.pk,
            "role": Role.COORDINATOR,
        },
    )
    assert not Membership.objects.filter(user=adviser, team=ungteam).exists()
    password = adviser.password
    client.post(
        reverse("admin:auth_user_password_change", args=[adviser.pk]),
        {
            "csrfmiddlewaretoken": token,
            "password1": "Overtatt-2026!",
            "password2": "Overtatt-2026!",
        },
    )
    adviser.refresh_from_db()
    assert adviser.password == password


def test_a_user_who_also_works_elsewhere_is_not_the_admins_to_change(world, admin_client):
    client, token = admin_client
    adviser = world.users["navveileder@demo.no"]
    Membership.objects.create(
        user=adviser,
        organisation=world.organisations["Demo kommune"],
        role=Role.MANAGER,
    )
    before = model_to_dict(User.objects.get(pk=adviser.pk))
    client.post(
        reverse("admin:auth_user_password_change", args=[adviser.pk]),
        {
            "csrfmiddlewaretoken": token,
            "password1": "Overtatt-2026!",
            "password2": "Overtatt-2026!",
        },
    )
    assert model_to_dict(User.objects.get(pk=adviser.pk)) == before
