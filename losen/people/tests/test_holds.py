"""What an unfinished import holds back is invisible through the doors to people and cases.

The importers register their holds when their apps are ready (losen/people/holds.py); the
import tests show the real ones at work. These show the mechanism itself, with a source
of the test's own.
"""

from __future__ import annotations

import pytest

from losen.cases.models import Case
from losen.cases.queries.core import cases_visible_to
from losen.people import holds
from losen.people.models import Person
from losen.people.queries import visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def hold(monkeypatch):
    """Register a hold for the test only (the registry is restored afterwards)."""
    monkeypatch.setattr(holds, "_PEOPLE", dict(holds._PEOPLE))
    monkeypatch.setattr(holds, "_CASES", dict(holds._CASES))
    return holds


def test_the_importers_register_their_holds_when_their_apps_are_ready():
    assert set(holds._PEOPLE) == {"outreach.list-import", "imports.history-import"}
    assert set(holds._CASES) == {"imports.history-import"}


def test_a_held_person_is_seen_by_nobody_until_the_hold_is_lifted(hold, coordinator, case):
    held_ids: list[int] = [case.person_id]
    hold.hold_people(
        "test", lambda: Person.objects.filter(pk__in=held_ids).values("pk") if held_ids else None
    )
    assert case.person_id not in visible_to(coordinator).values_list("pk", flat=True)
    held_ids.clear()  # the import's last transaction releases them
    assert case.person_id in visible_to(coordinator).values_list("pk", flat=True)


def test_a_held_case_is_left_out_of_the_door_to_cases(hold, coordinator, case):
    hold.hold_cases("test", lambda: Case.objects.filter(pk=case.pk).values("pk"))
    assert case.pk not in cases_visible_to(coordinator).values_list("pk", flat=True)


def test_a_source_that_holds_nothing_leaves_every_person_in_view(hold, coordinator, case):
    hold.hold_people("test", lambda: None)
    assert case.person_id in visible_to(coordinator).values_list("pk", flat=True)
