"""The imports' change-log rows go through audit actions: written in bulk, forgotten only
for an import undone before anyone saw what it wrote."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from losen.audit.actions import do_forget_undone_import, do_log_change, do_log_changes
from losen.audit.models import ChangeLog
from losen.cases.models import Case
from losen.people.models import Person

pytestmark = pytest.mark.django_db


def test_many_changes_are_written_at_once_as_one_change_each(coordinator, municipality, person):
    at = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
    written = do_log_changes(
        coordinator,
        action="person.registered_from_list",
        model=Person,
        objects=[(person.pk, person.pk), (person.pk + 1000, person.pk + 1000)],
        organisation_id=municipality.pk,
        changed_fields=("name", "identity_number"),
        at=at,
    )
    assert written == 2
    rows = ChangeLog.objects.filter(action="person.registered_from_list").order_by("object_id")
    assert [(r.object_id, r.person_id) for r in rows] == [
        (person.pk, person.pk),
        (person.pk + 1000, person.pk + 1000),
    ]
    first = rows[0]
    assert (first.actor, first.actor_name, first.organisation) == (
        coordinator,
        coordinator.full_name or coordinator.email,
        municipality,
    )
    assert (first.object_type, first.at) == ("people.person", at)
    assert first.changed_fields == ["identity_number", "name"]  # names only, sorted


def test_an_undone_import_forgets_only_its_own_rows(coordinator, municipality, person, case):
    do_log_changes(
        coordinator,
        action="import_history_case",
        model=Case,
        objects=[(case.pk, person.pk)],
        organisation_id=municipality.pk,
    )
    do_log_change(coordinator, action="case.noted", obj=case, organisation_id=municipality.pk)
    before = set(ChangeLog.objects.values_list("pk", flat=True))
    imported = ChangeLog.objects.get(action="import_history_case")

    forgotten = do_forget_undone_import(
        action="import_history_case", model=Case, object_ids=[case.pk]
    )

    assert forgotten == 1
    assert set(ChangeLog.objects.values_list("pk", flat=True)) == before - {imported.pk}
    assert ChangeLog.objects.filter(action="case.noted", object_id=case.pk).exists()
