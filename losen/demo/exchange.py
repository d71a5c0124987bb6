"""The demo's referrals between organisations: NAV Demo and Demo kommune refer young
people to PitStop Demo's measures, and PitStop's reports flow back.

One referral in each state (sent, taken to PitStop's team meeting, on the waiting list,
declined, accepted, started, paused), five ended with exits in PitStop's mix (work,
school, other activity) and their follow-ups where due, and one whose consent is
withdrawn midway: PitStop's exit after the withdrawal stays with PitStop. The young
people under way have their attendance reported month by month; one has a status note
sent after the team lead read it, and one waiting for the team lead. Everything is made
through the exchange's own actions, as the coordinators would, so the consents, the
copies, the case events, the reports and both organisations' access logs are all there.
"""

from __future__ import annotations

import contextlib
import datetime

from django.db.models import Q
from django.utils import timezone

from losen.accounts.models import Organisation, Team, User
from losen.cases.actions.core import do_transition_case
from losen.cases.actions.intake import do_withdraw_consent
from losen.cases.models import Case, CaseState
from losen.cases.models.core import OPEN_STATES
from losen.catalogue.models import Listing
from losen.exchange import actions
from losen.exchange.models import ReceivedReferral, ReferralReport, SentReferral, StatusNote
from losen.exchange.queries import months_to_report
from losen.outcomes.actions import do_exit, do_register_follow_up
from losen.outcomes.models import FollowUp
from losen.programs.actions import do_enrol, do_record_attendance
from losen.programs.models import Enrolment, Session

# (sender's organisation key, PitStop's measure, what happens, days ago it was referred);
# "ended:CODE" ends with that exit code. A small demo has fewer cases without a plan to
# refer: the rows at the end are the first to go.
PLAN = (
    ("nav", "Restart", "sent", 3),
    ("kommune", "Brobygger", "meeting", 6),
    ("nav", "Klar-Ferdig-Gå", "waiting_list", 20),
    ("kommune", "Hangout", "declined", 25),
    ("nav", "Brobygger", "accepted", 30),
    ("kommune", "Restart", "started", 75),
    ("nav", "Hangout", "paused", 90),
    ("nav", "Spisevenn", "withdrawn", 120),
    ("nav", "Klar-Ferdig-Gå", "ended:work.part_time", 420),
    ("kommune", "Restart", "ended:education.upper_secondary", 330),
    ("kommune", "Hangout", "ended:other_activity.work_training", 260),
    ("nav", "Restart", "ended:work.full_time", 300),
    ("nav", "Brobygger", "ended:education.apprenticeship", 240),
)
SENDERS = {"nav": "navveileder@demo.no", "kommune": "koordinator@demo.no"}
RECEIVER = "pitstop@demo.no"
RECEIVER_LEAD = "pitstopleder@demo.no"
NOTES = (
    "Har møtt hver mandag siden oppstart og tar mer ansvar i gruppa. Vi snakker nå om "
    "arbeidstrening fra januar; det passer å ta det opp i deres neste samtale.",
    "Var borte to ganger forrige uke. Vi har avtalt en samtale på fredag.",
)
REASONS = {
    "nav": "Ønsker avklaring og hjelp til å komme i gang med noe. Har vært hjemme i over et år.",
    "kommune": "Trenger et sted å være og noen å være sammen med; har sluttet på skolen.",
}


def _cases_to_refer(team: Team, count: int) -> list[Case]:
    """The team's oldest open cases without an action plan: the cases with a plan are the
    team's own follow-up, which the demo shows in full (a small demo refers fewer)."""
    return list(
        Case.objects.filter(team=team, state__in=OPEN_STATES, plan__isnull=True)
        .select_related("person")
        .order_by("opened_on", "pk")[:count]
    )


def load_referrals(
    organisations: dict[str, Organisation], teams: dict[tuple[str, str], Team], today
) -> int:
    users = {
        user.email: user
        for user in User.objects.filter(email__in=[*SENDERS.values(), RECEIVER, RECEIVER_LEAD])
    }
    pitstop_team = teams["pitstop", "PitStop"]
    listings = {
        listing.measure.name: listing
        for listing in Listing.objects.filter(organisation=organisations["pitstop"]).select_related(
            "measure"
        )
    }
    sender_teams = {"nav": teams["nav", "Ungdomsteam"], "kommune": teams["kommune", "Ungteam"]}
    wanted = {key: sum(1 for plan in PLAN if plan[0] == key) for key in sender_teams}
    cases = {key: _cases_to_refer(team, wanted[key]) for key, team in sender_teams.items()}
    receiver = users[RECEIVER]
    made = 0
    for key, measure, outcome, days_ago in PLAN:
        if not cases[key]:
            continue
        case = cases[key].pop(0)
        referred_on = today - datetime.timedelta(days=days_ago)
        sent = actions.do_refer_out(
            users[SENDERS[key]],
            case,
            listing=listings[measure],
            fields=["contact", "guardian"],
            reason=REASONS[key],
            youth_consents=True,
            guardian_consents=True,
            referred_on=max(referred_on, case.opened_on),
        )
        made += 1
        sender = users[SENDERS[key]]
        _play(sent, outcome, receiver, pitstop_team, listings[measure], sender, today)
        if outcome in ("started", "paused"):
            _attend_and_report(sent, receiver, users.get(RECEIVER_LEAD), today, outcome)
    return made


