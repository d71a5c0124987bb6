"""The results dashboard at /results/ and its exports (losen/reports/views/dashboard.py)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from conftest import shown
from losen.accounts.models import Role
from losen.cases.actions.core import do_open_case, do_record_event
from losen.cases.models import EventKind
from losen.outcomes.models import ExitOutcome, FollowUp
from losen.programs.models import Enrolment, Measure
from losen.reports.costs import participation
from losen.reports.results import COLUMNS, COUNTS
from losen.reports.tables import COLUMN_LABELS

pytestmark = pytest.mark.django_db

D = datetime.date
PERIOD = {"start": "2025-01", "end": "2025-06"}


@pytest.fixture
def make_case(register, team):
    """A case with a referral, optionally a start and an exit, as dated events."""
    made = []

    def make(
        referred_on, started_on=None, exited_on=None, top_code="work", *, in_team=None, actor=None
    ):
        in_team = in_team or team
        person = register(first_name=f"Ung{len(made)}", in_team=in_team, actor=actor)
        case = do_open_case(None, person, in_team, opened_on=referred_on)
        do_record_event(None, case, EventKind.REFERRED, effective_on=referred_on)
        if started_on:
            do_record_event(None, case, EventKind.ENROLMENT_STARTED, effective_on=started_on)
        if exited_on:
            do_record_event(
                None,
                case,
                EventKind.EXIT,
                effective_on=exited_on,
                data={"code": f"{top_code}.x", "top_code": top_code},
            )
        made.append(case)
        return case

    return make


def log_in(client, user):
    client.force_login(user)


def get(client, name="reports:dashboard", **params):
    return client.get(reverse(name), {**PERIOD, **params})


def test_a_coordinator_sees_the_exact_figures_of_their_own_team(client, coordinator, make_case):
    make_case(D(2025, 2, 3))
    make_case(D(2025, 2, 10), started_on=D(2025, 3, 1))
    log_in(client, coordinator)
    response = get(client)
    assert response.status_code == 200
    board = response.context["board"]
    assert not board.suppressed
    assert [row.referred for row in board.rows] == [0, 2, 0, 0, 0, 0]
    assert board.column("active_end_of_month") == [0, 0, 1, 1, 1, 1]
    content = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in content
    assert 'role="img"' in content
    assert '<th scope="row">' in content
    assert "Ung0" not in content  # no names on the page


def test_a_coordinator_cannot_choose_a_team_of_the_municipality_they_do_not_work_in(
    client, coordinator, other_team
):
    log_in(client, coordinator)
    response = get(client, team=other_team.pk)
    assert response.status_code == 400
    assert response.context["board"] is None


def test_an_outsider_sees_only_their_own_empty_organisation(
    client, outsider, make_case, municipality, team
):
    make_case(D(2025, 2, 3), started_on=D(2025, 2, 5))
    log_in(client, outsider)
    response = get(client)
    assert response.status_code == 200
    assert response.context["form"].organisation_id != municipality.pk
    assert all(v == 0 for cells in response.context["board"].cells for v in cells)
    assert get(client, organisation=municipality.pk).status_code == 400
    assert get(client, team=team.pk).status_code == 400
    assert get(client, "reports:flow_csv", organisation=municipality.pk).status_code == 400


def test_someone_without_a_role_that_sees_results_gets_404(client, make_user, team):
    volunteer = make_user("frivillig@test.no", Role.VOLUNTEER, team=team)
    log_in(client, volunteer)
    assert get(client).status_code == 404
    assert get(client, "reports:flow_csv").status_code == 404


def test_the_menu_links_to_the_results_for_a_manager(client, manager):
    log_in(client, manager)
    response = get(client)
    assert any(item["key"] == "results" for item in response.context["nav_items"])


def test_a_manager_sees_every_count_rounded_to_a_multiple_of_five(client, manager, make_case):
    for day in (3, 4):
        make_case(D(2025, 2, day))
    for day in range(1, 8):
        make_case(D(2025, 3, day))
    log_in(client, manager)
    response = get(client)
    assert response.status_code == 200
    board = response.context["board"]
    assert board.suppressed
    referred = board.column("referred")
    assert referred[0] == 0  # nobody: zero stays zero
    assert referred[1] in (0, 5)  # two referrals never read as 2
    assert referred[2] in (5, 10)  # seven read as 5 or 10
    assert all(v % 5 == 0 for row in board.cells for v in row)
    rows = response.context["tables"]["flow"]["rows"]
    assert rows[1][:2] == ["februar 2025", str(referred[1])]
    assert rows[2][:2] == ["mars 2025", str(referred[2])]

    csv = b"".join(get(client, "reports:flow_csv").streaming_content).decode("utf-8")
    lines = csv.split("\r\n")
    assert lines[3].split(";")[:2] == ["2025-02-01", str(referred[1])]
    assert lines[4].split(";")[:2] == ["2025-03-01", str(referred[2])]


def test_an_org_admin_sees_the_whole_organisation_rounded(
    client, org_admin, make_case, other_team, colleague
):
    for day in (3, 4, 5):
        make_case(D(2025, 2, day))
    for day in (3, 4, 5):
        make_case(D(2025, 2, day), in_team=other_team, actor=colleague)
    log_in(client, org_admin)
    board = get(client).context["board"]
    assert board.suppressed
    assert sum(row.referred for row in board.rows) == 6  # both teams are counted
    assert board.column("referred")[1] in (5, 10)


def test_exit_outcomes_have_counts_and_shares_and_the_share_in_work_or_education(
    client, team_lead, make_case
):
    make_case(D(2025, 1, 2), D(2025, 1, 3), D(2025, 2, 1), "work")
    make_case(D(2025, 1, 2), D(2025, 1, 3), D(2025, 3, 1), "education")
    make_case(D(2025, 1, 2), D(2025, 1, 3), D(2025, 3, 1), "no_activity")
    make_case(D(2025, 1, 2), D(2025, 1, 3), D(2025, 4, 1), "work")
    log_in(client, team_lead)
    response = get(client)
    board = response.context["board"]
    assert board.exited == 4
    assert board.exits["work"].count == 2
    assert board.exits["work"].share == 0.5
    assert board.work_or_education.count == 3
    footer = response.context["tables"]["exits"]["footer"]
    assert footer[1] == [shown("In work or education"), "3", "75 %"]


def test_durability_counts_the_reached_and_those_still_in_work_or_education(
    client, team_lead, case, coordinator, municipality
):
    exit_ = ExitOutcome.objects.create(
        organisation=municipality,
        case=case,
        exited_on=D(2025, 3, 1),
        code="work.full_time",
        top_code="work",
        recorded_by=coordinator,
    )
    FollowUp.objects.create(
        organisation=municipality,
        case=case,
        exit=exit_,
        months=6,
        due_on=D(2025, 9, 1),
        registered_on=D(2025, 9, 2),
        reached=True,
        code="education.x",
        top_code="education",
    )
    FollowUp.objects.create(
        organisation=municipality,
        case=case,
        exit=exit_,
        months=12,
        due_on=D(2026, 3, 1),
        registered_on=D(2026, 3, 2),
        reached=False,
    )
    log_in(client, team_lead)
    six, twelve = get(client).context["board"].follow_ups
    assert (six.months, six.reached, six.in_work_or_education, six.share) == (6, 1, 1, 1.0)
    assert (twelve.months, twelve.reached, twelve.share) == (12, 0, None)


def test_participant_days_are_counted_per_month_from_start_to_end_both_included(
    register, team, municipality
):
    measure = Measure.objects.create(organisation=municipality, name="Kurs", kind="course")

    def enrol(start_on, end_on):
        person = register(first_name=f"Deltaker{start_on:%Y%m%d}")
        case = do_open_case(None, person, team, opened_on=start_on)
        Enrolment.objects.create(
            organisation=municipality,
            case=case,
            measure=measure,
            status="active" if end_on is None else "ended",
            start_on=start_on,
            end_on=end_on,
        )

    enrol(D(2025, 1, 1), D(2025, 1, 31))  # all of January
    enrol(D(2024, 1, 1), None)  # every day of the period
    enrol(D(2024, 1, 1), D(2024, 2, 1))  # before the period: not counted
    found = participation(
        organisation_id=municipality.pk,
        start=D(2025, 1, 1),
        end=D(2025, 6, 30),
        today=D(2025, 6, 15),
    )
    assert found.months == [D(2025, m, 1) for m in range(1, 7)]
    assert found.days[D(2025, 1, 1), measure.pk] == 31 + 31
    assert found.days[D(2025, 2, 1), measure.pk] == 28
    assert found.days[D(2025, 6, 1), measure.pk] == 15  # up to today
    assert found.people_in_month[D(2025, 1, 1)] == 2
    assert found.people_in_month[D(2025, 2, 1)] == 1
    assert found.people_so_far[D(2025, 6, 1)] == 2
    assert found.people_in_measure == {measure.pk: 2}


def test_the_cost_table_multiplies_participant_months_by_the_measures_monthly_cost(
    client, team_lead, case, municipality
):
    measure = Measure.objects.create(
        organisation=municipality, name="Arbeidstrening", kind="work_training", monthly_cost=3044
    )
    Enrolment.objects.create(
        organisation=municipality,
        case=case,
        measure=measure,
        status="ended",
        start_on=D(2024, 12, 1),
        end_on=D(2025, 1, 30),
    )
    log_in(client, team_lead)
    board = get(client).context["board"]
    (row,) = board.costs
    assert row.participants == 1
    assert row.cost == Decimal(3000)  # 30 days of January
    assert board.total_cost_per_participant == Decimal(3000)


def test_a_coordinator_does_not_see_costs(client, coordinator):
    log_in(client, coordinator)
    response = get(client)
    assert response.context["with_costs"] is False
    page = response.content.decode()
    assert 'id="flow-table"' in page
    assert 'id="cost-measures-table"' not in page
    assert 'id="cost-months-table"' not in page
    url = reverse("reports:table_export", args=["cost-measures", "csv"])
    assert client.get(url, PERIOD).status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_number_of_cases(
    client, team_lead, make_case, municipality
):
    measure = Measure.objects.create(
        organisation=municipality, name="Kurs", kind="course", monthly_cost=1000
    )

    def add_cases(count):
        for n in range(count):
            case = make_case(D(2025, 1, 1 + n % 28), D(2025, 2, 1), D(2025, 4, 1), "work")
            Enrolment.objects.create(
                organisation=municipality,
                case=case,
                measure=measure,
                status="active",
                start_on=D(2025, 2, 1),
            )

    log_in(client, team_lead)
    add_cases(5)
    get(client)  # warm up the session and caches
    with CaptureQueriesContext(connection) as few:
        assert get(client).status_code == 200
    add_cases(35)
    with CaptureQueriesContext(connection) as many:
        response = get(client)
    assert sum(r.referred for r in response.context["board"].rows) == 40
    assert len(many) == len(few)


def flow_headings() -> list[str]:
    """The month table's headings as the page shows them (in the active language)."""
    return [gettext("Month"), *(str(COLUMN_LABELS[name]) for name in COUNTS)]


