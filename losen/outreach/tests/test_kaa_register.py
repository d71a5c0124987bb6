"""The KAA register holds only what förordning (2006:39), 4 §, allows; measures keep history."""

from __future__ import annotations

import datetime

import pytest
from django.db import models

from losen.lib.errors import StaleEdit
from losen.outreach.actions.kaa import (
    do_add_kaa_measure,
    do_save_planned_occupation,
    do_update_kaa_measure,
)
from losen.outreach.checks import kaa_register_holds_only_paragraph_4
from losen.outreach.models import (
    KaaMeasure,
    KaaMeasureVersion,
    KaaRecord,
    StatusChange,
    TargetEntry,
)
from losen.outreach.models.kaa import PARAGRAPH_4, NotAllowedInKaaRegister, unlisted_fields
from losen.outreach.tests.conftest import swedish_pnr


@pytest.fixture
def kaa_entry(import_kaa):
    import_kaa(
        [
            {
                "identity_number": swedish_pnr(datetime.date(2008, 3, 3), 9),
                "first_name": "Alva",
                "last_name": "Lund",
            }
        ],
        received_on=datetime.date(2026, 9, 1),
    )
    return TargetEntry.objects.get(scheme="kaa")


def fields_of(model) -> set[str]:
    return {f.name for f in model._meta.get_fields() if f.concrete}


def test_the_kaa_models_have_exactly_the_fields_paragraph_4_lists():
    for model in (KaaRecord, KaaMeasure, KaaMeasureVersion, StatusChange):
        assert fields_of(model) == set(PARAGRAPH_4[model.__name__]), model.__name__
    assert kaa_register_holds_only_paragraph_4() == []


def test_a_measure_records_plan_goal_responsibilities_dates_end_reason_and_follow_ups():
    assert {
        "plan",
        "goal",
        "youth_responsibility",
        "municipality_responsibility",
        "other_actor_responsibility",
        "start_on",
        "end_on",
        "end_reason",
        "follow_up_dates",
    } <= fields_of(KaaMeasure)


def test_a_field_outside_paragraph_4_cannot_be_stored_in_the_kaa_part(kaa_entry, kaa_coordinator):
    with pytest.raises(NotAllowedInKaaRegister):
        do_save_planned_occupation(
            kaa_coordinator, kaa_entry, planned_occupation="studies", diagnosis="ADHD"
        )
    record = do_save_planned_occupation(kaa_coordinator, kaa_entry, planned_occupation="studies")
    record.health_note = "something the register may not hold"
    with pytest.raises(NotAllowedInKaaRegister):
        record.save()
    with pytest.raises(NotAllowedInKaaRegister):
        do_add_kaa_measure(
            kaa_coordinator,
            kaa_entry,
            plan="p",
            goal="g",
            start_on=datetime.date(2026, 9, 2),
            religion="x",
        )
    with pytest.raises(TypeError):
        KaaMeasure(family_situation="x")
    with pytest.raises(NotAllowedInKaaRegister):
        KaaMeasureVersion(values={"plan": "p", "health": "x"}).save()
    assert not KaaRecord.objects.exclude(planned_occupation="studies").exists()


def test_a_model_with_an_unlisted_field_fails_the_system_check():
    class KaaRecord(models.Model):  # noqa: DJ008 - same name, one field too many
        organisation_id = models.IntegerField()
        ethnicity = models.CharField(max_length=10)

        class Meta:
            app_label = "outreach_whitelist_probe"

    assert "ethnicity" in unlisted_fields(KaaRecord)


def test_changes_to_a_measure_keep_their_history(kaa_entry, kaa_coordinator):
    measure = do_add_kaa_measure(
        kaa_coordinator,
        kaa_entry,
        plan="Praktik två dagar i veckan",
        goal="Börja på ett nationellt program i augusti",
        youth_responsibility="Komma i tid",
        municipality_responsibility="Ordna praktikplats",
        start_on=datetime.date(2026, 9, 7),
        follow_up_dates=[datetime.date(2026, 10, 5)],
    )
    changed = do_update_kaa_measure(
        kaa_coordinator,
        measure,
        expected_version=1,
        end_on=datetime.date(2026, 11, 1),
        end_reason="studies",
    )
    assert changed == ["end_on", "end_reason"]
    measure.refresh_from_db()
    assert measure.version == 2
    before = measure.versions.get()
    assert before.version == 1 and before.values["end_on"] is None
    assert before.values["follow_up_dates"] == ["2026-10-05"]
    with pytest.raises(StaleEdit):
        do_update_kaa_measure(kaa_coordinator, measure, expected_version=1, goal="x")


def test_ot_entries_have_no_kaa_register(import_list, fnr, coordinator):
    import_list(
        [
            {
                "identity_number": fnr(datetime.date(2008, 1, 1), 2),
                "first_name": "A",
                "last_name": "B",
            }
        ],
        received_on=datetime.date(2026, 9, 1),
    )
    with pytest.raises(ValueError):
        do_add_kaa_measure(
            coordinator,
            TargetEntry.objects.get(),
            plan="p",
            goal="g",
            start_on=datetime.date(2026, 9, 2),
        )


CURRENT_TITLE = (
    "förordningen (2006:39) om register och dokumentation vid fullgörandet av kommunernas "
    "aktivitetsansvar för ungdomar"
)
OLD_TITLES = (
    "om register över ungdomar som inte fullföljt",
    "rörande information om icke skolpliktiga ungdomar",
)


def test_the_kaa_rules_cite_the_current_sources():
    from losen.outreach import eligibility

    law = eligibility.description("kaa")["law"]
    assert CURRENT_TITLE in law
    assert "lag (2022:1697) om samordningsnummer" in law


def test_no_source_cites_an_old_title_of_forordning_2006_39():
    from pathlib import Path

    import losen

    root = Path(losen.__file__).resolve().parent
    files = [root.parent / "README.md"] + [
        path
        for pattern in ("*.py", "*.html", "*.json", "*.po")
        for path in root.rglob(pattern)
        if "migrations" not in path.parts
    ]
    citing = [
        str(path.relative_to(root.parent))
        for path in files
        if any(old in path.read_text(encoding="utf-8") for old in OLD_TITLES)
        and path.name != "test_kaa_register.py"
    ]
    assert citing == []


def test_the_register_page_cites_the_current_title(client, kaa_coordinator, kaa_entry):
    from django.urls import reverse

    client.force_login(kaa_coordinator)
    page = client.get(
        reverse("outreach:kaa", args=[kaa_entry.pk]), HTTP_ACCEPT_LANGUAGE="sv"
    ).content.decode()
    assert "4 § förordningen (2006:39) om register och dokumentation" in page
