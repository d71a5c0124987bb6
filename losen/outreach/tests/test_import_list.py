"""Importing a target list: all or nothing, matched on identity number, idempotent."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from losen.audit.models import ChangeLog
from losen.outreach import importer
from losen.outreach.actions.lists import do_import_list
from losen.outreach.models import (
    LeaveReason,
    ListImport,
    ListMembership,
    StatusChange,
    TargetEntry,
)
from losen.outreach.queries.ladder import entries_visible_to
from losen.outreach.tests.conftest import list_csv
from losen.people.models import Follow, Person

FEB = datetime.date(2026, 2, 1)
MAR = datetime.date(2026, 3, 1)


def rows(fnr, *births):
    return [
        {"identity_number": fnr(b, i), "first_name": f"Ung{i}", "last_name": "Hansen"}
        for i, b in enumerate(births)
    ]


def test_a_list_registers_new_people_and_puts_them_on_the_list(import_list, fnr, team):
    summary = import_list(
        rows(fnr, datetime.date(2008, 1, 5), datetime.date(2007, 6, 1)), received_on=FEB
    )
    assert (summary.rows, summary.new, summary.people_created) == (2, 2, 2)
    entries = TargetEntry.objects.filter(scheme="ot")
    assert entries.count() == 2
    assert set(entries.values_list("listed_on", flat=True)) == {FEB}
    assert Follow.objects.filter(team=team).count() == 2
    assert set(StatusChange.objects.values_list("code", flat=True)) == {"OTUK"}
    person = Person.objects.get(first_name="Ung0")
    assert person.birth_date == datetime.date(2008, 1, 5)
    assert person.id_number_hash and person.id_number_masked.endswith("*****")


def test_a_registered_person_is_joined_never_duplicated(import_list, fnr, register, coordinator):
    number = fnr(datetime.date(2008, 1, 5), 7)
    existing = register(
        first_name="Nora", identity_number=number, birth_date=datetime.date(2008, 1, 5)
    )
    summary = import_list(
        [{"identity_number": number, "first_name": "NORA", "last_name": "Hansen"}],
        received_on=FEB,
    )
    assert (summary.new, summary.people_created, summary.not_opened) == (1, 0, 0)
    assert Person.objects.count() == 1
    existing.refresh_from_db()
    assert existing.first_name == "Nora"  # the record is left as it is
    assert TargetEntry.objects.get().person == existing


def test_a_registered_number_with_another_name_refuses_the_list_and_names_nobody(
    import_list, fnr, register
):
    number = fnr(datetime.date(2008, 1, 5), 7)
    register(first_name="Nora", identity_number=number, birth_date=datetime.date(2008, 1, 5))
    good = rows(fnr, datetime.date(2007, 6, 1))
    with pytest.raises(importer.ImportRefused) as refused:
        import_list(
            [*good, {"identity_number": number, "first_name": "Annet", "last_name": "Navn"}],
            received_on=FEB,
        )
    [error] = refused.value.errors
    assert error.line == 3
    assert error.reason == gettext(
        "This number belongs to a person with another name; check the number."
    )
    assert "Nora" not in str(refused.value) + error.reason
    assert Person.objects.count() == 1
    assert TargetEntry.objects.count() == ListImport.objects.count() == 0


def test_a_listed_person_another_team_follows_is_not_opened_to_the_importing_team(
    import_list, fnr, register, coordinator, colleague, other_team, team, client
):
    number = fnr(datetime.date(2008, 1, 5), 7)
    theirs = register(
        first_name="Nora",
        identity_number=number,
        birth_date=datetime.date(2008, 1, 5),
        actor=colleague,
        in_team=other_team,
    )
    summary = import_list(
        [
            *rows(fnr, datetime.date(2007, 6, 1)),
            {"identity_number": number, "first_name": "Nora", "last_name": "Hansen"},
        ],
        received_on=FEB,
    )
    assert (summary.new, summary.not_opened, summary.not_opened_lines) == (2, 1, [3])
    assert not Follow.objects.filter(person=theirs, team=team).exists()
    entry = TargetEntry.objects.get(person=theirs)
    assert entry.team == team
    assert not entries_visible_to(coordinator).filter(pk=entry.pk).exists()
    client.force_login(coordinator)
    assert client.get(reverse("people:detail", args=[theirs.pk])).status_code == 404


def test_an_import_with_one_bad_row_imports_nothing_and_names_the_line(import_list, fnr):
    good = rows(fnr, datetime.date(2008, 1, 5), datetime.date(2007, 6, 1))
    bad = {"identity_number": "12345678901", "first_name": "Feil", "last_name": "Nummer"}
    with pytest.raises(importer.ImportRefused) as refused:
        import_list([*good, bad, {**good[0], "school_status": "sleeping"}], received_on=FEB)
    lines = [error.line for error in refused.value.errors]
    assert lines == [4, 5]
    assert "12345678901" not in " ".join(str(e) for e in refused.value.errors)
    assert "school_status" in str(refused.value.errors[1])
    assert Person.objects.count() == 0
    assert TargetEntry.objects.count() == ListImport.objects.count() == 0


def test_the_same_list_twice_changes_nothing(import_list, fnr):
    listed = rows(fnr, datetime.date(2008, 1, 5), datetime.date(2007, 6, 1))
    import_list(listed, received_on=FEB)
    counts = [
        model.objects.count()
        for model in (Person, TargetEntry, ListImport, ListMembership, StatusChange, ChangeLog)
    ]
    again = import_list(list(reversed(listed)), received_on=FEB)
    assert again.already_imported
    assert counts == [
        model.objects.count()
        for model in (Person, TargetEntry, ListImport, ListMembership, StatusChange, ChangeLog)
    ]


def test_the_next_list_shows_who_is_new_who_stayed_and_who_left(import_list, fnr):
    first = rows(
        fnr, datetime.date(2008, 1, 5), datetime.date(2007, 6, 1), datetime.date(2009, 3, 3)
    )
    import_list(first, received_on=FEB)
    newcomer = {
        "identity_number": fnr(datetime.date(2010, 4, 4), 40),
        "first_name": "Ny",
        "last_name": "Person",
    }
    summary = import_list([first[0], first[2], newcomer], received_on=MAR)
    assert (summary.new, summary.stayed, summary.left) == (1, 2, 1)
    gone = TargetEntry.objects.get(person__first_name="Ung1")
    assert gone.left_on == MAR
    assert gone.left_reason == LeaveReason.NOT_ON_LIST
    latest = ListImport.objects.get(received_on=MAR)
    changes = dict(latest.members.values_list("person__first_name", "change"))
    assert changes == {"Ung0": "stayed", "Ung2": "stayed", "Ny": "new", "Ung1": "left"}


def test_someone_who_aged_out_leaves_on_the_day_the_age_rule_took_them_out(
    import_kaa, swedish_municipality
):
    from losen.outreach.tests.conftest import swedish_pnr

    birth = datetime.date(2006, 2, 10)  # 20 on 2026-02-10
    young = datetime.date(2009, 5, 5)
    listed = [
        {"identity_number": swedish_pnr(birth, 11), "first_name": "Elsa", "last_name": "Berg"},
        {"identity_number": swedish_pnr(young, 12), "first_name": "Olle", "last_name": "Berg"},
    ]
    import_kaa(listed, received_on=datetime.date(2026, 1, 15))
    summary = import_kaa(listed[1:], received_on=MAR)
    entry = TargetEntry.objects.get(person__first_name="Elsa")
    assert entry.left_on == datetime.date(2026, 2, 10)
    assert entry.left_reason == LeaveReason.TURNED_20
    assert summary.left_reasons == {"turned_20": 1}


def test_a_list_dated_before_the_last_one_is_refused(import_list, fnr):
    import_list(rows(fnr, datetime.date(2008, 1, 5)), received_on=MAR)
    with pytest.raises(importer.ImportRefused):
        import_list(rows(fnr, datetime.date(2007, 1, 5)), received_on=FEB)


def test_a_swedish_list_cannot_go_to_a_norwegian_organisation(import_list, fnr):
    with pytest.raises(importer.ImportRefused):
        import_list(rows(fnr, datetime.date(2008, 1, 5)), received_on=FEB, scheme="kaa")


def test_semicolons_and_xlsx_read_the_same(coordinator, team, municipality, fnr, tmp_path):
    import openpyxl

    listed = rows(fnr, datetime.date(2008, 1, 5))
    semicolons = list_csv(listed, delimiter=";")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in semicolons.decode().splitlines():
        sheet.append(line.split(";"))
    path = tmp_path / "liste.xlsx"
    workbook.save(path)
    with path.open("rb") as stream:
        summary = do_import_list(
            coordinator,
            "liste.xlsx",
            stream,
            organisation=municipality,
            team=team,
            scheme="ot",
            received_on=FEB,
        )
    assert summary.new == 1
    again = do_import_list(
        coordinator,
        "liste.csv",
        io.BytesIO(semicolons),
        organisation=municipality,
        team=team,
        scheme="ot",
        received_on=FEB,
    )
    assert again.already_imported


def test_a_list_over_the_row_limit_is_refused_and_nothing_is_imported(import_list, fnr, settings):
    settings.LOSEN_IMPORT_MAX_ROWS = 2
    births = [datetime.date(2008, 1, 5), datetime.date(2007, 6, 1), datetime.date(2008, 3, 3)]
    with translation.override("en"), pytest.raises(importer.ImportRefused) as refused:
        import_list(rows(fnr, *births), received_on=FEB)
    assert (
        str(refused.value)
        == "liste.csv: the file has more than 2 rows; split it into several files."
    )
    assert not Person.objects.exists()
    assert not ListImport.objects.exists()


def test_the_problems_of_a_list_are_told_in_norwegian_and_swedish(import_list, fnr):
    bad = [{"identity_number": "", "first_name": "Ung", "last_name": "Hansen"}]
    for language, words in (("nb", "identity_number er tom"), ("sv", "identity_number är tom")):
        with translation.override(language), pytest.raises(importer.ImportRefused) as refused:
            import_list(bad, received_on=FEB)
        assert words in str(refused.value.errors[0])
        assert "nothing was imported" not in str(refused.value)


def test_the_command_speaks_the_language_asked_for(tmp_path, team, fnr, capsys):
    from django.core.management import CommandError, call_command

    path = tmp_path / "liste.csv"
    path.write_bytes(list_csv([{"identity_number": "", "first_name": "A", "last_name": "B"}]))
    with pytest.raises(CommandError) as refused:
        call_command(
            "import-list",
            str(path),
            organisation="Testkommune",
            scheme="ot",
            date=FEB.isoformat(),
            language="nb",
        )
    assert "ingenting er importert" in str(refused.value)
    assert "linje 2: identity_number er tom" in capsys.readouterr().err
