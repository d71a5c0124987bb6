"""The reported NAV measures load whole from the file, on every database."""

from __future__ import annotations

import pytest

from losen.catalogue.models import ReportedMeasure
from losen.catalogue.reported import load_reported, reported_rows

pytestmark = pytest.mark.django_db


def test_every_row_of_the_file_fits_its_columns():
    # SQLite does not enforce a column's length; PostgreSQL refuses the whole load.
    for row in reported_rows():
        for name, value in row.items():
            field = ReportedMeasure._meta.get_field(name)
            if field.max_length is not None:
                assert len(value) <= field.max_length, (row["source_id"], name)


def test_loading_again_adds_only_what_is_missing_and_keeps_the_readings():
    assert load_reported(ReportedMeasure) == 0
    ReportedMeasure.objects.filter(source_id__in=[1, 2]).delete()
    assert load_reported(ReportedMeasure) == 2
    assert ReportedMeasure.objects.count() == 143
    first = ReportedMeasure.objects.get(source_id=1)
    assert first.answers["target_group"]["confidence"] == "medium"
    assert first.office_name == "NAV Lurøy"
