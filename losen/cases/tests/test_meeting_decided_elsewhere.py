"""A case decided in one meeting leaves every other meeting's agenda still to come, in the
decision's own transaction; a decision posted on the item it left is refused, and so is a
second post of the same decision, also when both arrive at the same moment."""

from __future__ import annotations

import html
import json
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import run_on_a_copy_of_the_database, shown
from losen.audit.models import ChangeLog
from losen.cases.actions import meetings as actions
from losen.cases.actions.core import do_flag_for_meeting
from losen.cases.models import CaseEvent, CaseState, Decision, EventKind
from losen.cases.tests.test_meetings import (
    create_meeting,
    decide,
    open_case,
    sign_and_consent,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_meetings(team_lead, coordinator, team, case):
    """Nora (signed, consented) on the agendas of tomorrow's and next week's meeting."""
    sign_and_consent(case)
    return create_meeting(team_lead, team, days=1), create_meeting(team_lead, team, days=7)


def decision_events(case):
    return CaseEvent.objects.filter(case=case, kind=EventKind.DECISION)


@pytest.mark.parametrize(
    ("decision", "details"),
    [
        (Decision.ACCEPT, {"contact_person": "coordinator"}),
        (Decision.WAITING_LIST, {}),
        (Decision.REDIRECT, {"redirect_to": "OT", "redirect_reason": "Rights left"}),
    ],
)
def test_a_case_settled_in_one_meeting_leaves_the_other_meetings_agenda(
    request, team_lead, case, two_meetings, decision, details
):
    first, second = two_meetings
    if "contact_person" in details:
        details = {"contact_person": request.getfixturevalue(details["contact_person"])}
    actions.do_decide(team_lead, first.items.get(), decision, **details)
    assert not second.items.filter(case=case).exists()
    assert ChangeLog.objects.filter(
        action="meeting.item_removed", person_id=case.person_id
    ).exists()


def test_the_items_left_are_numbered_anew(team_lead, coordinator, register, team, two_meetings):
    first, second = two_meetings
    other = open_case(coordinator, register, team, "Petter")
    actions.do_refresh_agenda(team_lead, second)
    assert list(second.items.values_list("position", flat=True)) == [1, 2]
    actions.do_decide(team_lead, first.items.get(), Decision.WAITING_LIST)
    assert list(second.items.values_list("position", "case_id")) == [(1, other.pk)]


def test_more_information_on_a_new_application_keeps_it_on_the_next_agenda(
    team_lead, case, two_meetings
):
    first, second = two_meetings
    actions.do_decide(team_lead, first.items.get(), Decision.MORE_INFORMATION, note="School?")
    assert second.items.filter(case=case).exists()


def test_a_flagged_case_talked_over_leaves_the_other_agenda(team_lead, coordinator, register, team):
    active = open_case(coordinator, register, team, "Frida", state=CaseState.ACTIVE)
    do_flag_for_meeting(coordinator, active, reason="Stopped coming")
    first, second = create_meeting(team_lead, team, days=1), create_meeting(team_lead, team, days=7)
    actions.do_decide(team_lead, first.items.get(), Decision.MORE_INFORMATION, note="Call her")
    assert not second.items.exists()


def test_a_meeting_that_has_started_keeps_its_agenda(team_lead, team, case):
    sign_and_consent(case)
    earlier = create_meeting(team_lead, team, days=-1)
    later = create_meeting(team_lead, team, days=7)
    actions.do_decide(team_lead, later.items.get(), Decision.WAITING_LIST)
    # Yesterday's meeting did not decide on her: its minutes say so.
    assert earlier.items.get().decision == ""


def test_deciding_the_item_that_left_the_agenda_is_refused_with_a_clear_message(
    client, team_lead, coordinator, case, two_meetings
):
    first, second = two_meetings
    stale = second.items.get()
    client.force_login(team_lead)
    decide(client, first, first.items.get(), decision=f"accept:{coordinator.pk}")

    response = decide(client, second, stale, decision="waiting_list")

    assert response.status_code == 302
    followed = client.get(response["Location"])
    message = (
        "This case is no longer on this meeting's agenda: it has been decided in another "
        "meeting. Nothing was saved."
    )
    assert html.unescape(shown(message)) in [str(m) for m in followed.context["messages"]]
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    assert decision_events(case).count() == 1
    with pytest.raises(actions.TakenOffTheAgenda):
        actions.do_decide(team_lead, stale, Decision.WAITING_LIST)


def test_through_htmx_the_item_that_left_says_so_in_its_place(
    client, team_lead, coordinator, case, two_meetings
):
    first, second = two_meetings
    stale = second.items.get()
    actions.do_decide(team_lead, first.items.get(), Decision.ACCEPT, contact_person=coordinator)
    client.force_login(team_lead)
    response = client.post(
        reverse("meetings:decide", args=[second.pk, stale.pk]),
        {f"item-{stale.pk}-decision": "waiting_list"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(f'<section class="card agenda-item" id="item-{stale.pk}"')
    assert 'role="alert"' in page


def test_the_same_decision_posted_twice_is_saved_once(
    client, team_lead, coordinator, case, two_meetings
):
    first, _second = two_meetings
    item = first.items.get()
    client.force_login(team_lead)
    decide(client, first, item, decision=f"accept:{coordinator.pk}")
    response = decide(client, first, item, decision=f"accept:{coordinator.pk}")
    followed = client.get(response["Location"])
    assert shown("This item has been decided already; the second decision is not saved.") in [
        str(m) for m in followed.context["messages"]
    ]
    assert decision_events(case).count() == 1


# In a process of its own, on a copy of the test database in a file: threads, each with
# its own connection and browser, post at the same moment; `report` (an expression) is
# what the process prints afterwards, as JSON.
POSTS_AT_ONCE = """
import json, os, sys, threading
import time_machine
# The test's clock (it may run at another moment than the real one, `--clock`).
time_machine.travel(float(os.environ["LOSEN_TEST_NOW"]), tick=True).start()
import django
django.setup()
from django.test import Client
from losen.accounts.models import User
from losen.cases.models import AgendaItem, CaseEvent, TeamMeeting

user = User.objects.get(pk=int(sys.argv[1]))
posts = json.loads(sys.argv[2])
start = threading.Barrier(len(posts))
answers = []

def post(url, data):
    client = Client()
    client.force_login(user)
    start.wait()
    answers.append(client.post(url, data).status_code)

threads = [threading.Thread(target=post, args=p) for p in posts]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps({"answers": sorted(answers), **eval(sys.argv[3])}))
"""

DECISIONS = """{
    "decided": sorted(
        AgendaItem.objects.exclude(decision="").values_list("meeting_id", "decision")
    ),
    "items": sorted(AgendaItem.objects.values_list("meeting_id", flat=True)),
    "decision_events": CaseEvent.objects.filter(kind="decision").count(),
}"""


def posts_at_once(user, posts, tmp_path, report=DECISIONS) -> dict:
    result, _stderr = run_on_a_copy_of_the_database(
        tmp_path, POSTS_AT_ONCE, str(user.pk), json.dumps(posts), report
    )
    return result


def decide_url(meeting, item) -> str:
    return reverse("meetings:decide", args=[meeting.pk, item.pk])


needs_sqlite = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "sqlite").split(":")[0] != "sqlite",
    reason="a copy of the SQLite test database",
)


@needs_sqlite
@pytest.mark.django_db(transaction=True)
def test_the_posting_process_runs_at_the_tests_clock(team_lead, case, tmp_path):
    """Else a meeting made "tomorrow" at the suite's clock may be past in the process."""
    import datetime

    import time_machine

    moment = timezone.make_aware(datetime.datetime(2030, 1, 7, 9, 0))
    with time_machine.travel(moment, tick=True):
        meeting = create_meeting(team_lead, case.team)
        item = meeting.items.get()
        report = (
            "{'today': __import__('django.utils.timezone').utils.timezone.localdate().isoformat()}"
        )
        result = posts_at_once(team_lead, [[decide_url(meeting, item), {}]], tmp_path, report)
    assert result["today"] == "2030-01-07"


@needs_sqlite
@pytest.mark.django_db(transaction=True)
def test_two_posts_of_the_same_decision_at_once_decide_once(team_lead, coordinator, case, tmp_path):
    sign_and_consent(case)
    meeting = create_meeting(team_lead, case.team)
    item = meeting.items.get()
    data = {f"item-{item.pk}-decision": f"accept:{coordinator.pk}"}

    result = posts_at_once(team_lead, [[decide_url(meeting, item), data]] * 2, tmp_path)

    assert result["answers"] == [302, 302]
    assert result["decided"] == [[meeting.pk, "accept"]]
    assert result["decision_events"] == 1


@needs_sqlite
@pytest.mark.django_db(transaction=True)
def test_two_meetings_deciding_one_case_at_once_decide_it_once(
    team_lead, coordinator, case, tmp_path
):
    sign_and_consent(case)
    first = create_meeting(team_lead, case.team, days=1)
    second = create_meeting(team_lead, case.team, days=7)
    a, b = first.items.get(), second.items.get()
    posts = [
        [decide_url(first, a), {f"item-{a.pk}-decision": f"accept:{coordinator.pk}"}],
        [decide_url(second, b), {f"item-{b.pk}-decision": "waiting_list"}],
    ]

    result = posts_at_once(team_lead, posts, tmp_path)

    assert result["answers"] == [302, 302]
    assert result["decision_events"] == 1
    (decided,) = result["decided"]
    # Whichever came first decided; the other meeting's item is gone.
    assert result["items"] == [decided[0]]
