"""The demo's follow-up chain is believable: the shares and times the documents report."""

from __future__ import annotations

import datetime
import statistics

import pytest
from django.core.management import call_command

from losen.cases.models import Case, CaseEvent, CaseState, EventKind
from losen.outcomes.models import ExitOutcome, FollowUp
from losen.programs.models import Enrolment, Measure

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def chain(django_db_setup, django_db_blocker):
    from django.db import transaction

    from losen.demo.world import delete_demo_world

    # Loaded once for the module (it takes a few seconds), removed again afterwards so
    # the other tests start from an empty database.
    with django_db_blocker.unblock():
        call_command("demo-data", youths=1500, seed=3, verbosity=0)
        yield
        with transaction.atomic():
            delete_demo_world()


def test_most_referrals_are_accepted_some_wait_and_some_are_redirected(chain):
    decided = Case.objects.exclude(state__in=[CaseState.REFERRED, CaseState.ASSESSMENT])
    accepted = decided.filter(
        state__in=[CaseState.ACCEPTED, CaseState.ACTIVE, CaseState.ENDED]
    ).count()
    assert accepted / decided.count() > 0.7
    assert decided.filter(state=CaseState.WAITING_LIST).exists()
    assert decided.filter(state=CaseState.REDIRECTED).exists()


def test_exits_are_spread_as_pitstop_reports(chain):
    exits = ExitOutcome.objects.all()
    total = exits.count()
    assert total > 200
    share = {
        top: exits.filter(top_code=top).count() / total
        for top in ("work", "education", "other_activity")
    }
    assert 0.33 <= share["work"] <= 0.53
    assert 0.21 <= share["education"] <= 0.41
    assert 0.10 <= share["other_activity"] <= 0.26


def test_time_from_first_start_to_exit_is_six_to_twelve_months(chain):
    days = []
    for exit_row in ExitOutcome.objects.select_related("case")[:300]:
        first = Enrolment.objects.filter(case=exit_row.case).order_by("start_on").first().start_on
        days.append((exit_row.exited_on - first).days)
    assert min(days) >= 180
    assert max(days) <= 366
    assert 200 < statistics.median(days) < 330


def test_every_state_is_backed_by_its_events(chain):
    for case in Case.objects.filter(state=CaseState.ENDED)[:100]:
        kinds = list(case.events.values_list("kind", flat=True))
        assert kinds[0] == EventKind.REFERRED
        assert EventKind.EXIT in kinds
        assert kinds.count(EventKind.STATE_CHANGED) >= 3
        assert case.events.filter(kind=EventKind.EXIT).get().effective_on == case.ended_on
    assert not CaseEvent.objects.filter(effective_on__gt=datetime.date.today()).exists()


def test_follow_ups_are_due_six_and_twelve_months_after_exit(chain):
    follow_up = FollowUp.objects.select_related("exit").filter(months=6).first()
    delta = follow_up.due_on - follow_up.exit.exited_on
    assert 180 <= delta.days <= 185
    assert FollowUp.objects.filter(registered_on__isnull=False, reached=True).exists()


def test_the_staircases_of_pitstop_and_drammen_are_there(chain):
    pitstop = list(
        Measure.objects.filter(staircase__name="PitStop-trappen")
        .order_by("step")
        .values_list("name", flat=True)
    )
    assert pitstop == [
        "Brobygger",
        "Hangout",
        "Restart",
        "Klar-Ferdig-Gå",
        "Spisevenn",
        "Eldrevenn",
    ]
    course = Measure.objects.get(name="Klart jeg kan")
    assert course.sessions.count() == 9


def test_demo_kommun_has_two_kaa_lists_worked_through_the_ladder(chain):
    from losen.outreach.models import ListImport, ListMembership, TargetEntry
    from losen.outreach.models.ladder import ContactAttempt

    lists = list(ListImport.objects.filter(scheme="kaa").order_by("received_on"))
    assert len(lists) == 2
    changes = set(
        ListMembership.objects.filter(list_import=lists[1]).values_list("change", flat=True)
    )
    assert {"new", "stayed", "left"} <= changes
    entries = TargetEntry.objects.filter(organisation__name="Demo kommun")
    assert entries.filter(reached_on__isnull=False).exists()  # some reached
    assert entries.filter(reached_on__isnull=True, first_attempt_on__isnull=True).exists()
    methods = set(ContactAttempt.objects.values_list("method", flat=True))
    assert {"phone", "sms"} <= methods


# --- what the demo shows each persona ---------------------------------------------------


def test_pitstop_has_weekly_sessions_with_attendance_and_the_volunteer_sees_them(chain, client):
    from django.urls import reverse
    from django.utils import timezone

    from losen.accounts.models import User
    from losen.programs.models import Attendance, Session

    pitstop = Session.objects.filter(measure__organisation__name="PitStop Demo")
    assert {"Hangout", "Restart"} <= set(pitstop.values_list("measure__name", flat=True))
    assert pitstop.filter(starts_at__gt=timezone.now()).count() >= 4
    assert Attendance.objects.filter(session__in=pitstop).exists()
    client.force_login(User.objects.get(email="frivillig@demo.no"))
    page = client.get(reverse("home")).content.decode()
    assert 'id="next-sessions"' in page and "Hangout" in page


