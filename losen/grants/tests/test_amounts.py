"""Amounts read as the language writes them (12 000, not 12000); JSON keeps numbers."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import translation

from losen.grants.actions import do_save_grant_answers
from losen.lib.amounts import format_amount

pytestmark = pytest.mark.django_db

GROUPED = "10\u00a0000"  # the measure's 10,000 kroner a month, grouped with a no-break space


@pytest.mark.parametrize("language", ["nb", "sv"])
def test_an_amount_is_grouped_by_thousands_with_a_no_break_space(language):
    with translation.override(language):
        assert format_amount(12000) == "12\u00a0000"
        assert format_amount(1234567) == "1\u00a0234\u00a0567"
        assert format_amount(41.5) == "41,5"


def test_the_report_page_shows_the_costs_grouped_by_thousands(client, team_lead, report):
    client.force_login(team_lead)
    response = client.get(reverse("grants:detail", args=[report.pk]))
    monthly = response.context["cost_rows"][0][1]
    assert monthly == GROUPED
    assert GROUPED in response.content.decode()


def test_the_csv_groups_the_costs_but_the_json_keeps_them_as_numbers(
    client, coordinator, team_lead, report, complete_answers
):
    do_save_grant_answers(coordinator, report, expected_version=0, answers=complete_answers)
    client.force_login(team_lead)
    response = client.get(reverse("grants:csv", args=[report.pk]))
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    by_key = {row[0]: row for row in csv.reader(io.StringIO(body), delimiter=";")}
    assert by_key["figures.monthly_cost"][2] == GROUPED
    data = json.loads(client.get(reverse("grants:json", args=[report.pk])).content)
    assert data["figures"]["cost"]["monthly_cost"] == 10000
