"""The outreach dashboard: the team sees its counts; outside the team 1-4 are hidden."""

from __future__ import annotations

import datetime
import io
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import shown
from losen.lib.dates import add_months
from losen.lib.suppression import KEY_MODULUS
from losen.outreach.actions.ladder import do_log_attempt
from losen.outreach.dashboard import build_board, publish
from losen.outreach.models import TargetEntry
from losen.outreach.views.dashboard import (
    attempts_series,
    attempts_table,
    charts,
    people_series,
    people_table,
    share_series,
)


def listed_on() -> datetime.date:
    """The list came a few days ago, in this month (today, on the 1st)."""
    today = timezone.localdate()
    return today - datetime.timedelta(days=min(3, today.day - 1))


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


ZERO = datetime.time(0, 0)


def put_on_list(import_list, fnr, count):
    import_list(
        [
            {
                "identity_number": fnr(datetime.date(2008, 1, 1) + datetime.timedelta(days=i), i),
                "first_name": f"U{i}",
                "last_name": "X",
            }
            for i in range(count)
        ],
        received_on=listed_on(),
    )


def test_the_month_counts_new_reached_within_14_days_and_attempts_by_step(
    import_list, fnr, coordinator, municipality, team
):
    put_on_list(import_list, fnr, 3)
    first, second, _third = TargetEntry.objects.order_by("id")
    do_log_attempt(coordinator, first, method="phone", result="no_answer")
    do_log_attempt(coordinator, first, method="sms", result="answered")
    do_log_attempt(coordinator, second, method="phone", result="reached")
    board = build_board(
        organisation_id=municipality.pk,
        scheme="ot",
        start=this_month(),
        end=this_month(),
        team_id=team.pk,
        today=timezone.localdate(),
        suppress=False,
    )
    [row] = board.rows
    assert row.values["on_list"] == 3
    assert row.values["new"] == 3
    assert row.values["reached_14"] == 2 and row.values["reached"] == 2
    assert (row.values["phone"], row.values["sms"]) == (2, 1)
    assert round(row.share_14, 2) == 0.67


def test_the_team_sees_small_counts_and_a_manager_does_not(
    client, import_list, fnr, coordinator, manager
):
    put_on_list(import_list, fnr, 3)
    client.force_login(coordinator)
    page = client.get(reverse("outreach:dashboard")).content.decode()
    assert "<td>3</td>" in page
    client.force_login(manager)
    page = client.get(reverse("outreach:dashboard")).content.decode()
    assert "<td>3</td>" not in page
    assert "<td>–</td>" in page


def test_someone_without_a_team_or_organisation_role_gets_404(client, django_user_model):
    user = django_user_model.objects.create_user("ingen@test.no", "x")
    client.force_login(user)
    assert client.get(reverse("outreach:dashboard")).status_code == 404


# --- the chart, the tables, the downloads and the PDF ----------------------------------


def board_for(municipality, team=None, *, suppress):
    return build_board(
        organisation_id=municipality.pk,
        scheme="ot",
        start=add_months(this_month(), -11),
        end=this_month(),
        team_id=team.pk if team else None,
        today=timezone.localdate(),
        suppress=suppress,
    )


@pytest.mark.parametrize("suppress", [False, True])
def test_the_charts_draw_the_figures_of_the_tables_under_them(
    import_list, fnr, coordinator, municipality, team, suppress
):
    put_on_list(import_list, fnr, 6)
    first = TargetEntry.objects.order_by("id").first()
    do_log_attempt(coordinator, first, method="phone", result="reached")
    board = board_for(municipality, None if suppress else team, suppress=suppress)
    people, attempts = people_table(board), attempts_table(board)
    for series in people_series(board):
        column = people.header.index(series.label)
        assert list(series.values) == [row[column] for row in people.rows]
    for series in attempts_series(board):
        column = attempts.header.index(series.label)
        assert list(series.values) == [row[column] for row in attempts.rows]
    [share] = share_series(board)
    column = people.header.index(share.label)
    assert list(share.values) == [
        None if row[column].fraction is None else round(row[column].fraction * 100)
        for row in people.rows
    ]


def test_a_managers_chart_draws_every_month_with_rounded_counts(
    import_list, fnr, municipality, team
):
    put_on_list(import_list, fnr, 3)
    exact = charts(board_for(municipality, team, suppress=False))["people_chart"]
    board = board_for(municipality, suppress=True)
    rounded = charts(board)["people_chart"]
    # "On the list" is the first series: a circle per month, and one in the legend.
    assert exact.count("<circle") == 12 + 1
    assert rounded.count("<circle") == exact.count("<circle")
    assert all(value % 5 == 0 for value in board.column("on_list"))


def test_the_page_shows_each_chart_with_its_table_under_it(client, import_list, fnr, coordinator):
    put_on_list(import_list, fnr, 3)
    client.force_login(coordinator)
    page = client.get(reverse("outreach:dashboard")).content.decode()
    assert page.index("people-chart-desc") < page.index('id="people-table"')
    assert page.index("attempts-chart-desc") < page.index('id="attempts-table"')
    assert shown("Exact figures for your team.") in page
    assert reverse("outreach:dashboard_table", args=["people", "csv"]) in page
    assert reverse("outreach:dashboard_pdf") in page