def _play(sent: SentReferral, outcome: str, receiver: User, team: Team, listing, sender, today):
    received = ReceivedReferral.objects.get(pk=sent.pk)
    decided_on = min(sent.referred_on + datetime.timedelta(days=5), today)
    if outcome == "sent":
        return
    if outcome == "waiting_list":
        actions.do_waitlist_referral(receiver, received, on=decided_on)
        return
    if outcome == "meeting":
        actions.do_take_to_meeting(receiver, received, team=team)
        return
    if outcome == "declined":
        actions.do_decline_referral(
            receiver,
            received,
            reason="Hangout er fullt denne høsten; prøv Brobygger.",
            decided_on=decided_on,
        )
        return
    received = actions.do_accept_referral(receiver, received, team=team, decided_on=decided_on)
    if outcome == "accepted":
        return
    case = received.case
    assert case is not None  # accepting opens the receiver's case
    do_transition_case(receiver, case, CaseState.ACCEPTED)
    # Back-dated as far as the referral allows, never into the future.
    start = min(decided_on + datetime.timedelta(days=9), today)
    do_enrol(receiver, case, listing.measure, start_on=start)
    if outcome == "withdrawn":
        do_withdraw_consent(sender, sent.consent, note="Den unge ønsker ikke at NAV får mer.")
        exit_on = min(start + datetime.timedelta(days=60), today)
        do_exit(receiver, case, code="education.upper_secondary", exited_on=exit_on)
        return
    if outcome.startswith("ended:"):
        exit_on = min(start + datetime.timedelta(days=120), today)
        code = outcome.split(":", 1)[1]
        do_exit(receiver, case, code=code, exited_on=exit_on)
        due = FollowUp.objects.filter(case=case, months=6).first()
        if due is not None and due.due_on <= today:
            do_register_follow_up(receiver, due, reached=True, code=code, registered_on=due.due_on)


def _attend_and_report(
    sent: SentReferral, receiver: User, lead: User | None, today: datetime.date, outcome: str
) -> None:
    """Attendance at the measure's sessions since the start (away one week in four, and
    through a pause), each month over reported to the sender, and a pause or status notes."""
    received = ReceivedReferral.objects.get(pk=sent.pk)
    enrolment = Enrolment.objects.filter(
        case__received_referrals=received, status=Enrolment.Status.ACTIVE
    ).first()
    if enrolment is None or enrolment.start_on is None:
        return  # a full measure (a large demo): the young person waits for a place
    started = timezone.make_aware(datetime.datetime.combine(enrolment.start_on, datetime.time()))
    sessions = Session.objects.filter(
        measure=enrolment.measure, starts_at__gte=started, starts_at__lt=timezone.now()
    ).order_by("starts_at")
    paused_on = max(today - datetime.timedelta(days=10), received.started_on or today)
    for n, session in enumerate(sessions):
        away = n % 4 == 3 or (outcome == "paused" and session.starts_at.date() >= paused_on)
        do_record_attendance(receiver, session, {enrolment.pk: not away})
    for month in months_to_report(received, today)[::-1]:
        # A month without a session (the demo's groups began later) has nothing to report.
        with contextlib.suppress(actions.NothingToReport):
            actions.do_report_attendance(receiver, received, month)
    if outcome == "paused":
        actions.do_report_pause(
            receiver, received, on=paused_on, until=today + datetime.timedelta(days=14)
        )
        return
    sent_note = actions.do_write_status_note(receiver, received, NOTES[0])
    if lead is not None:
        actions.do_send_status_note(lead, sent_note)
    actions.do_write_status_note(receiver, received, NOTES[1])


def delete_referrals(org_ids: list[int]) -> None:
    """Remove the referrals to and from these organisations (before their cases go)."""
    StatusNote.objects.filter(
        Q(organisation_id__in=org_ids) | Q(received__from_organisation_id__in=org_ids)
    ).delete()
    ReferralReport.objects.filter(
        Q(organisation_id__in=org_ids) | Q(reported_by_organisation_id__in=org_ids)
    ).delete()
    ReceivedReferral.objects.filter(
        Q(organisation_id__in=org_ids) | Q(from_organisation_id__in=org_ids)
    ).delete()
    SentReferral.objects.filter(
        Q(organisation_id__in=org_ids) | Q(to_organisation_id__in=org_ids)
    ).delete()
