"""A history file's dates written the Norwegian way (DD.MM.YYYY), read as its birth dates."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command

from losen.imports.tests.test_import_history import ROWS, counts, run, write_csv
from losen.people.models import Person
from losen.programs.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(municipality):
    return Measure.objects.create(
        organisation=municipality, name="Klart jeg kan", kind=Measure.Kind.COURSE, planned_weeks=8
    )


def norwegian(day: str) -> str:
    """2005-04-02 -> 02.04.2005 (empty stays empty)."""
    return datetime.date.fromisoformat(day).strftime("%d.%m.%Y") if day else ""


DATE_CELLS = (1, 2, 5, 6)
NORWEGIAN_ROWS = [
    [norwegian(v) if i in DATE_CELLS else v for i, v in enumerate(row)] for row in ROWS
]


def test_a_history_with_dates_written_dd_mm_yyyy_registers_the_birth_dates(tmp_path, team, measure):
    run(write_csv(tmp_path, NORWEGIAN_ROWS))
    born = dict(Person.objects.values_list("last_name", "birth_date"))
    assert born["P-1"] == datetime.date(2005, 4, 2)
    assert born["P-4"] == datetime.date(2006, 1, 5)


def test_the_same_history_with_iso_dates_is_the_same_history(tmp_path, team, measure, capsys):
    run(write_csv(tmp_path, NORWEGIAN_ROWS, name="norsk.csv"))
    after_first = counts()
    call_command("import-history", str(write_csv(tmp_path, ROWS)), organisation="Testkommune")
    assert counts() == after_first
    assert "(4 unchanged, 0 changed since)" in capsys.readouterr().out


def test_a_birth_date_with_a_two_digit_year_is_refused_in_norwegian(
    tmp_path, team, measure, capsys
):
    rows = [["P-1", "02.04.05", *ROWS[0][2:]], *ROWS[1:]]
    with pytest.raises(CommandError):
        run(write_csv(tmp_path, rows), language="nb")
    assert not Person.objects.exists()
    assert (
        "linje 2: birth_date '02.04.05' er ikke en dato (DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD)"
        in capsys.readouterr().err
    )
