"""Journal notes: the team's only; confidential ones for fewer; racing edits refused."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from conftest import shown
from losen.accounts.models import Role
from losen.audit.models import AccessLog, ChangeLog
from losen.cases.actions.core import do_open_case
from losen.cases.actions.work import do_add_note, do_update_note
from losen.cases.models import JournalNote
from losen.cases.queries.work import get_note_for, notes_visible_to
from losen.lib.errors import NotAllowed, StaleEdit

pytestmark = pytest.mark.django_db


@pytest.fixture
def teammate(make_user, team):
    """A coordinator in Ungteam who is not the case's contact person."""
    return make_user("kollega2@test.no", Role.COORDINATOR, team=team, full_name="Tor Teammate")


@pytest.fixture
def notes(coordinator, teammate, case):
    return {
        "open": do_add_note(coordinator, case, text="Came to the meeting on time."),
        "confidential": do_add_note(
            coordinator, case, text="Talked about the situation at home.", confidential=True
        ),
        "teammates_secret": do_add_note(
            teammate, case, text="Teammate's confidential note.", confidential=True
        ),
    }


def readable(user, case) -> set[str]:
    return set(notes_visible_to(user, case).values_list("text", flat=True))


def test_the_team_reads_the_notes_but_confidential_ones_only_when_allowed(
    coordinator, teammate, team_lead, case, notes
):
    everything = {n.text for n in notes.values()}
    assert readable(coordinator, case) == everything  # contact person
    assert readable(team_lead, case) == everything
    assert readable(teammate, case) == {
        "Came to the meeting on time.",
        "Teammate's confidential note.",  # the author reads their own
    }


@pytest.mark.parametrize("persona", ["colleague", "outsider", "manager", "org_admin"])
def test_nobody_outside_the_team_reads_any_note(request, case, notes, persona):
    user = request.getfixturevalue(persona)
    assert readable(user, case) == set()
    for note in notes.values():
        with pytest.raises(Http404):
            get_note_for(user, note.pk)


def test_the_case_page_shows_the_notes_the_reader_may_read(
    client, coordinator, teammate, org_admin, case, notes
):
    url = reverse("cases:detail", args=[case.pk])
    client.force_login(teammate)
    page = client.get(url).content.decode()
    assert "Came to the meeting on time." in page
    assert "Teammate&#x27;s confidential note." in page
    assert "Talked about the situation at home." not in page
    client.force_login(org_admin)
    page = client.get(url).content.decode()
    assert "Came to the meeting on time." not in page
    assert shown("The journal is read only by the case's team.") in page


def test_opening_a_note_writes_an_access_log_row(coordinator, case, notes, team):
    get_note_for(coordinator, notes["confidential"].pk)
    entry = AccessLog.objects.filter(what="journal_note").latest("id")
    assert entry.actor == coordinator
    assert entry.person_id == case.person_id
    assert entry.team == team


def test_a_coordinator_writes_a_note_on_the_case_page_with_htmx(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:note_new", args=[case.pk]),
        {"journal-text": "Phoned; will come Thursday.", "journal-written_on": "2024-03-01"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith('<section id="section-journal"')
    assert "Phoned; will come Thursday." in page
    assert 'id="case-status" hx-swap-oob="innerHTML"' in page
    assert "<html" not in page
    note = JournalNote.objects.get()
    assert note.author == coordinator
    assert note.organisation_id == case.organisation_id
    assert not note.confidential
    assert ChangeLog.objects.filter(action="journal_note.added", object_id=note.pk).exists()
    assert not case.events.filter(data__has_key="note").exists()  # notes are not events


def test_an_empty_note_is_refused_with_the_error_in_the_section(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:note_new", args=[case.pk]),
        {"journal-text": "   ", "journal-written_on": "2024-03-01"},
        HTTP_HX_REQUEST="true",
    )
    assert 'id="error-summary"' in response.content.decode()
    assert not JournalNote.objects.exists()


def test_racing_edits_of_a_note_are_refused_and_the_first_is_kept(client, coordinator, case, notes):
    note = notes["open"]
    url = reverse("cases:note_edit", args=[case.pk, note.pk])
    stale = {"text": note.text, "written_on": note.written_on.isoformat(), "version": 1}
    client.force_login(coordinator)
    first = client.post(url, {**stale, "text": "Came on time, in good spirits."})
    second = client.post(url, {**stale, "text": "Came late."})
    assert first.status_code == 302
    assert second.status_code == 200
    note.refresh_from_db()
    assert note.text == "Came on time, in good spirits."
    assert note.version == 2
    page = second.content.decode()
    assert (
        shown(
            "The note was saved again while you were editing it (in another window, "
            "perhaps). Your changes are not saved. Compare with the saved note below, "
            "then make your changes again on top of it."
        )
        in page
    )
    assert 'id="saved-note"' in page
    assert "Came on time, in good spirits." in page
    assert "Came late." in page
    assert ChangeLog.objects.filter(action="journal_note.updated").count() == 1


def test_the_update_action_refuses_a_stale_version(coordinator, case, notes):
    note = notes["open"]
    do_update_note(
        coordinator,
        note,
        text="First",
        written_on=note.written_on,
        confidential=False,
        expected_version=1,
    )
    with pytest.raises(StaleEdit) as raised:
        do_update_note(
            coordinator,
            JournalNote.objects.get(pk=note.pk),
            text="Second",
            written_on=note.written_on,
            confidential=False,
            expected_version=1,
        )
    assert raised.value.current.text == "First"


def test_only_the_author_edits_a_note(client, team_lead, case, notes):
    note = notes["open"]
    with pytest.raises(NotAllowed):
        do_update_note(
            team_lead,
            note,
            text="Rewritten",
            written_on=note.written_on,
            confidential=False,
            expected_version=1,
        )
    client.force_login(team_lead)
    assert client.get(reverse("cases:note_edit", args=[case.pk, note.pk])).status_code == 404


def test_the_author_opens_the_edit_page_and_the_read_is_logged(client, coordinator, case, notes):
    client.force_login(coordinator)
    response = client.get(reverse("cases:note_edit", args=[case.pk, notes["open"].pk]))
    assert response.status_code == 200
    assert AccessLog.objects.filter(actor=coordinator, what="journal_note").exists()


@pytest.mark.parametrize("persona", ["colleague", "outsider", "manager", "org_admin"])
def test_the_note_pages_are_not_found_outside_the_team(client, request, case, notes, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    note = notes["open"]
    edit = reverse("cases:note_edit", args=[case.pk, note.pk])
    assert client.get(edit).status_code == 404
    edited = {"text": "x", "written_on": "2024-01-01", "version": 1}
    assert client.post(edit, edited).status_code == 404
    new = reverse("cases:note_new", args=[case.pk])
    written = {"journal-text": "x", "journal-written_on": "2024-01-01"}
    assert client.post(new, written).status_code == 404
    assert JournalNote.objects.count() == 3
    assert not AccessLog.objects.filter(actor=user, what="journal_note").exists()


def test_a_note_is_not_found_through_another_case(client, coordinator, register, team, notes):
    other = do_open_case(coordinator, register(first_name="Ola"), team)
    client.force_login(coordinator)
    url = reverse("cases:note_edit", args=[other.pk, notes["open"].pk])
    assert client.get(url).status_code == 404