def test_the_csv_says_whose_figures_and_has_the_pages_headings(client, coordinator, team):
    log_in(client, coordinator)
    response = get(client, "reports:flow_csv")
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").split("\r\n")
    assert lines[0] == (
        f"Resultater måned for måned · {team.organisation.name} · {team.name} · "
        "januar 2025 – juni 2025"
    )
    with translation.override("nb"):
        assert lines[1] == ";".join(flow_headings())
    assert lines[1].startswith("Måned;Henvist;")
    assert len([line for line in lines if line]) == 2 + 6


def test_the_xlsx_in_swedish_has_a_swedish_title_row_headings_and_sheet_name(
    client, coordinator, team
):
    log_in(client, coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = get(client, "reports:flow_xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == (
        f"Resultat månad för månad · {team.organisation.name} · {team.name} · "
        "januari 2025 – juni 2025"
    )
    with translation.override("sv"):
        assert list(rows[1]) == flow_headings()
    assert rows[1][:2] == ("Månad", "Anmält")
    assert sheet.title == "Resultat månad för månad"
    assert len(rows) == 8
    assert rows[2][1] == 0


def test_a_managers_download_names_the_organisation_and_the_measure(
    client, manager, municipality, make_case
):
    measure = Measure.objects.create(organisation=municipality, name="Arbeidstrening Åsane")
    log_in(client, manager)
    response = get(client, "reports:flow_csv", measure=measure.pk)
    first = b"".join(response.streaming_content).decode("utf-8-sig").split("\r\n")[0]
    assert first == (
        f"Resultater måned for måned · {municipality.name} · Arbeidstrening Åsane · "
        "januar 2025 – juni 2025"
    )


def test_the_command_keeps_its_fixed_machine_column_names(coordinator, team):
    out = io.StringIO()
    call_command(
        "report",
        "results",
        organisation=team.organisation.name,
        start="2025-01",
        end="2025-02",
        stdout=out,
    )
    assert out.getvalue().splitlines()[0] == ",".join(COLUMNS)


def test_the_pdf_is_a_pdf(client, team_lead, make_case):
    make_case(D(2025, 2, 3), started_on=D(2025, 2, 5))
    log_in(client, team_lead)
    response = get(client, "reports:dashboard_pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_period_defaults_to_the_last_twelve_months(client, coordinator):
    log_in(client, coordinator)
    response = client.get(reverse("reports:dashboard"))
    rows = response.context["board"].rows
    assert len(rows) == 12
    assert rows[-1].month == datetime.date.today().replace(day=1)


def test_a_period_that_ends_before_it_starts_is_an_error(client, coordinator):
    log_in(client, coordinator)
    response = client.get(reverse("reports:dashboard"), {"start": "2025-06", "end": "2025-01"})
    assert response.status_code == 400
    assert response.context["form"].errors
