"""An organisation's administrator manages their own organisation and nothing else.

Every test goes through the real admin URLs with CSRF checks on, as an attacker would.
`outsider` works in another organisation only; `shared` works both there and in the
municipality, so the superuser manages their account and `org_admin` only their
membership in the municipality.
"""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, shown
from losen.accounts.models import Membership, Role, User
from losen.audit.models import ChangeLog

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a new and quite long passphrase"

# The names of the other organisation, its team, its coordinator and her address.
OUTSIDE_NAMES = ("Utenfor AS", "Utenforteamet", "Ulf Utenfor", "utenfor@test.no")


def outside_names_in(response) -> list[str]:
    content = response.content.decode()
    return [name for name in OUTSIDE_NAMES if name in content]


class CsrfClient:
    """A logged-in test client that enforces CSRF and posts with the page's own token."""

    def __init__(self, user: User):
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(user)

    def get(self, url: str, data: dict | None = None, **kwargs):
        return self.client.get(url, data, **kwargs)

    def post(self, url: str, data: dict, **kwargs):
        self.client.get(reverse("admin:index"))
        token = self.client.cookies["csrftoken"].value
        return self.client.post(url, {**data, "csrfmiddlewaretoken": token}, **kwargs)


@pytest.fixture
def as_admin(org_admin) -> CsrfClient:
    return CsrfClient(org_admin)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("root@test.no", PASSWORD, full_name="Rolf Rot")


@pytest.fixture
def shared(outsider, team) -> User:
    """Ulf works in the other organisation and, part-time, in Ungteam."""
    Membership.objects.create(
        user=outsider, organisation=team.organisation, team=team, role=Role.COORDINATOR
    )
    return outsider