def test_last_years_grant_report_is_submitted_and_this_years_starts_from_it(chain):
    from django.utils import timezone

    from losen.accounts.models import User
    from losen.grants.actions import do_create_grant_report
    from losen.grants.models import GrantReport

    last_year = timezone.localdate().year - 1
    report = GrantReport.objects.get(year=last_year)
    assert report.status == GrantReport.Status.SUBMITTED
    assert report.measure.name == "Individuell oppfølging"
    lead = User.objects.get(email="leder@demo.no")
    this_year = do_create_grant_report(lead, report.measure, year=last_year + 1, kind="status")
    assert this_year.started_from.report == report


def test_the_swedish_organisation_writes_its_plans_and_referrals_in_swedish(chain):
    from losen.cases.models import Goal, PlanStep, Referral

    swedish = {"organisation__name": "Demo kommun"}
    goals = set(
        Goal.objects.filter(plan__case__organisation__name="Demo kommun").values_list(
            "text", flat=True
        )
    )
    steps = set(
        PlanStep.objects.filter(plan__case__organisation__name="Demo kommun").values_list(
            "text", flat=True
        )
    )
    reasons = set(Referral.objects.filter(**swedish).values_list("reason", flat=True))
    assert goals and steps and reasons
    norwegian = ("skole", "jobb", "koordinator", "Møte", "ønsker")
    for text in goals | steps | reasons:
        assert not any(word in text for word in norwegian), text


def test_the_kaa_team_lead_and_administrator_can_make_the_file_for_statistics_sweden(chain, client):
    from django.urls import reverse

    from losen.accounts.models import User

    for email in ("kaaleder@demo.se", "admin@demo.se"):
        client.force_login(User.objects.get(email=email))
        page = client.get(reverse("outreach:exports")).content.decode()
        assert "Demo kommun" in page, email


@pytest.mark.django_db
def test_pitstops_reports_flow_back_to_nav_and_the_municipality(chain, client):
    from django.urls import reverse

    from losen.accounts.models import User
    from losen.exchange.models import ReceivedReferral, ReferralReport, SentReferral, StatusNote

    assert set(SentReferral.objects.values_list("state", flat=True)) == {
        "sent",
        "waiting_list",
        "declined",
        "accepted",
        "started",
        "ended",
        "withdrawn",
    }
    assert {"work", "education", "other_activity"} <= set(
        SentReferral.objects.filter(state="ended").values_list("exit_outcome", flat=True)
    )
    kinds = set(ReferralReport.objects.values_list("kind", flat=True))
    assert {"accepted", "started", "attendance", "paused", "note", "ended", "follow_up"} <= kinds
    attendance = ReferralReport.objects.filter(kind="attendance").first()
    assert 0 < attendance.data["present"] <= attendance.data["sessions"]
    assert ReceivedReferral.objects.filter(state="sent", case__isnull=False).exists()  # meeting
    assert StatusNote.objects.filter(state="draft").exists()  # waits for PitStop's team lead
    nav = User.objects.get(email="navveileder@demo.no")
    client.force_login(nav)
    shown = SentReferral.objects.filter(organisation__name="NAV Demo", reports__kind="attendance")
    page = client.get(reverse("outgoing:detail", args=[shown.first().pk]))
    assert page.status_code == 200 and 'id="referral-reports"' in page.content.decode()


@pytest.mark.django_db
def test_the_outcome_contract_has_claims_in_every_state_and_two_paid_statements(chain, client):
    from django.urls import reverse

    from losen.accounts.models import User
    from losen.contracts.models import Contract, Sample, Statement

    contract = Contract.objects.get(name="UNG i Demo")
    assert (contract.payer.name, contract.provider.name) == ("Demo kommune", "PitStop Demo")
    states = set(contract.claims.values_list("state", flat=True))
    assert states == {"pending", "submitted", "verified", "rejected", "paid", "capped"}
    assert contract.claims.get(state="rejected").reject_reason
    assert Sample.objects.get(contract=contract).completed_at is not None
    assert Statement.objects.filter(contract=contract, paid_on__isnull=False).count() == 2
    verifier = User.objects.get(email="verifikator@demo.no")
    client.force_login(verifier)
    page = client.get(reverse("contracts:claims", args=[contract.pk]))
    assert page.status_code == 200
    shown = {row.claim.state for row in page.context["rows"]}
    assert shown and not shown & {"pending", "capped"}  # submitted to the payer only
    assert client.get(reverse("people:list")).status_code in (403, 404)
    client.force_login(User.objects.get(email="utenfor@demo.no"))
    assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 404
