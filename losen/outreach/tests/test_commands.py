"""`losen import-list` and `losen outreach queue`."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from losen.outreach.models import TargetEntry
from losen.outreach.tests.conftest import list_csv, swedish_pnr

RECEIVED = datetime.date(2026, 10, 1)


def test_import_list_imports_and_the_queue_prints_csv(swedish_municipality, kaa_team, tmp_path):
    turns_20 = datetime.date(2006, 10, 5)
    path = tmp_path / "kaa.csv"
    path.write_bytes(
        list_csv(
            [
                {
                    "identity_number": swedish_pnr(datetime.date(2008, 2, 2), 1),
                    "first_name": "Alva",
                    "last_name": "Ek",
                },
                {
                    "identity_number": swedish_pnr(turns_20, 2),
                    "first_name": "Bo",
                    "last_name": "Ek",
                },
            ],
            delimiter=";",
        )
    )
    out = io.StringIO()
    call_command(
        "import-list",
        str(path),
        organisation="Alingsås kommun",
        scheme="kaa",
        date=RECEIVED.isoformat(),
        stdout=out,
    )
    assert "2 new" in out.getvalue()
    out = io.StringIO()
    call_command("outreach", "queue", organisation="Alingsås kommun", date="2026-10-04", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "person_id,name,step,due_date,overdue"
    alva = TargetEntry.objects.get(person__first_name="Alva")
    assert f"{alva.person_id},Alva Ek,phone,2026-10-01,no" in lines
    assert len(lines) == 3
    out = io.StringIO()
    call_command("outreach", "queue", organisation="Alingsås kommun", date="2026-10-20", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1:] == [f"{alva.person_id},Alva Ek,phone,2026-10-01,yes"]  # Bo turned 20
    # Printing the queue is a read of everyone printed, as the queue page is.
    from losen.audit.models import AccessLog

    printed = AccessLog.objects.filter(what="list:outreach").values_list("person_id", flat=True)
    bo = TargetEntry.objects.get(person__first_name="Bo")
    assert sorted(printed) == sorted([alva.person_id, bo.person_id, alva.person_id])


def test_import_list_with_a_bad_row_prints_the_line_and_imports_nothing(
    swedish_municipality, kaa_team, tmp_path
):
    path = tmp_path / "kaa.csv"
    path.write_bytes(
        list_csv(
            [
                {"identity_number": swedish_pnr(datetime.date(2008, 2, 2), 1)},
                {"identity_number": "200802021235", "school_status": "x"},
            ]
        )
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import-list",
            str(path),
            organisation="Alingsås kommun",
            scheme="kaa",
            date=RECEIVED.isoformat(),
            stderr=err,
        )
    assert "line 3:" in err.getvalue()
    assert "200802021235" not in err.getvalue()
    assert not TargetEntry.objects.exists()
