"""The county question offers the counties of the report's year (counties.json)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from losen.grants.actions import do_create_grant_report, do_save_grant_answers
from losen.grants.models import GrantReport, GrantReportVersion
from losen.grants.questions import counties_for
from losen.grants.tests.conftest import form_data

pytestmark = pytest.mark.django_db


def options(page: str) -> set[str]:
    select = re.search(r'<select name="county".*?</select>', page, re.S).group(0)
    return set(re.findall(r'<option value="([^"]+)"', select))


def test_the_counties_of_2020_to_2023_are_viken_and_the_others_of_that_time():
    for year in (2020, 2022, 2023):
        counties = counties_for(year)
        assert {"Viken", "Vestfold og Telemark", "Troms og Finnmark"} <= set(counties)
        assert not {"Buskerud", "Akershus", "Østfold", "Vestfold", "Troms"} & set(counties)
        assert len(counties) == 11
    counties = set(counties_for(2024))
    assert {"Buskerud", "Akershus", "Østfold", "Vestfold", "Telemark", "Troms", "Finnmark"} <= (
        counties
    )
    assert "Viken" not in counties
    assert counties_for(2030) == counties_for(2024)


def test_a_report_for_2022_is_written_with_viken(client, coordinator, measure, complete_answers):
    report = do_create_grant_report(coordinator, measure, year=2022, kind="final")
    client.force_login(coordinator)
    url = reverse("grants:edit", args=[report.pk])
    offered = options(client.get(url).content.decode())
    assert "Viken" in offered
    assert "Buskerud" not in offered
    response = client.post(url, form_data({**complete_answers, "county": "Viken"}, version=0))
    assert response.status_code == 302
    assert GrantReportVersion.objects.get(report=report).answers["county"] == "Viken"


def test_a_report_for_2025_refuses_viken_and_offers_buskerud(
    client, coordinator, report, complete_answers
):
    client.force_login(coordinator)
    url = reverse("grants:edit", args=[report.pk])
    offered = options(client.get(url).content.decode())
    assert "Buskerud" in offered
    assert "Viken" not in offered
    response = client.post(url, form_data({**complete_answers, "county": "Viken"}, version=0))
    assert response.status_code == 200
    assert not GrantReportVersion.objects.exists()


def test_a_saved_county_of_another_list_stays_readable_and_selected(
    client, coordinator, report, complete_answers
):
    do_save_grant_answers(
        coordinator, report, expected_version=0, answers={**complete_answers, "county": "Viken"}
    )
    client.force_login(coordinator)
    page = client.get(reverse("grants:edit", args=[report.pk])).content.decode()
    assert re.search(r'<option value="Viken" selected', page)
    assert "Viken" in client.get(reverse("grants:detail", args=[report.pk])).content.decode()


def test_last_years_county_is_not_carried_into_a_year_where_it_no_longer_exists(
    client, coordinator, measure, complete_answers
):
    last_year = do_create_grant_report(coordinator, measure, year=2023, kind="status")
    do_save_grant_answers(
        coordinator, last_year, expected_version=0, answers={**complete_answers, "county": "Viken"}
    )
    client.force_login(coordinator)
    client.post(reverse("grants:new"), {"measure": measure.pk, "year": 2024, "kind": "status"})
    report = GrantReport.objects.get(year=2024)
    page = client.get(reverse("grants:edit", args=[report.pk])).content.decode()
    assert "Viken" not in options(page)
    assert not re.search(r'<option value="[^"]+" selected', page.split('name="county"')[1][:3000])