def form_data(response) -> dict:
    """What a browser would post back from an admin change page left as it is."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict = {}
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if field.disabled or value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def user_change(as_admin, user: User, **changes):
    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = {**form_data(as_admin.get(url)), **changes}
    return as_admin.post(url, data)


def inline_field(as_admin, membership: Membership, name: str) -> str:
    """The name of a field of `membership`'s form on its user's page."""
    url = reverse("admin:accounts_user_change", args=[membership.user_id])
    data = form_data(as_admin.get(url))
    [prefix] = [
        key[: -len("-id")]
        for key, value in data.items()
        if key.endswith("-id") and value == membership.pk
    ]
    return f"{prefix}-{name}"


def set_password(as_admin, user: User):
    return as_admin.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )


def test_an_administrator_cannot_take_over_another_organisations_user(
    as_admin, municipality, outsider
):
    # Step 1: a membership in the administrator's own organisation for the outsider's id.
    response = as_admin.post(
        reverse("admin:accounts_membership_add"),
        {"user": outsider.pk, "organisation": municipality.pk, "role": Role.MANAGER},
    )
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(user=outsider, organisation=municipality).exists()
    # Step 2: the outsider's password, e-mail and active flag.
    assert set_password(as_admin, outsider).status_code == 404
    response = as_admin.post(
        reverse("admin:accounts_user_change", args=[outsider.pk]),
        {"email": "angriper@test.no", "full_name": "Ulf", "is_active": ""},
    )
    outsider.refresh_from_db()
    assert outsider.email == "utenfor@test.no"
    assert outsider.is_active
    assert outsider.check_password(PASSWORD)


def test_an_administrator_does_not_manage_a_user_who_also_works_elsewhere(
    as_admin, shared, municipality
):
    changelist = as_admin.get(reverse("admin:accounts_user_changelist"))
    assert shared not in changelist.context["cl"].result_list
    assert set_password(as_admin, shared).status_code == 404
    as_admin.post(
        reverse("admin:accounts_user_change", args=[shared.pk]),
        {"email": "angriper@test.no", "full_name": "Ulf", "is_active": "on"},
    )
    shared.refresh_from_db()
    assert shared.email == "utenfor@test.no"
    assert shared.check_password(PASSWORD)


def test_an_administrator_changes_the_memberships_in_their_organisation_of_a_shared_user(
    as_admin, shared, municipality, team
):
    here = Membership.objects.get(user=shared, organisation=municipality)
    url = reverse("admin:accounts_membership_change", args=[here.pk])
    response = as_admin.post(
        url, {"organisation": municipality.pk, "team": team.pk, "role": Role.TEAM_LEAD}
    )
    assert response.status_code == 302
    here.refresh_from_db()
    assert here.role == Role.TEAM_LEAD
    assert here.user == shared
    elsewhere = Membership.objects.exclude(pk=here.pk).get(user=shared)
    response = as_admin.get(reverse("admin:accounts_membership_change", args=[elsewhere.pk]))
    assert response.status_code == 302
    assert shared.memberships.count() == 2


def test_a_membership_cannot_be_moved_to_another_user(as_admin, coordinator, outsider):
    membership = coordinator.memberships.get()
    as_admin.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {
            "user": outsider.pk,
            "organisation": membership.organisation_id,
            "team": membership.team_id,
            "role": Role.MANAGER,
        },
    )
    membership.refresh_from_db()
    assert membership.user == coordinator


def test_an_administrator_does_not_manage_a_superuser_of_their_organisation(
    as_admin, superuser, municipality
):
    Membership.objects.create(user=superuser, organisation=municipality, role=Role.MANAGER)
    assert set_password(as_admin, superuser).status_code == 404
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)


def test_the_membership_form_offers_only_the_users_the_administrator_manages(
    as_admin, coordinator, colleague, shared, superuser, municipality
):
    Membership.objects.create(user=superuser, organisation=municipality, role=Role.MANAGER)
    form = as_admin.get(reverse("admin:accounts_membership_add")).context["adminform"].form
    offered = set(form.fields["user"].queryset)
    assert {coordinator, colleague} <= offered
    assert shared not in offered
    assert superuser not in offered
    for term in ("", "utenfor", "root"):
        response = as_admin.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "accounts",
                "model_name": "membership",
                "field_name": "user",
                "term": term,
            },
        )
        ids = {int(result["id"]) for result in response.json()["results"]}
        assert shared.pk not in ids
        assert superuser.pk not in ids
        assert (coordinator.pk in ids) == (term == "")


def test_a_new_user_is_created_in_the_administrators_organisation(as_admin, municipality, team):
    response = as_admin.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "ny@test.no",
            "full_name": "Nina Ny",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-organisation": municipality.pk,
            "memberships-0-team": team.pk,
            "memberships-0-role": Role.COORDINATOR,
        },
    )
    assert response.status_code == 302
    created = User.objects.get(email="ny@test.no")
    assert [m.team for m in created.memberships.all()] == [team]
    actions = set(
        ChangeLog.objects.filter(object_type="accounts.user", object_id=created.pk).values_list(
            "action", flat=True
        )
    )
    assert actions == {"user.created", "user.membership_added"}
    assert as_admin.get(response["Location"]).status_code == 200


def test_an_administrator_cannot_create_a_user_outside_their_organisation(as_admin):
    response = as_admin.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "ingen@test.no",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="ingen@test.no").exists()


def outside_objects(outsider, outside_team) -> list:
    """One object of every kind the administration shows, all of the other organisation."""
    from losen.outreach.models import LadderConfig, Scheme

    ladder, _ = LadderConfig.objects.get_or_create(
        organisation=outside_team.organisation,
        scheme=Scheme.OT,
        defaults={"steps": [{"method": "phone", "wait_days": 0}]},
    )
    return [
        outside_team.organisation,
        outside_team,
        outsider,
        outsider.memberships.get(),
        ladder,
    ]


def test_an_administrator_sees_and_changes_nothing_of_another_organisation_through_any_admin_url(
    as_admin, municipality, coordinator, outsider, outside_team
):
    objects = outside_objects(outsider, outside_team)
    for model in admin.site._registry:
        opts = model._meta
        for page in ("changelist", "add"):
            # An add page fills its fields from the query string: with the outsider's ids.
            response = as_admin.get(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}"),
                {
                    "user": outsider.pk,
                    "team": outside_team.pk,
                    "organisation": outside_team.organisation_id,
                },
                follow=True,
            )
            assert not outside_names_in(response), (opts.label, page)
            assert f"__exact={outside_team.organisation_id}" not in response.content.decode()
    for obj in objects:
        opts = obj._meta
        for page in ("change", "history", "delete"):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[obj.pk])
            response = as_admin.get(url, follow=True)
            assert not outside_names_in(response), (opts.label, page)
            assert response.status_code in (200, 403, 404)
            assert response.redirect_chain or response.status_code != 200, (opts.label, page)
    response = as_admin.get(
        reverse("admin:auth_user_password_change", args=[outsider.pk]), follow=True
    )
    assert response.status_code == 404
    assert not outside_names_in(response)
    membership = outsider.memberships.get()
    for obj in objects:
        opts = obj._meta
        as_admin.post(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk]),
            {"post": "yes"},
        )
        assert type(obj).objects.filter(pk=obj.pk).exists(), opts.label
    as_admin.post(
        reverse("admin:accounts_team_change", args=[outside_team.pk]),
        {"organisation": municipality.pk, "name": "Tatt"},
    )
    as_admin.post(
        reverse("admin:accounts_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"},
    )
    outside_team.refresh_from_db()
    assert outside_team.organisation_id != municipality.pk
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not ChangeLog.objects.exists()


def test_the_filter_sidebars_name_only_the_administrators_organisation(
    as_admin, team, coordinator, outsider, outside_team
):
    for model in ("team", "membership"):
        response = as_admin.get(reverse(f"admin:accounts_{model}_changelist"))
        page = response.content.decode()
        assert team.organisation.name in page
        assert not outside_names_in(response)
        assert f"organisation__id__exact={outside_team.organisation_id}" not in page


def test_django_permissions_do_not_open_groups_or_log_in_records(as_admin, org_admin, outsider):
    from axes.models import AccessAttempt
    from django.contrib.auth.models import Permission

    AccessAttempt.objects.create(username=outsider.email, failures_since_start=3)
    org_admin.user_permissions.set(
        Permission.objects.filter(codename__in=["view_group", "view_accessattempt"])
    )
    for url in (
        reverse("admin:auth_group_changelist"),
        reverse("admin:axes_accessattempt_changelist"),
    ):
        response = as_admin.get(url)
        assert response.status_code == 403
        assert not outside_names_in(response)


def test_every_administrative_change_to_a_user_is_in_losens_change_log(
    as_admin, org_admin, coordinator, municipality, other_team
):
    assert set_password(as_admin, coordinator).status_code == 302
    user_change(as_admin, coordinator, email="kari@test.no", is_active="")
    user_change(as_admin, coordinator, is_staff="on")
    user_change(
        as_admin,
        coordinator,
        **{
            "memberships-TOTAL_FORMS": "2",
            "memberships-1-organisation": municipality.pk,
            "memberships-1-team": other_team.pk,
            "memberships-1-role": Role.TEAM_LEAD,
        },
    )
    added = coordinator.memberships.get(team=other_team)
    user_change(as_admin, coordinator, **{inline_field(as_admin, added, "role"): Role.COORDINATOR})
    user_change(as_admin, coordinator, **{inline_field(as_admin, added, "DELETE"): "on"})
    coordinator.refresh_from_db()
    assert coordinator.email == "kari@test.no"
    assert coordinator.check_password(NEW_PASSWORD)
    assert not coordinator.memberships.filter(pk=added.pk).exists()
    rows = ChangeLog.objects.filter(object_type="accounts.user", object_id=coordinator.pk)
    assert [(row.action, row.changed_fields) for row in rows.order_by("id")] == [
        ("user.password_set", ["password"]),
        ("user.updated", ["email", "is_active"]),
        ("user.updated", ["is_staff"]),
        ("user.membership_added", ["organisation", "role", "team"]),
        ("user.membership_changed", ["role"]),
        ("user.membership_removed", ["organisation", "role", "team"]),
    ]
    assert {row.actor for row in rows} == {org_admin}
    assert {row.organisation_id for row in rows} == {municipality.pk}
    # Names only: no value in the log.
    assert "kari@test.no" not in json.dumps(list(rows.values_list("changed_fields", flat=True)))


def test_memberships_changed_on_their_own_page_are_in_the_users_change_log(
    as_admin, coordinator, team
):
    membership = coordinator.memberships.get()
    as_admin.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"organisation": membership.organisation_id, "team": team.pk, "role": Role.TEAM_LEAD},
    )
    as_admin.post(
        reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    rows = ChangeLog.objects.filter(object_type="accounts.user", object_id=coordinator.pk)
    assert [row.action for row in rows.order_by("id")] == [
        "user.membership_changed",
        "user.membership_removed",
    ]


def test_the_users_page_and_history_show_the_change_log(as_admin, coordinator):
    set_password(as_admin, coordinator)
    user_change(as_admin, coordinator, full_name="Kari Nordmann")
    for page in ("change", "history"):
        response = as_admin.get(reverse(f"admin:accounts_user_{page}", args=[coordinator.pk]))
        content = response.content.decode()
        assert shown("Change log") in content
        assert shown("Password set") in content
        assert "Arne Admin" in content


def test_the_history_does_not_show_what_happened_in_another_organisation(
    as_admin, superuser, coordinator, outside_team
):
    LogEntry.objects.create(
        user=superuser,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(coordinator.pk),
        object_repr=str(coordinator),
        action_flag=CHANGE,
        change_message=json.dumps(
            [{"added": {"name": "membership", "object": f"Kari – {outside_team.name}"}}]
        ),
    )
    ChangeLog.objects.create(
        actor=superuser,
        actor_name="Rolf Rot",
        organisation=outside_team.organisation,
        action="user.membership_added",
        object_type="accounts.user",
        object_id=coordinator.pk,
        changed_fields=["team"],
    )
    for page in ("change", "history"):
        response = as_admin.get(reverse(f"admin:accounts_user_{page}", args=[coordinator.pk]))
        content = response.content.decode()
        assert response.status_code == 200
        assert not outside_names_in(response)
        assert "Rolf Rot" not in content
