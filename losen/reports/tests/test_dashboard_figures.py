"""The dashboard's times, cost month by month, cost per exit, adults per six, and exports."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from conftest import shown
from losen.cases.actions.core import do_open_case, do_record_event
from losen.cases.models import CaseEvent, EventKind
from losen.lib.charts import nice_max
from losen.lib.exporters import sheet_title
from losen.outcomes.codes import TOP_LEVEL
from losen.programs.models import Enrolment, Measure
from losen.reports.dashboard import _quantile

pytestmark = pytest.mark.django_db

D = datetime.date
PERIOD = {"start": "2025-01", "end": "2025-03"}


@pytest.fixture
def make_case(register, team):
    made = []

    def make(referred_on, *, contact_on=None, started_on=None, exited_on=None, top="work"):
        person = register(first_name=f"Ung{len(made)}", in_team=team)
        case = do_open_case(None, person, team, opened_on=referred_on)
        do_record_event(None, case, EventKind.REFERRED, effective_on=referred_on)
        if contact_on:
            do_record_event(None, case, EventKind.CONSENT_GIVEN, effective_on=contact_on)
        if started_on:
            do_record_event(None, case, EventKind.ENROLMENT_STARTED, effective_on=started_on)
        if exited_on:
            do_record_event(
                None,
                case,
                EventKind.EXIT,
                effective_on=exited_on,
                data={"code": f"{top}.x", "top_code": top},
            )
        made.append(case)
        return case

    return make


def board_for(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("reports:dashboard"), {**PERIOD, **params})
    assert response.status_code == 200
    return response


def test_quantiles_of_counted_days_match_the_inclusive_method():
    # 1, 2, 2, 10: median 2, quartiles 1.75 and 4
    histogram = [(1, 1), (2, 2), (10, 1)]
    assert _quantile(histogram, 4, 0.5) == 2
    assert _quantile(histogram, 4, 0.25) == 1.75
    assert _quantile(histogram, 4, 0.75) == 4
    assert _quantile([(7, 1)], 1, 0.5) == 7


def test_the_team_sees_median_days_from_referral_to_contact_start_and_exit(
    client, coordinator, make_case
):
    make_case(D(2025, 1, 1), contact_on=D(2025, 1, 3), started_on=D(2025, 1, 11))
    make_case(D(2025, 1, 1), contact_on=D(2025, 1, 5), started_on=D(2025, 1, 21))
    make_case(D(2025, 1, 1), contact_on=D(2025, 1, 9), started_on=D(2025, 2, 1))
    make_case(D(2024, 12, 1), started_on=D(2024, 12, 10), exited_on=D(2025, 3, 1))
    board = board_for(client, coordinator).context["board"]
    january, february, march = board.times
    # First contact: 2, 4, 8 days, and the start of the fourth case (9 days) in December
    # is outside the period.
    assert january.in_month["contact"].cases == 3
    assert january.in_month["contact"].median == 4
    assert january.in_month["contact"].lower_quartile == 3
    assert january.in_month["contact"].upper_quartile == 6
    assert january.in_month["start"].cases == 2
    assert january.in_month["start"].median == 15  # 10 and 20 days
    assert february.in_month["start"].median == 31
    assert february.so_far["start"].cases == 3
    assert february.so_far["start"].median == 20
    assert march.in_month["exit"].median == 90  # 1 Dec 2024 to 1 Mar 2025
    assert board.times_total["start"].cases == 3


def test_a_manager_does_not_see_a_median_of_a_few_cases(client, manager, make_case):
    make_case(D(2025, 1, 1), started_on=D(2025, 1, 11))
    make_case(D(2025, 1, 1), started_on=D(2025, 1, 21))
    response = board_for(client, manager)
    january = response.context["board"].times[0]
    assert january.in_month["start"].cases in (0, 5)  # two cases never read as 2
    assert january.in_month["start"].median is None
    row = response.context["tables"]["times"]["rows"][0]
    assert row[5:9] == [str(january.in_month["start"].cases), "–", "–", "–"]


def test_a_median_is_hidden_exactly_when_the_rounded_count_is_five_or_less(
    client, manager, make_case
):
    for month, starts in ((1, 7), (2, 5), (3, 12)):
        for day in range(1, starts + 1):
            make_case(D(2025, month, 1), started_on=D(2025, month, day))
    months = board_for(client, manager).context["board"].times
    spreads = [month.in_month["start"] for month in months]
    assert [s.cases for s in spreads][1] == 5  # a multiple of five stays as it is
    for spread in spreads:
        assert (spread.median is None) == (spread.cases <= 5)


def test_cost_per_month_per_participant_and_per_exit_to_work_or_education(
    client, team_lead, make_case, municipality
):
    measure = Measure.objects.create(
        organisation=municipality,
        name="Arbeidstrening",
        kind="work_training",
        monthly_cost=3044,
        adults=Decimal(2),
    )
    for _n in range(3):
        case = make_case(D(2024, 12, 1), started_on=D(2025, 1, 1), exited_on=D(2025, 2, 1))
        Enrolment.objects.create(
            organisation=municipality,
            case=case,
            measure=measure,
            status="ended",
            start_on=D(2025, 1, 1),
            end_on=D(2025, 1, 30),
        )
    board = board_for(client, team_lead).context["board"]
    january, february, march = board.cost_months
    # 3 people × 30 days = 90 participant-days; at 3,044 a month of 30.44 days: 100 a day.
    assert january.participants == 3
    assert january.cost == Decimal(9000)
    assert january.cost_per_participant_month == Decimal(3044)
    # 2 adults for a mean of 90/31 participants in January: 2 × 6 / 2.903 = 4.1
    assert january.adults_per_six == Decimal("4.1")
    assert january.exits_to_work_or_education_so_far == 0
    assert january.cost_per_exit_so_far is None
    assert february.cost == 0
    assert february.cost_so_far == Decimal(9000)
    assert february.exits_to_work_or_education_so_far == 3
    assert february.cost_per_exit_so_far == Decimal(3000)
    assert march.cost_per_participant_so_far == Decimal(3000)
    assert board.total_cost_per_exit == Decimal(3000)
    (row,) = board.costs
    # Over the period (90 days counted), a mean of 1 participant: 2 × 6 / 1 = 12.
    assert row.adults_per_six == Decimal("12.0")


def test_a_corrected_start_date_moves_the_time_to_start(client, coordinator, make_case):
    case = make_case(D(2025, 1, 1), started_on=D(2025, 1, 11))
    start = CaseEvent.objects.get(case=case, kind=EventKind.ENROLMENT_STARTED)
    do_record_event(None, case, EventKind.CORRECTION, effective_on=D(2025, 1, 6), corrects=start)
    board = board_for(client, coordinator).context["board"]
    assert board.times[0].in_month["start"].median == 5


@pytest.mark.parametrize("key", ["exits", "durability", "times", "times-so-far", "flow"])
def test_every_table_downloads_as_csv_and_excel_with_the_pages_figures(
    client, manager, make_case, key
):
    for _n in range(6):
        make_case(D(2025, 1, 1), started_on=D(2025, 1, 2), exited_on=D(2025, 2, 1))
    client.force_login(manager)
    url = reverse("reports:table_export", args=[key, "csv"])
    response = client.get(url, PERIOD)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    title, header = text[1:].split("\r\n")[:2]
    assert title.endswith(" · januar 2025 – mars 2025")
    header = header.split(";")
    page = client.get(reverse("reports:dashboard"), PERIOD)
    table = page.context["tables"][key.replace("-", "_")]["table"]
    assert header == table.header
    xlsx = client.get(reverse("reports:table_export", args=[key, "xlsx"]), PERIOD)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value.endswith(" · januar 2025 – mars 2025")
    assert [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))] == table.header
    assert sheet.max_row == 2 + len(table.rows) + len(table.footer)
    assert sheet.title == sheet_title(table.caption)


def test_the_exit_table_in_excel_keeps_numbers_and_norwegian_letters(client, manager, make_case):
    for _n in range(6):
        make_case(D(2025, 1, 1), started_on=D(2025, 1, 2), exited_on=D(2025, 2, 1))
    client.force_login(manager)
    xlsx = client.get(reverse("reports:table_export", args=["exits", "xlsx"]), PERIOD)
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)[1:]
    assert rows[0] == (shown("Outcome"), shown("Exits"), shown("Share"))
    with translation.override("nb"):
        labels = {top: str(label) for top, label in TOP_LEVEL.items()}
    by_label = {row[0]: row[1:] for row in rows}
    # Six exits, all to work, read as 5 or 10; the same cases round the same way in
    # every row, so the shares stay whole.
    assert by_label[labels["work"]][0] in (5, 10)
    assert by_label[labels["work"]] == (by_label[shown("All exits")][0], 100.0)
    assert by_label[labels["education"]] == (0, 0.0)
    assert by_label[shown("In work or education")] == by_label[labels["work"]]


def test_a_measure_named_like_a_formula_is_escaped_and_keeps_its_letters(
    client, team_lead, make_case, municipality
):
    measure = Measure.objects.create(
        organisation=municipality, name="=Ærlig møteplass i Åsane", kind="course", monthly_cost=100
    )
    case = make_case(D(2025, 1, 1), started_on=D(2025, 1, 1))
    Enrolment.objects.create(
        organisation=municipality,
        case=case,
        measure=measure,
        status="active",
        start_on=D(2025, 1, 1),
    )
    client.force_login(team_lead)
    csv = client.get(reverse("reports:table_export", args=["cost-measures", "csv"]), PERIOD)
    text = b"".join(csv.streaming_content).decode("utf-8")
    assert "\r\n'=Ærlig møteplass i Åsane;" in text
    xlsx = client.get(reverse("reports:table_export", args=["cost-measures", "xlsx"]), PERIOD)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A3"].value == "'=Ærlig møteplass i Åsane"
    assert sheet["A3"].data_type == "s"


def test_an_unknown_table_is_not_found(client, manager):
    client.force_login(manager)
    url = reverse("reports:table_export", args=["people", "csv"])
    assert client.get(url, PERIOD).status_code == 404


def test_no_small_monthly_count_of_starts_can_be_worked_out_from_the_so_far_counts(
    client, manager, make_case
):
    # January: 6 starts; February: 2; March: 6.
    for day in range(1, 7):
        make_case(D(2025, 1, 1), started_on=D(2025, 1, day))
    for day in range(1, 3):
        make_case(D(2025, 1, 1), started_on=D(2025, 2, day))
    for day in range(1, 7):
        make_case(D(2025, 1, 1), started_on=D(2025, 3, day))
    board = board_for(client, manager).context["board"]
    in_month = [m.in_month["start"].cases for m in board.times]
    so_far = [m.so_far["start"].cases for m in board.times]
    assert in_month[1] in (0, 5)
    assert so_far[1] in (5, 10)
    assert so_far[2] in (10, 15)
    # Every difference an attacker can make is a multiple of five, never February's 2.
    assert (so_far[1] - so_far[0]) % 5 == 0
    assert (so_far[2] - so_far[0] - in_month[2]) % 5 == 0


def test_the_exits_so_far_in_the_cost_table_are_rounded_as_one_count(
    client, org_admin, make_case, municipality
):
    measure = Measure.objects.create(
        organisation=municipality, name="Kurs", kind="course", monthly_cost=1000
    )
    exits = [(D(2025, 1, 20), "work")] * 6 + [(D(2025, 2, 20), "education")]
    exits += [(D(2025, 2, 20), "other_activity")] * 5
    for exited_on, top in exits:
        case = make_case(D(2025, 1, 1), started_on=D(2025, 1, 1), exited_on=exited_on, top=top)
        Enrolment.objects.create(
            organisation=municipality,
            case=case,
            measure=measure,
            status="ended",
            start_on=D(2025, 1, 1),
            end_on=exited_on,
        )
    board = board_for(client, org_admin).context["board"]
    january, february, _march = board.cost_months
    # January's 6 exits to work are the cases of "exited to work so far": rounded alike.
    assert january.exits_to_work_or_education_so_far == board.column("cumulative_exit_work")[0]
    # February's 6 + 1 = 7 is one count, rounded to 5 or 10, never 7.
    assert february.exits_to_work_or_education_so_far in (5, 10)
    assert february.cost_per_exit_so_far is not None


def test_the_periods_exit_totals_do_not_give_a_small_month_away(client, manager, make_case):
    # 7 exits in January, 2 in February.
    for _n in range(7):
        make_case(D(2025, 1, 1), started_on=D(2025, 1, 1), exited_on=D(2025, 1, 10))
    for _n in range(2):
        make_case(D(2025, 1, 1), started_on=D(2025, 1, 1), exited_on=D(2025, 2, 10))
    board = board_for(client, manager).context["board"]
    assert board.column("exited")[0] in (5, 10)
    assert board.column("exited")[1] in (0, 5)
    # All exits is shown: the same cases as the last "exited so far", rounded alike.
    assert board.exited == board.column("cumulative_exited")[-1]
    assert board.exited in (5, 10)
    assert (board.exited - board.column("exited")[0]) % 5 == 0  # never 9 − 7 = 2
    assert board.exits["work"].count == board.exited  # every exit was to work
    assert board.exits["work"].share == 1.0


@pytest.mark.parametrize(
    ("top", "axis"),
    [(0, 5), (7, 7), (10, 10), (12, 25), (48, 50), (51, 100), (208_265, 250_000), (9_000, 10_000)],
)
def test_a_charts_axis_ends_on_a_round_number_above_the_highest_value(top, axis):
    assert nice_max(top) == axis


def test_a_manager_gets_the_same_figures_from_any_first_month_of_a_year(
    client, manager, coordinator, make_case
):
    for month in (1, 2, 3):
        for day in range(1, month + 3):
            make_case(D(2025, month, day), started_on=D(2025, month, day))
    from_january = board_for(client, manager, start="2025-01").context["board"]
    from_march = board_for(client, manager, start="2025-03").context["board"]
    # Rounded figures count from January whatever first month is asked for: one rounding
    # per running total, not one per first month to average over.
    assert from_march.start == D(2025, 1, 1)
    assert from_march.cells == from_january.cells
    assert from_march.exited == from_january.exited
    # The team's own coordinator gets the period asked for, exactly.
    exact = board_for(client, coordinator, start="2025-03").context["board"]
    assert exact.start == D(2025, 3, 1)
    assert exact.column("cumulative_started") == [5]
