"""OT: information about rights recorded as sent to everyone on a list, in one action."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import ngettext, override

from conftest import shown
from losen.audit.models import ChangeLog
from losen.lib.errors import NotAllowed
from losen.outreach.actions.ladder import (
    do_send_rights_information,
    do_send_rights_information_to_list,
)
from losen.outreach.models import ListImport, Notice, TargetEntry


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def minor() -> datetime.date:
    """A birth date of someone aged 15 or 16 today."""
    return datetime.date(timezone.localdate().year - 16, 2, 2)


def adult() -> datetime.date:
    """A birth date of someone aged 19 or 20 today."""
    return datetime.date(timezone.localdate().year - 20, 7, 7)


@pytest.fixture
def lists(import_list, fnr, coordinator):
    """Ida (16) and Ola (20) on both lists; Siv (16) had it already; Per left the list."""
    people = {
        "Ida": fnr(minor(), 1),
        "Ola": fnr(adult(), 2),
        "Siv": fnr(minor() + datetime.timedelta(days=3), 3),
        "Per": fnr(adult() + datetime.timedelta(days=3), 4),
    }

    def rows(names):
        return [
            {"identity_number": people[name], "first_name": name, "last_name": "Lie"}
            for name in names
        ]

    import_list(rows(["Ida", "Ola", "Siv", "Per"]), received_on=days_ago(40))
    import_list(rows(["Ida", "Ola", "Siv"]), received_on=days_ago(10))
    siv = TargetEntry.objects.get(person__first_name="Siv")
    do_send_rights_information(coordinator, siv)
    return ListImport.objects.order_by("received_on")


def notices() -> list[tuple[str, str]]:
    return sorted(
        Notice.objects.filter(kind=Notice.Kind.RIGHTS_INFORMATION).values_list(
            "entry__person__first_name", "recipient"
        )
    )


def said(singular: str, plural: str, count: int) -> str:
    """The Norwegian sentence for a count, as the page shows it."""
    with override("nb"):
        return escape(ngettext(singular, plural, count) % {"count": count})


SIV = [("Siv", "guardian"), ("Siv", "youth")]


def test_the_confirmation_page_counts_who_is_due_and_records_nothing(client, coordinator, lists):
    client.force_login(coordinator)
    first, _second = lists
    response = client.get(reverse("outreach:list_rights", args=[first.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    # Ida (16) and Ola are due, a guardian of Ida's too; Siv had it; Per has left.
    assert (
        said(
            "%(count)s person still on this list has not had the information about rights.",
            "%(count)s people still on this list have not had the information about rights.",
            2,
        )
        in page
    )
    assert (
        said(
            "%(count)s of them is under 18, so it goes to a guardian too.",
            "%(count)s of them are under 18, so it goes to a guardian too.",
            1,
        )
        in page
    )
    assert 'id="rights-confirm"' in page
    assert notices() == SIV


def test_one_action_records_it_for_everyone_still_on_the_list_who_has_not_had_it(
    client, coordinator, lists
):
    client.force_login(coordinator)
    first, _second = lists
    response = client.post(reverse("outreach:list_rights", args=[first.pk]))
    assert response.status_code == 302
    # Ida (under 18) and her guardian, Ola; Siv had it, Per has left the list.
    assert notices() == sorted([("Ida", "guardian"), ("Ida", "youth"), ("Ola", "youth"), *SIV])
    sent = Notice.objects.exclude(entry__person__first_name="Siv")
    assert {notice.sent_on for notice in sent} == {timezone.localdate()}
    assert {notice.sent_by for notice in sent} == {coordinator}
    logged = ChangeLog.objects.filter(action="outreach.notice_sent", object_type="outreach.notice")
    assert sorted(logged.values_list("object_id", flat=True)) == sorted(
        Notice.objects.values_list("pk", flat=True)
    )


def test_nothing_is_recorded_twice(client, coordinator, lists):
    client.force_login(coordinator)
    first, second = lists
    client.post(reverse("outreach:list_rights", args=[first.pk]))
    written = notices()
    logged = ChangeLog.objects.count()
    client.post(reverse("outreach:list_rights", args=[first.pk]))
    client.post(reverse("outreach:list_rights", args=[second.pk]))
    assert notices() == written
    assert ChangeLog.objects.count() == logged
    page = client.get(reverse("outreach:list_rights", args=[second.pk])).content.decode()
    assert shown("Everyone on the list had the information already.") in page
    assert 'id="rights-confirm"' not in page


def test_the_list_page_links_to_it(client, coordinator, lists):
    client.force_login(coordinator)
    page = client.get(reverse("outreach:list", args=[lists[0].pk])).content.decode()
    assert reverse("outreach:list_rights", args=[lists[0].pk]) in page


@pytest.mark.parametrize("persona", ["colleague", "outsider", "manager", "org_admin"])
def test_nobody_outside_the_lists_team_can_see_or_send_it(client, lists, persona, request):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("outreach:list_rights", args=[lists[0].pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert notices() == SIV


def test_the_action_refuses_an_actor_outside_the_lists_team(colleague, lists):
    with pytest.raises(NotAllowed):
        do_send_rights_information_to_list(colleague, lists[0])
    assert notices() == SIV


def test_a_kaa_list_has_no_information_about_rights(client, kaa_coordinator, import_kaa):
    from losen.outreach.tests.conftest import swedish_pnr

    import_kaa(
        [{"identity_number": swedish_pnr(minor()), "first_name": "Sara", "last_name": "Berg"}],
        received_on=days_ago(10),
    )
    client.force_login(kaa_coordinator)
    kaa_list = ListImport.objects.get()
    assert client.get(reverse("outreach:list_rights", args=[kaa_list.pk])).status_code == 404
    with pytest.raises(NotAllowed):
        do_send_rights_information_to_list(kaa_coordinator, kaa_list)
    page = client.get(reverse("outreach:list", args=[kaa_list.pk])).content.decode()
    assert 'id="list-rights"' not in page