def test_every_count_and_total_a_manager_sees_is_a_multiple_of_five():
    months = [datetime.date(2026, m, 1) for m in (1, 2, 3)]
    table = [
        # on_list, new, reached_14, reached, in_activity, phone, sms, letter, home_visit
        [20, 3, 0, 0, 6, 2, 7, 0, 0],
        [22, 10, 6, 7, 8, 9, 6, 5, 0],
        [25, 12, 8, 9, 10, 10, 0, 0, 0],
    ]
    keys = [[(7919 * (i + 1) * (j + 3)) % 1000003 for j in range(9)] for i in range(3)]
    board = publish("ot", months, table, suppress=True, keys=keys)
    exact = publish("ot", months, table, suppress=False, keys=keys)
    published = [v for row in board.rows for v in row.values.values()]
    published += list(board.totals.values())
    assert all(v is not None and v % 5 == 0 for v in published)
    monthly = [v for row in board.rows for v in row.values.values()]
    true = [v for row in exact.rows for v in row.values.values()]
    assert all(abs(p - t) < 5 for p, t in zip(monthly, true, strict=True))
    # The totals are the sums of the rounded months: no new rounding to average.
    assert board.totals["new"] == sum(board.column("new"))
    assert board.column("on_list")[0] == 20  # a multiple of five stays as it is
    assert exact.column("new") == [3, 10, 12] and exact.totals["new"] == 25
    assert exact.rows[0].values["attempts"] == 9 and exact.totals["attempts"] == 39


def csv_lines(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return [line.split(";") for line in text.splitlines()]


def people_header() -> list[str]:
    return [
        shown(label)
        for label in (
            "Month",
            "On the list",
            "New on the list",
            "Reached within 14 days",
            "Share reached within 14 days",
            "Reached",
            "In activity",
        )
    ]


def test_a_manager_downloads_the_table_with_the_header_and_the_counts_rounded(
    client, import_list, fnr, manager
):
    put_on_list(import_list, fnr, 3)
    client.force_login(manager)
    url = reverse("outreach:dashboard_table", args=["people", "csv"])
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    title, *lines = csv_lines(response)
    assert title[0].startswith(
        shown("People on the list month by month") + " · Testkommune · OT · "
    )
    assert lines[0] == people_header()
    shown_month = next(line for line in lines if line[0] == this_month().isoformat())
    # On the list and new are the same three people: rounded alike, to 0 or 5. Nobody
    # reached is 0, which names nobody.
    assert shown_month[1] == shown_month[2]
    assert shown_month[1] in ("0", "5")
    assert shown_month[3] == "0"
    assert "3" not in shown_month

    response = client.get(reverse("outreach:dashboard_table", args=["people", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    title, *rows = sheet.iter_rows(values_only=True)
    assert title[0].startswith(shown("People on the list month by month"))
    assert list(rows[0]) == people_header()
    row = next(row for row in rows if row[0] == datetime.datetime.combine(this_month(), ZERO))
    assert row[1:4] == (int(shown_month[1]), int(shown_month[2]), 0)


def test_the_team_downloads_its_exact_counts(client, import_list, fnr, coordinator):
    put_on_list(import_list, fnr, 3)
    client.force_login(coordinator)
    title, *lines = csv_lines(
        client.get(reverse("outreach:dashboard_table", args=["attempts", "csv"]))
    )
    assert " · Ungteam · OT · " in title[0]
    assert lines[0][0] == shown("Month") and lines[0][-1] == shown("All attempts")
    people = csv_lines(client.get(reverse("outreach:dashboard_table", args=["people", "csv"])))
    shown_month = next(line for line in people if line[0] == this_month().isoformat())
    assert shown_month[1:3] == ["3", "3"]


@pytest.mark.parametrize("persona", ["coordinator", "manager"])
def test_the_whole_dashboard_is_a_pdf(client, import_list, fnr, persona, request):
    put_on_list(import_list, fnr, 3)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("outreach:dashboard_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    whose = (
        " · Testkommune · Ungteam · OT · " if persona == "coordinator" else " · Testkommune · OT · "
    )
    assert " ".join(text.split()).startswith(shown("Outreach: figures month by month") + whose)


def test_an_outsider_gets_404_for_the_page_the_downloads_and_the_pdf(
    client, import_list, fnr, outsider, team
):
    put_on_list(import_list, fnr, 5)
    client.force_login(outsider)
    for url in (
        reverse("outreach:dashboard"),
        reverse("outreach:dashboard_pdf"),
        reverse("outreach:dashboard_table", args=["people", "csv"]),
        reverse("outreach:dashboard_table", args=["attempts", "xlsx"]),
    ):
        assert client.get(url, {"team": team.pk}).status_code == 404, url


def test_a_colleague_in_another_team_gets_404_for_this_team(client, colleague, team):
    client.force_login(colleague)
    assert client.get(reverse("outreach:dashboard"), {"team": team.pk}).status_code == 404


def test_an_unknown_table_is_404(client, coordinator):
    client.force_login(coordinator)
    url = reverse("outreach:dashboard_table", args=["people", "csv"]).replace("people", "nope")
    assert client.get(url).status_code == 404


@hypothesis_settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(0, 40), min_size=9, max_size=9),
            st.lists(st.integers(0, KEY_MODULUS - 1), min_size=9, max_size=9),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_no_sum_or_difference_of_a_managers_outreach_figures_is_a_small_count(months):
    table = [counts for counts, _keys in months]
    keys = [keys for _counts, keys in months]
    firsts = [add_months(datetime.date(2026, 1, 1), k) for k in range(len(months))]
    board = publish("ot", firsts, table, suppress=True, keys=keys)
    published = [v for row in board.rows for v in row.values.values()]
    published += list(board.totals.values())
    # Every figure is a multiple of five, so any sum or difference of them is too.
    assert all(value % 5 == 0 for value in published)
    exact = publish("ot", firsts, table, suppress=False, keys=keys)
    monthly = [v for row in board.rows for v in row.values.values()]
    true = [v for row in exact.rows for v in row.values.values()]
    assert all(abs(p - t) < 5 for p, t in zip(monthly, true, strict=True))
    assert all(
        board.totals[name] == sum(board.column(name)) for name in board.totals if name != "attempts"
    )
