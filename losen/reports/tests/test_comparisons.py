"""Reference figures and targets: beside our figures on /results/, and their own pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import shown
from losen.audit.models import ChangeLog
from losen.cases.actions.core import do_open_case, do_record_event
from losen.cases.models import EventKind
from losen.lib.errors import StaleEdit
from losen.lib.suppression import key_coefficients
from losen.programs.models import Enrolment, Measure
from losen.reports import metrics, targets
from losen.reports.actions import (
    do_add_target_reading,
    do_create_reference_figure,
    do_create_target,
    do_update_reference_figure,
)
from losen.reports.milestones import Milestones
from losen.reports.models import ReferenceFigure, Target
from losen.reports.results import monthly_results
from losen.reports.targets import Status, progress

pytestmark = pytest.mark.django_db

D = datetime.date
PERIOD = {"start": "2025-01", "end": "2025-06"}


@pytest.fixture
def make_case(register, team):
    """A case with a referral, optionally a start and an exit, as dated events."""
    made = []

    def make(referred_on, started_on=None, exited_on=None, top_code="work", *, in_team=None):
        in_team = in_team or team
        person = register(first_name=f"Ung{len(made)}", in_team=in_team)
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


@pytest.fixture
def nav_share(org_admin, municipality):
    return do_create_reference_figure(
        org_admin,
        municipality,
        metric="share_work_or_education",
        value=Decimal(40),
        label="NAV measures",
        year_from=2024,
        year_to=2024,
        source="NAV, annual report 2024",
        url="https://www.nav.no/",
    )


def dashboard(client, user, **params):
    client.force_login(user)
    return client.get(reverse("reports:dashboard"), {**PERIOD, **params})


# Reference figures beside ours


def test_a_reference_figure_shows_beside_ours_with_its_source(
    client, coordinator, make_case, nav_share
):
    for day in (3, 4, 5):
        make_case(D(2025, 1, 2), D(2025, 1, 10), D(2025, 3, day), "work")
    make_case(D(2025, 1, 2), D(2025, 1, 10), D(2025, 3, 6), "no_activity")
    response = dashboard(client, coordinator)
    assert response.status_code == 200
    [row] = response.context["comparisons"].comparisons
    assert row.figure == nav_share
    assert row.theirs == "40 %"
    assert row.ours == "75 %"
    assert row.difference == shown("%(value)s percentage points", value="+35")
    assert row.years == "2024"
    content = response.content.decode()
    assert 'id="comparison-table"' in content
    assert "NAV measures" in content
    assert "NAV, annual report 2024" in content
    assert 'href="https://www.nav.no/"' in content


def test_a_cost_reference_figure_shows_beside_our_cost_per_participant_month(
    client, team_lead, municipality, team, make_case, org_admin
):
    do_create_reference_figure(
        org_admin,
        municipality,
        metric="cost_per_participant_month",
        value=Decimal(17000),
        label="NAV measures",
        source="PitStop: NAV measures cost 17,000 kr per young person per month",
    )
    measure = Measure.objects.create(
        organisation=municipality, name="Restart", kind="clarification", monthly_cost=4500
    )
    case = make_case(D(2025, 1, 2), D(2025, 2, 1))
    Enrolment.objects.create(
        organisation=municipality,
        case=case,
        measure=measure,
        status="ended",
        start_on=D(2025, 2, 1),
        end_on=D(2025, 3, 31),
    )
    response = dashboard(client, team_lead)
    [row] = response.context["comparisons"].comparisons
    assert row.theirs == shown("%(value)s kr per month", value="17\xa0000")
    assert row.ours == shown("%(value)s kr per month", value="4\xa0500")
    assert row.difference == "−" + shown("%(value)s kr per month", value="12\xa0500")


def test_a_coordinator_sees_a_cost_reference_without_our_cost(
    client, coordinator, municipality, org_admin
):
    do_create_reference_figure(
        org_admin,
        municipality,
        metric="cost_per_participant_month",
        value=Decimal(17000),
        label="NAV measures",
        source="PitStop",
    )
    [row] = dashboard(client, coordinator).context["comparisons"].comparisons
    assert row.ours == "–"
    assert row.note == shown("Costs are shown to team leads, administrators and managers.")


def test_a_manager_sees_our_share_from_rounded_counts_in_the_comparison(
    client, manager, coordinator, make_case, nav_share
):
    for day in range(3, 9):
        make_case(
            D(2025, 1, 2), D(2025, 1, 10), D(2025, 3, day), "work" if day % 2 else "education"
        )
    response = dashboard(client, manager)
    board = response.context["board"]
    [row] = response.context["comparisons"].comparisons
    assert row.theirs == "40 %"
    # Six exits, all to work or education: the same cases on both sides of the share,
    # rounded alike, so the share is whole although the counts are rounded.
    assert board.exited in (5, 10)
    assert board.work_or_education.count == board.exited
    assert row.ours == "100 %"
    assert row.difference == shown("%(value)s percentage points", value="+60")
    # The team's own coordinator sees the exact share.
    [row] = dashboard(client, coordinator).context["comparisons"].comparisons
    assert row.ours == "100 %"


def test_the_pdf_has_the_comparisons_and_the_targets(
    client, team_lead, team, municipality, nav_share, monkeypatch
):
    do_create_target(
        team_lead,
        municipality,
        team=team,
        measure=None,
        description="Ti ut i arbeid",
        metric="exited_work_or_education",
        baseline_value=Decimal(0),
        baseline_on=D(2025, 1, 1),
        target_value=Decimal(10),
        deadline=D(2025, 12, 31),
        source="",
        url="",
    )
    rendered = {}

    class FakeHTML:
        def __init__(self, string):
            rendered["html"] = string

        def write_pdf(self):
            return b"%PDF-fake"

    monkeypatch.setattr("weasyprint.HTML", FakeHTML)
    client.force_login(team_lead)
    response = client.get(reverse("reports:dashboard_pdf"), PERIOD)
    assert response.status_code == 200
    html = rendered["html"]
    assert "NAV, annual report 2024" in html
    assert "Ti ut i arbeid" in html
    assert 'id="target-chart-' in html
    assert 'id="manage-comparisons"' not in html  # no management link in the PDF


# Targets: progress over time, hand-made cases


@pytest.fixture
def ten_to_work(team_lead, municipality, team):
    return do_create_target(
        team_lead,
        municipality,
        team=team,
        measure=None,
        description="Ti ut i arbeid eller utdanning i 2025",
        metric="exited_work_or_education",
        baseline_value=Decimal(0),
        baseline_on=D(2025, 1, 1),
        target_value=Decimal(10),
        deadline=D(2025, 12, 31),
        source="Tildelingsbrev 2025",
        url="",
    )


@pytest.fixture
def five_exits(make_case):
    for day in (10, 11, 12):
        make_case(D(2025, 1, 2), D(2025, 1, 5), D(2025, 2, day), "work")
    for day in (5, 6):
        make_case(D(2025, 1, 2), D(2025, 1, 5), D(2025, 4, day), "education")
    make_case(D(2025, 1, 2), D(2025, 1, 5), D(2025, 4, 7), "no_activity")


def test_a_target_shows_half_the_way_after_half_the_time_as_on_track(ten_to_work, five_exits):
    shown_progress = progress(ten_to_work, suppressed=False, today=D(2025, 7, 1))
    values = [p.ours for p in shown_progress.points]
    assert values == [0, 0, 3, 3, 5, 5, 5, 5, None, None, None, None, None]
    assert shown_progress.current == 5
    assert shown_progress.current_on == D(2025, 7, 1)
    assert shown_progress.done == 0.5
    assert shown_progress.elapsed == pytest.approx(181 / 364)
    assert shown_progress.percent_done == "50 %"
    assert shown_progress.percent_elapsed == "50 %"
    assert shown_progress.status == Status.ON_TRACK
    # The straight path: 10 × 58 / 364 by the end of February.
    assert shown_progress.points[2].planned == pytest.approx(Decimal(10) * Decimal(58 / 364))
    assert shown_progress.points[-1].label == "31.12.2025"


def test_a_target_with_half_the_way_after_three_quarters_of_the_time_is_behind(
    ten_to_work, five_exits
):
    shown_progress = progress(ten_to_work, suppressed=False, today=D(2025, 10, 1))
    assert shown_progress.current == 5
    assert shown_progress.elapsed == 0.75
    assert shown_progress.status == Status.BEHIND


def test_a_target_not_reached_by_the_deadline_is_missed(ten_to_work, five_exits):
    shown_progress = progress(ten_to_work, suppressed=False, today=D(2026, 2, 1))
    assert [p.ours for p in shown_progress.points][-1] == 5
    assert shown_progress.current_on == D(2025, 12, 31)
    assert shown_progress.status == Status.MISSED


def test_a_baseline_adds_to_the_running_total(team_lead, municipality, team, five_exits):
    target = do_create_target(
        team_lead,
        municipality,
        team=team,
        measure=None,
        description="Fra 12 til 20",
        metric="exited_work_or_education",
        baseline_value=Decimal(12),
        baseline_on=D(2025, 1, 15),  # counting starts on 1 February
        target_value=Decimal(20),
        deadline=D(2025, 6, 30),
        source="",
        url="",
    )
    shown_progress = progress(target, suppressed=False, today=D(2025, 5, 10))
    assert [p.ours for p in shown_progress.points] == [12, 15, 15, 17, 17, None]
    assert shown_progress.done == (17 - 12) / 8


def test_p_1824s_target_is_followed_by_readings_entered_by_hand(org_admin, municipality):
    target = do_create_target(
        org_admin,
        municipality,
        team=None,
        measure=None,
        description="Redusere antall mottakere av økonomisk sosialhjelp 18–24 år med 50 %",
        metric="readings",
        baseline_value=Decimal(428),
        baseline_on=D(2008, 1, 1),
        target_value=Decimal(214),
        deadline=D(2009, 12, 31),
        source="P 1824, Drammen kommune",
        url="",
    )
    do_add_target_reading(org_admin, target, measured_on=D(2008, 6, 30), value=380, note="NAV")
    do_add_target_reading(org_admin, target, measured_on=D(2009, 6, 30), value=300, note="NAV")

    halfway = progress(target, suppressed=True, today=D(2009, 7, 15))
    assert halfway.current == 300
    assert halfway.current_on == D(2009, 6, 30)  # judged on the reading's day
    assert halfway.done == pytest.approx(128 / 214)
    assert halfway.percent_done == "60 %"
    assert halfway.elapsed == pytest.approx(546 / 730)
    assert halfway.percent_elapsed == "75 %"
    assert halfway.status == Status.BEHIND
    assert [p.ours for p in halfway.points][:7] == [428, None, None, None, None, None, 380]

    do_add_target_reading(org_admin, target, measured_on=D(2009, 12, 31), value=210, note="NAV")
    assert progress(target, suppressed=True, today=D(2010, 2, 1)).status == Status.REACHED


def test_a_rounded_target_counts_in_multiples_of_five_and_the_exact_one_as_it_is():
    keys = key_coefficients("case")
    milestones = Milestones()
    for pk, started in enumerate([1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3], start=1):
        flow = (D(2025, 1, 1), D(2025, started, 1), None, None)
        milestones.add_flow(flow, 1, keys.key(pk))
    rows = monthly_results(
        organisation_id=0, start=D(2025, 1, 1), end=D(2025, 3, 31), milestones=milestones
    )
    rounded = targets._running(rows, ("started",), suppressed=True, threshold=4)
    exact = targets._running(rows, ("started",), suppressed=False, threshold=4)
    assert exact == [3, 5, 11]
    assert all(r % 5 == 0 and abs(r - e) < 5 for r, e in zip(rounded, exact, strict=True))
    assert rounded[1] == 5  # five is already a multiple of five


def test_a_manager_sees_a_teams_small_target_figures_rounded_on_the_dashboard(
    client, manager, ten_to_work, make_case
):
    make_case(D(2025, 1, 2), D(2025, 1, 5), D(2025, 2, 10), "work")
    response = dashboard(client, manager)
    [item] = response.context["comparisons"].targets
    assert item.progress.suppressed
    assert item.progress.current in (0, 5)  # one exit never reads as 1
    assert all(p.ours is None or p.ours % 5 == 0 for p in item.progress.points)


def test_the_dashboard_shows_a_target_with_its_chart_and_table(
    client, coordinator, ten_to_work, five_exits
):
    response = dashboard(client, coordinator)
    [item] = response.context["comparisons"].targets
    assert not item.progress.suppressed
    content = response.content.decode()
    assert f'id="target-chart-{ten_to_work.pk}-desc"' in content
    assert "Ti ut i arbeid eller utdanning i 2025" in content
    assert shown("Path to the target") in content


def test_a_coordinator_does_not_see_another_teams_target(
    client, colleague, ten_to_work, other_team
):
    response = dashboard(client, colleague)
    assert response.context["comparisons"].targets == []


# The management pages


PAGES = (
    ("reports:comparisons", {}),
    ("reports:reference_new", {}),
    ("reports:target_new", {}),
)


def object_pages(figure: ReferenceFigure, target: Target) -> list[str]:
    return [
        reverse("reports:reference_edit", args=[figure.pk]),
        reverse("reports:reference_delete", args=[figure.pk]),
        reverse("reports:target_detail", args=[target.pk]),
        reverse("reports:target_edit", args=[target.pk]),
        reverse("reports:target_delete", args=[target.pk]),
    ]


def test_outsiders_get_404_on_every_management_page(client, outsider, nav_share, ten_to_work):
    client.force_login(outsider)
    for name, kwargs in PAGES:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name
    for url in object_pages(nav_share, ten_to_work):
        assert client.get(url).status_code == 404, url
        if "/edit/" in url or "/delete/" in url:
            assert client.post(url).status_code == 404, url
    assert ReferenceFigure.objects.filter(pk=nav_share.pk).exists()


def test_a_coordinator_gets_404_on_the_management_pages(client, coordinator, nav_share):
    client.force_login(coordinator)
    assert client.get(reverse("reports:comparisons")).status_code == 404
    assert client.get(reverse("reports:reference_edit", args=[nav_share.pk])).status_code == 404


def test_a_manager_can_read_but_not_write(client, manager, nav_share, ten_to_work):
    client.force_login(manager)
    response = client.get(reverse("reports:comparisons"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "NAV measures" in content
    assert ten_to_work.description in content
    assert 'id="new-reference"' not in content
    assert 'id="new-target"' not in content
    assert client.get(reverse("reports:target_detail", args=[ten_to_work.pk])).status_code == 200
    assert client.get(reverse("reports:reference_new")).status_code == 404
    assert client.get(reverse("reports:target_new")).status_code == 404
    for url in object_pages(nav_share, ten_to_work):
        if url.endswith(f"/targets/{ten_to_work.pk}/"):
            continue
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert ReferenceFigure.objects.filter(pk=nav_share.pk).exists()
    assert Target.objects.filter(pk=ten_to_work.pk).exists()


def test_the_dashboard_links_to_the_management_pages_for_readers_only(client, manager, coordinator):
    assert 'id="manage-comparisons"' in dashboard(client, manager).content.decode()
    assert 'id="manage-comparisons"' not in dashboard(client, coordinator).content.decode()


def test_a_team_lead_adds_edits_and_deletes_a_reference_figure_and_each_write_is_logged(
    client, team_lead
):
    client.force_login(team_lead)
    response = client.post(
        reverse("reports:reference_new"),
        {
            "metric": "share_work",
            "value": "43",
            "label": "PitStop",
            "year_from": "2016",
            "year_to": "2020",
            "source": "PitStop: resultater 2016–2020",
            "url": "",
        },
    )
    assert response.status_code == 302
    figure = ReferenceFigure.objects.get()
    assert (figure.value, figure.created_by) == (Decimal(43), team_lead)
    listing = client.get(reverse("reports:comparisons")).content.decode()
    assert "PitStop: resultater 2016–2020" in listing
    assert "2016–2020" in listing

    edit = reverse("reports:reference_edit", args=[figure.pk])
    data = {
        "metric": "share_work",
        "value": "44",
        "label": "PitStop",
        "year_from": "2016",
        "year_to": "2020",
        "source": "PitStop: resultater 2016–2020",
        "url": "",
        "version": "1",
    }
    assert client.post(edit, data).status_code == 302
    figure.refresh_from_db()
    assert (figure.value, figure.version) == (Decimal(44), 2)

    delete = reverse("reports:reference_delete", args=[figure.pk])
    confirm = client.get(delete)
    assert confirm.status_code == 200
    assert shown("Delete the reference figure?") in confirm.content.decode()
    assert ReferenceFigure.objects.exists()  # asking is not deleting
    assert client.post(delete).status_code == 302
    assert not ReferenceFigure.objects.exists()
    actions = list(ChangeLog.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "reference_figure.created",
        "reference_figure.updated",
        "reference_figure.deleted",
    ]


def test_a_reference_figure_needs_a_source_and_a_share_of_at_most_100(client, org_admin):
    client.force_login(org_admin)
    response = client.post(
        reverse("reports:reference_new"),
        {"metric": "share_work", "value": "143", "label": "X", "source": ""},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "source" in errors
    assert errors["value"] == [shown("A share is at most 100 %.")]
    assert not ReferenceFigure.objects.exists()


def test_a_second_save_of_the_same_reference_figure_is_refused(client, org_admin, nav_share):
    do_update_reference_figure(org_admin, nav_share, expected_version=1, value=Decimal(41))
    with pytest.raises(StaleEdit):
        do_update_reference_figure(org_admin, nav_share, expected_version=1, value=Decimal(39))
    client.force_login(org_admin)
    response = client.post(
        reverse("reports:reference_edit", args=[nav_share.pk]),
        {
            "metric": "share_work_or_education",
            "value": "39",
            "label": "NAV measures",
            "source": "NAV",
            "version": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["conflict"]
    nav_share.refresh_from_db()
    assert nav_share.value == Decimal(41)


def test_a_team_lead_sets_a_target_for_their_own_team_but_not_for_another(
    client, team_lead, team, other_team
):
    client.force_login(team_lead)
    data = {
        "description": "Tjue i gang",
        "metric": "started",
        "baseline_value": "0",
        "baseline_on": "2025-01-01",
        "target_value": "20",
        "deadline": "2025-12-31",
        "source": "",
        "url": "",
    }
    response = client.post(reverse("reports:target_new"), {**data, "team": other_team.pk})
    assert response.status_code == 200
    assert "team" in response.context["form"].errors
    response = client.post(reverse("reports:target_new"), {**data, "team": ""})
    assert "team" in response.context["form"].errors
    response = client.post(reverse("reports:target_new"), {**data, "team": team.pk})
    target = Target.objects.get()
    assert response.url == reverse("reports:target_detail", args=[target.pk])
    assert ChangeLog.objects.filter(action="target.created", object_id=target.pk).exists()


def test_a_target_needs_its_deadline_after_its_baseline(client, org_admin):
    client.force_login(org_admin)
    response = client.post(
        reverse("reports:target_new"),
        {
            "description": "Baklengs",
            "metric": "active",
            "baseline_value": "10",
            "baseline_on": "2025-06-01",
            "target_value": "10",
            "deadline": "2025-01-01",
        },
    )
    errors = response.context["form"].errors
    assert errors["deadline"] == [shown("The deadline must be after the baseline date.")]
    assert errors["target_value"] == [shown("The target must differ from the baseline value.")]


def test_an_admin_adds_and_deletes_a_reading_on_the_targets_page(client, org_admin, municipality):
    target = do_create_target(
        org_admin,
        municipality,
        team=None,
        measure=None,
        description="Færre mottakere",
        metric="readings",
        baseline_value=Decimal(428),
        baseline_on=D(2025, 1, 1),
        target_value=Decimal(214),
        deadline=D(2026, 12, 31),
        source="",
        url="",
    )
    client.force_login(org_admin)
    page = reverse("reports:target_detail", args=[target.pk])
    assert 'id="save-reading"' in client.get(page).content.decode()
    url = reverse("reports:reading_new", args=[target.pk])
    assert client.post(url, {"measured_on": "2025-03-31", "value": "400"}).status_code == 302
    again = client.post(url, {"measured_on": "2025-03-31", "value": "399"})
    assert again.status_code == 400
    [reading] = target.readings.all()
    assert reading.value == 400
    delete = reverse("reports:reading_delete", args=[target.pk, reading.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not target.readings.exists()
    assert ChangeLog.objects.filter(action="target_reading.deleted").count() == 1


def test_every_metric_has_a_key_a_label_and_a_use():
    for key, found in metrics.METRICS.items():
        assert found.key == key
        assert str(found.label)
        assert found.for_reference or found.for_target


def test_the_demo_loads_pitstops_and_navs_figures_and_a_target_per_organisation(
    municipality, team, outside_organisation, outside_team
):
    from losen.demo.comparisons import load_comparisons

    made = load_comparisons(
        organisations={"kommune": municipality, "utenfor": outside_organisation},
        teams={("kommune", team.name): team, ("utenfor", outside_team.name): outside_team},
        today=D(2025, 6, 15),
    )
    assert made == (5, 2)
    nav = ReferenceFigure.objects.get(label="NAV-tiltak")
    assert (nav.metric, nav.value) == ("cost_per_participant_month", Decimal(17000))
    shares = ReferenceFigure.objects.filter(metric__startswith="share_").order_by("value")
    assert [int(f.value) for f in shares] == [18, 31, 43]
    p1824 = Target.objects.get(organisation=municipality)
    assert (p1824.baseline_value, p1824.target_value) == (428, 214)
    assert progress(p1824, suppressed=True, today=D(2025, 6, 15)).status == Status.ON_TRACK


def test_targets_with_readings_cost_no_query_each_on_the_dashboard(client, org_admin, municipality):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_target(n):
        target = do_create_target(
            org_admin,
            municipality,
            team=None,
            measure=None,
            description=f"Mål {n}",
            metric="readings",
            baseline_value=Decimal(100),
            baseline_on=D(2025, 1, 1),
            target_value=Decimal(50),
            deadline=D(2026, 12, 31),
            source="",
            url="",
        )
        do_add_target_reading(org_admin, target, measured_on=D(2025, 3, 31), value=90)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert dashboard(client, org_admin).status_code == 200
        return len(captured)

    add_target(1)
    queries()  # a first request warms caches (content types, the session)
    one = queries()
    add_target(2)
    add_target(3)
    assert queries() == one
    assert len(dashboard(client, org_admin).context["comparisons"].targets) == 3
