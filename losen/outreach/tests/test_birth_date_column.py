"""A target list's optional birth_date column, and age rules that read the registered date.

A D-number's or samordningsnummer's date may be the day it was registered, and a number
of the 2032 series tells no century: the birth date is a fact of its own.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation

from losen.outreach import importer
from losen.outreach.actions.lists import do_import_list
from losen.outreach.ladder import queue
from losen.outreach.models import LeaveReason, ListImport, TargetEntry
from losen.outreach.tests.conftest import HEADER, list_csv, swedish_pnr
from losen.people.models import Person

FEB = datetime.date(2026, 2, 1)
OCT = datetime.date(2026, 10, 1)
WITH_BIRTH_DATES = HEADER + ",birth_date"


@pytest.fixture
def import_dated(coordinator, team, municipality):
    """Import an OT list with a birth_date column into Ungteam, Testkommune."""

    def run(rows, *, received_on=FEB):
        return do_import_list(
            coordinator,
            "liste.csv",
            io.BytesIO(list_csv(rows, header=WITH_BIRTH_DATES)),
            organisation=municipality,
            team=team,
            scheme="ot",
            received_on=received_on,
        )

    return run


@pytest.fixture
def import_kaa_dated(kaa_coordinator, kaa_team, swedish_municipality):
    def run(rows, *, received_on, header=WITH_BIRTH_DATES):
        return do_import_list(
            kaa_coordinator,
            "kaa.csv",
            io.BytesIO(list_csv(rows, header=header)),
            organisation=swedish_municipality,
            team=kaa_team,
            scheme="kaa",
            received_on=received_on,
        )

    return run


def test_a_list_with_a_birth_date_column_registers_its_dates_in_either_format(import_dated, fnr):
    summary = import_dated(
        [
            {
                "identity_number": fnr(datetime.date(2008, 1, 5), 1),
                "first_name": "Iso",
                "birth_date": "2008-01-05",
            },
            {
                "identity_number": fnr(datetime.date(2007, 6, 1), 2),
                "first_name": "Norsk",
                "birth_date": "01.06.2007",
            },
            {"identity_number": fnr(datetime.date(2009, 3, 9), 3), "first_name": "Tom"},
        ]
    )
    assert (summary.rows, summary.new, summary.people_created) == (3, 3, 3)
    born = dict(Person.objects.values_list("first_name", "birth_date"))
    assert born == {
        "Iso": datetime.date(2008, 1, 5),
        "Norsk": datetime.date(2007, 6, 1),
        "Tom": datetime.date(2009, 3, 9),
    }


def test_a_d_number_is_registered_with_the_columns_birth_date_and_the_ot_window_reads_it(
    import_dated, fnr
):
    # The D-number's date (2000) is outside OT's window in 2026 (15-24); the birth date is not.
    number = fnr(datetime.date(2000, 5, 1), 4, d_number=True)
    summary = import_dated([{"identity_number": number, "birth_date": "01.05.2008"}])
    assert (summary.new, summary.excluded) == (1, 0)
    assert Person.objects.get().birth_date == datetime.date(2008, 5, 1)
    assert len(queue(TargetEntry.objects.all(), day=FEB)) == 1


def test_a_fodselsnummer_with_another_birth_date_in_the_column_refuses_the_list(import_dated, fnr):
    with pytest.raises(importer.ImportRefused) as refused:
        import_dated(
            [
                {"identity_number": fnr(datetime.date(2008, 1, 5), 1)},
                {"identity_number": fnr(datetime.date(2007, 6, 1), 2), "birth_date": "2007-06-02"},
            ]
        )
    [error] = refused.value.errors
    assert error.line == 3
    assert "stemmer ikke med fødselsnummeret" in error.reason
    assert not Person.objects.exists()


def test_a_number_of_the_2032_series_is_registered_with_the_columns_birth_date(import_dated, fnr):
    number = fnr(datetime.date(2009, 2, 2), 5, series_2032=True)
    import_dated([{"identity_number": number, "birth_date": "2009-02-02"}])
    person = Person.objects.get()
    assert person.birth_date == datetime.date(2009, 2, 2)
    assert TargetEntry.objects.get().person == person


def test_a_number_of_the_2032_series_without_a_birth_date_refuses_the_list_in_norwegian(
    import_list, fnr
):
    good = {"identity_number": fnr(datetime.date(2008, 1, 5), 1)}
    new_series = {"identity_number": fnr(datetime.date(2009, 2, 2), 5, series_2032=True)}
    with translation.override("nb"), pytest.raises(importer.ImportRefused) as refused:
        import_list([good, new_series], received_on=FEB)
    [error] = refused.value.errors
    assert error.line == 3
    assert "viser ikke fødselsåret" in error.reason
    assert "birth_date-kolonne" in error.reason
    assert not Person.objects.exists()
    assert not ListImport.objects.exists()


def test_a_bad_birth_date_refuses_the_whole_list_with_a_clear_message_in_norwegian(
    import_dated, fnr
):
    rows = [
        {"identity_number": fnr(datetime.date(2008, 1, 5), 1), "birth_date": "2008-01-05"},
        {"identity_number": fnr(datetime.date(2007, 6, 1), 2), "birth_date": "31.02.2007"},
        {"identity_number": fnr(datetime.date(2009, 3, 9), 3), "birth_date": "09.03.09"},
    ]
    with translation.override("nb"), pytest.raises(importer.ImportRefused) as refused:
        import_dated(rows)
    assert "2 av 3 rader har feil" in str(refused.value)
    assert [(e.line, e.reason) for e in refused.value.errors] == [
        (3, "birth_date '31.02.2007' er ikke en dato (DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD)"),
        (4, "birth_date '09.03.09' er ikke en dato (DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD)"),
    ]
    assert not Person.objects.exists()
    assert not TargetEntry.objects.exists()
    assert not ListImport.objects.exists()


def test_a_birth_date_in_the_future_is_a_row_error(import_dated, fnr, today):
    number = fnr(datetime.date(2008, 1, 5), 1, d_number=True)
    tomorrow = today + datetime.timedelta(days=1)
    with pytest.raises(importer.ImportRefused) as refused:
        import_dated([{"identity_number": number, "birth_date": tomorrow.isoformat()}])
    assert "er fram i tid" in refused.value.errors[0].reason


def test_a_registered_d_number_is_joined_by_a_list_without_the_column_and_keeps_its_birth_date(
    import_list, fnr, register
):
    # Registered with the birth date from the population register; the number says 2000,
    # which would put the person outside OT's window (and refuse the row as someone else).
    number = fnr(datetime.date(2000, 5, 1), 4, d_number=True)
    young = register(identity_number=number, birth_date=datetime.date(2008, 5, 1))
    summary = import_list(
        [{"identity_number": number, "first_name": "Nora", "last_name": "Hansen"}], received_on=FEB
    )
    assert (summary.new, summary.excluded, summary.people_created) == (1, 0, 0)
    young.refresh_from_db()
    assert young.birth_date == datetime.date(2008, 5, 1)
    assert TargetEntry.objects.get().person == young


def test_a_registered_d_number_with_another_date_in_the_column_refuses_the_list(
    import_dated, fnr, register
):
    number = fnr(datetime.date(2000, 5, 1), 4, d_number=True)
    register(identity_number=number, birth_date=datetime.date(2008, 5, 1))
    with pytest.raises(importer.ImportRefused) as refused:
        import_dated(
            [
                {
                    "identity_number": number,
                    "first_name": "Nora",
                    "last_name": "Hansen",
                    "birth_date": "2008-05-02",
                }
            ]
        )
    assert "annen fødselsdato" in refused.value.errors[0].reason


def test_kaa_counts_the_20th_birthday_from_the_registered_birth_date(import_kaa_dated):
    # The samordningsnummer's date says 18 on the first list; the birth date says 19, and
    # the 20th birthday falls on 10 May 2026, between the two lists.
    number = swedish_pnr(datetime.date(2007, 9, 9), 7, samordningsnummer=True)
    import_kaa_dated([{"identity_number": number, "birth_date": "2006-05-10"}], received_on=FEB)
    entries = TargetEntry.objects.all()
    assert len(queue(entries, day=datetime.date(2026, 5, 9))) == 1
    assert queue(entries, day=datetime.date(2026, 5, 10)) == []
    other = {"identity_number": swedish_pnr(datetime.date(2008, 1, 1), 8)}
    summary = import_kaa_dated([other], received_on=OCT)
    entry = TargetEntry.objects.get(person__birth_date=datetime.date(2006, 5, 10))
    assert entry.left_on == datetime.date(2026, 5, 10)
    assert entry.left_reason == LeaveReason.TURNED_20
    assert summary.left_reasons == {"turned_20": 1}


def test_kaa_keeps_someone_whose_samordningsnummer_says_20_but_whose_birth_date_says_19(
    import_kaa_dated,
):
    number = swedish_pnr(datetime.date(2005, 3, 1), 7, samordningsnummer=True)
    summary = import_kaa_dated(
        [{"identity_number": number, "birth_date": "2007-03-01"}], received_on=OCT
    )
    assert (summary.new, summary.excluded) == (1, 0)


def test_the_same_list_with_the_column_imported_again_writes_nothing(import_dated, fnr):
    rows = [{"identity_number": fnr(datetime.date(2008, 1, 5), 1), "birth_date": "05.01.2008"}]
    import_dated(rows)
    again = import_dated([{**rows[0], "birth_date": "2008-01-05"}])
    assert again.already_imported
    assert ListImport.objects.count() == 1


def test_the_upload_page_documents_the_birth_date_column(client, team_lead):
    client.force_login(team_lead)
    page = client.get(reverse("outreach:upload")).content.decode()
    assert "birth_date" in page
    assert "fra 2032" in page
