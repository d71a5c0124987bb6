"""Statutory exports: layouts as data, checks first, the same half-year replaced."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from losen.audit.models import AccessLog
from losen.outreach import statutory
from losen.outreach.actions.exports import do_make_statutory_export
from losen.outreach.actions.ladder import do_set_status
from losen.outreach.models import StatutoryExport, TargetEntry
from losen.outreach.tests.conftest import swedish_pnr

KAA = "scb-kaa-example@2026.2"
OLD_KAA = "scb-kaa-example@2026.1"
OT = "udir-ot-status-counts@2026.1"


@pytest.fixture
def kaa_people(import_kaa):
    births = [datetime.date(2008, 1, 5), datetime.date(2007, 6, 1), datetime.date(2009, 3, 3)]
    import_kaa(
        [
            {"identity_number": swedish_pnr(b, i), "first_name": f"U{i}", "last_name": "Berg"}
            for i, b in enumerate(births)
        ],
        received_on=datetime.date(2026, 1, 20),
    )
    return births


def test_the_layouts_are_versioned_data_files_with_a_documented_example():
    layout = statutory.layouts()[KAA]
    assert layout.example and layout.contains_identity_numbers
    assert layout.span("2026H1") == (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    assert layout.span("2026H2") == (datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))
    assert statutory.layouts()[OT].cutoff("2026H2") == datetime.date(2026, 6, 15)


def test_the_old_kaa_layout_is_still_read_but_makes_no_new_export(
    kaa_people, swedish_municipality, kaa_coordinator
):
    old = statutory.layouts()[OLD_KAA]
    assert old.cutoff("2026H1") == datetime.date(2026, 2, 15)
    assert old.superseded_by == KAA
    assert OLD_KAA not in statutory.current_layouts()
    with translation.override("en"), pytest.raises(statutory.ExportRefused) as refused:
        do_make_statutory_export(kaa_coordinator, swedish_municipality, old, "2026H1")
    assert "superseded by scb-kaa-example@2026.2" in str(refused.value)
    assert not StatutoryExport.objects.exists()


def test_the_kaa_file_carries_personnummer_and_codes_from_the_layout(
    kaa_people, swedish_municipality, kaa_coordinator
):
    entry = TargetEntry.objects.get(person__first_name="U0")
    do_set_status(kaa_coordinator, entry, code="studies", effective_on=datetime.date(2026, 2, 1))
    export = do_make_statutory_export(
        kaa_coordinator, swedish_municipality, statutory.layouts()[KAA], "2026H1"
    )
    lines = statutory.content_of(export).decode().splitlines()
    header = lines[0].split(";")
    assert header[:4] == ["organisationsnummer", "period", "personnummer", "ansvar_fran"]
    assert len(lines) == 4
    row = next(line for line in lines if swedish_pnr(kaa_people[0], 0) in line)
    assert row.split(";")[header.index("sysselsattning")] == "1"  # studies
    assert export.rows == 3 and export.contains_identity_numbers


def test_a_new_export_for_the_same_half_year_replaces_the_old_one(
    kaa_people, swedish_municipality, kaa_coordinator
):
    layout = statutory.layouts()[KAA]
    first = do_make_statutory_export(kaa_coordinator, swedish_municipality, layout, "2026H1")
    again = do_make_statutory_export(kaa_coordinator, swedish_municipality, layout, "2026H1")
    assert StatutoryExport.objects.count() == 1
    assert again.pk == first.pk and again.replaced == 1


def test_a_value_without_a_code_in_the_layout_refuses_the_export(
    kaa_people, swedish_municipality, kaa_coordinator, monkeypatch
):
    layout = statutory.layouts()[KAA]
    columns = tuple(
        {**c, "codes": {"unknown": "9"}} if c["source"] == "status" else c for c in layout.columns
    )
    narrowed = statutory.Layout(**{**layout.__dict__, "columns": columns})
    entry = TargetEntry.objects.first()
    do_set_status(kaa_coordinator, entry, code="work", effective_on=datetime.date(2026, 2, 1))
    with translation.override("en"), pytest.raises(statutory.ExportRefused) as refused:
        do_make_statutory_export(kaa_coordinator, swedish_municipality, narrowed, "2026H1")
    assert "has no code" in refused.value.problems[0]
    assert not StatutoryExport.objects.exists()


def test_the_ot_counts_have_one_row_per_code_and_no_identity_numbers(
    import_list, fnr, coordinator, municipality
):
    import_list(
        [
            {
                "identity_number": fnr(datetime.date(2008, 1, 1), 1),
                "first_name": "A",
                "last_name": "B",
            }
        ],
        received_on=datetime.date(2026, 1, 10),
    )
    export = do_make_statutory_export(coordinator, municipality, statutory.layouts()[OT], "2026H1")
    lines = statutory.content_of(export).decode().splitlines()
    assert "2026H1;2026-02-01;OTUK;1" in lines
    assert not export.contains_identity_numbers


def test_a_team_lead_downloads_the_kaa_file_and_each_person_read_is_logged(
    client, kaa_people, swedish_municipality, kaa_team, make_user
):
    from losen.accounts.models import Role

    lead = make_user("ledare@test.se", Role.TEAM_LEAD, team=kaa_team)
    client.force_login(lead)
    response = client.post(
        reverse("outreach:exports"),
        {"organisation": swedish_municipality.pk, "layout": KAA, "period": "2026H1"},
    )
    assert response.status_code == 302
    export = StatutoryExport.objects.get()
    response = client.get(reverse("outreach:export_download", args=[export.pk]))
    assert swedish_pnr(kaa_people[1], 1) in response.content.decode()
    assert AccessLog.objects.filter(purpose="export", what="statutory_export").count() == 3


def test_coordinators_and_outsiders_cannot_reach_the_exports(client, kaa_coordinator, outsider):
    for user in (kaa_coordinator, outsider):
        client.force_login(user)
        assert client.get(reverse("outreach:exports")).status_code == 404


def test_the_export_command_writes_the_file(kaa_people, swedish_municipality, tmp_path):
    target = tmp_path / "kaa.csv"
    call_command(
        "outreach",
        "export",
        organisation="Alingsås kommun",
        layout=KAA,
        period="2026H1",
        output=str(target),
    )
    assert len(target.read_text().splitlines()) == 4


def test_the_export_command_writes_the_kaa_file_0600_and_logs_each_person_as_a_download(
    kaa_people, swedish_municipality, tmp_path
):
    import os
    import stat

    target = tmp_path / "kaa.csv"
    old = os.umask(0o022)
    try:
        call_command(
            "outreach",
            "export",
            organisation="Alingsås kommun",
            layout=KAA,
            period="2026H1",
            output=str(target),
        )
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    export = StatutoryExport.objects.get()
    logged = AccessLog.objects.filter(purpose="export", what="statutory_export")
    assert sorted(logged.values_list("person_id", flat=True)) == sorted(export.person_ids)
    assert len(export.person_ids) == 3
    assert {entry.organisation_id for entry in logged} == {swedish_municipality.pk}
