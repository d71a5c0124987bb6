"""The follow-up chain in the demo world: measures, cases and their whole history.

For most of the young people a team follows, a case runs through the chain as the
source documents describe it: a referral (mostly from NAV and the municipality), a
signed application and consent, a decision in the weekly team meeting (most accepted,
some on the waiting list, some redirected), a contact person, a category, enrolments
in the team's staircase, and for those who started long enough ago an exit, spread
roughly as PitStop reports (43 % work, 31 % education, 18 % other activity) after
6–12 months, with follow-ups at 6 and 12 months. Every step is written as the case
event it would have produced, with the date it took effect, so results read from
events see a believable history.

The measures, their sessions and attendance are in measures.py. Written with
bulk_create for speed; the same seed gives the same history.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from losen.accounts.models import Organisation, Team, User
from losen.cases.models import (
    ActionPlan,
    AgendaItem,
    Application,
    Case,
    CaseEvent,
    CaseState,
    CategoryAssessment,
    Consent,
    ConsentPurpose,
    ConsentRecipient,
    Decision,
    EventKind,
    Goal,
    JournalNote,
    Mapping,
    MappingAspect,
    MappingDomain,
    MappingScore,
    MeetingAttendee,
    PlanStep,
    Referral,
    ReferralSource,
    TeamMeeting,
)
from losen.demo.catalogue import publish_demo_listings
from losen.demo.measures import at, create_measures, write_sessions_and_attendance
from losen.imports.models import ImportedCase
from losen.lib.dates import add_months
from losen.outcomes import codes
from losen.outcomes.models import ExitOutcome, FollowUp
from losen.people.models import Follow, Person, age_on
from losen.programs.models import Attendance, Enrolment, Measure, Session, Staircase

BATCH = 2000
CASE_SHARE = 0.62  # of the people a team follows, how many have a case
DETAILED_CASES = 3000  # open cases that also get mappings, plans and notes

SOURCES = (
    (ReferralSource.NAV, 34),
    (ReferralSource.SCHOOL, 14),
    (ReferralSource.SOCIAL_SERVICES, 10),
    (ReferralSource.CHILD_WELFARE, 6),
    (ReferralSource.HEALTH, 6),
    (ReferralSource.COUNTY, 10),
    (ReferralSource.RELATIVE, 8),
    (ReferralSource.SELF, 8),
    (ReferralSource.OUTREACH, 4),
)
EXIT_CODES = (
    ("work.full_time", 20),
    ("work.part_time", 16),
    ("work.supported", 7),
    ("education.upper_secondary", 17),
    ("education.apprenticeship", 7),
    ("education.adult_education", 4),
    ("education.folk_high_school", 3),
    ("other_activity.nav_measure", 9),
    ("other_activity.work_training", 5),
    ("other_activity.organised_activity", 4),
    ("no_activity", 5),
    ("unknown.moved_county", 2),
    ("unknown.not_reached", 1),
)
REASONS = (
    "Har falt ut av videregående og ønsker hjelp til å komme i gang igjen.",
    "Mottar økonomisk sosialhjelp og trenger avklaring av arbeidsevne.",
    "Isolert hjemme det siste året; familien ber om kontakt.",
    "Ønsker arbeid, men mangler erfaring og nettverk.",
    "Avbrutt læretid; trenger hjelp til ny plan.",
    "Lite struktur i hverdagen og usikker på veien videre.",
)
GOALS = (
    ("outcome", "Være i jobb eller skole innen et år"),
    ("outcome", "Fullføre videregående opplæring"),
    ("development", "Fast døgnrytme med oppmøte fire dager i uka"),
    ("development", "Bygge nettverk gjennom faste aktiviteter"),
)
STEPS = (
    ("youth", "Møte på Klart jeg kan hver tirsdag og torsdag"),
    ("coordinator", "Avtale møte med skolen om gjenværende rettigheter"),
    ("other", "Vurdere arbeidstrening i praksisbedrift"),
    ("youth", "Lage CV sammen med koordinator"),
)
# The Swedish organisation's texts, as a KAA coordinator would write them.
REASONS_SV = (
    "Har avbrutit gymnasiet och vill ha hjälp att komma tillbaka till studier.",
    "Har varit hemma det senaste året; vårdnadshavare har bett om kontakt.",
    "Vill börja arbeta men saknar erfarenhet och kontakter.",
    "Osäker på vad hen vill göra efter gymnasiet.",
    "Avbruten lärlingsutbildning; behöver hjälp med en ny plan.",
)
GOALS_SV = (
    ("outcome", "Börja på ett nationellt program eller ett introduktionsprogram"),
    ("outcome", "Ha ett arbete eller en praktikplats inom ett år"),
    ("development", "Fasta rutiner med aktivitet fyra dagar i veckan"),
    ("development", "Bygga ett nätverk genom regelbundna aktiviteter"),
)
STEPS_SV = (
    ("youth", "Besöka två gymnasieskolor tillsammans med KAA-samordnaren"),
    ("coordinator", "Boka möte med studie- och yrkesvägledare"),
    ("other", "Pröva praktik hos en arbetsgivare i kommunen"),
    ("youth", "Skriva ett CV tillsammans med samordnaren"),
)
TEXTS = {
    "NO": {
        "reasons": REASONS,
        "goals": GOALS,
        "steps": STEPS,
        "referrer": "Veileder",
        "guardian": "Foresatt",
        "other_owner": "Praksisbedrift",
        "note": "Samtale om mål og hverdag. Avtalt nytt møte om to uker.",
    },
    "SE": {
        "reasons": REASONS_SV,
        "goals": GOALS_SV,
        "steps": STEPS_SV,
        "referrer": "Studie- och yrkesvägledare",
        "guardian": "Vårdnadshavare",
        "other_owner": "Praktikplats",
        "note": "Samtal om mål och vardag. Nytt möte bokat om två veckor.",
    },
}


def _pick(options: tuple, key: int):
    return options[key % len(options)]


def _weighted(rng: random.Random, options):
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


@dataclass
class ChainSummary:
    cases: int = 0
    events: int = 0
    exits: int = 0
    by_state: dict[str, int] = field(default_factory=dict)


class _Writer:
    """Collects rows and writes them in batches, in an order that respects foreign keys."""

    def __init__(self):
        self.rows: dict[type, list] = defaultdict(list)

    def add(self, obj):
        self.rows[type(obj)].append(obj)
        return obj

    def flush(self, *models):
        for model in models:
            rows = self.rows.pop(model, [])
            if rows:
                model.objects.bulk_create(rows, batch_size=BATCH)


def load_chain(
    *,
    seed: int,
    today: datetime.date,
    organisations: dict[str, Organisation],
    teams: dict[tuple[str, str], Team],
) -> ChainSummary:
    rng = random.Random(f"{seed}-chain")
    measures = create_measures(organisations, teams)
    publish_demo_listings(measures)
    key_of_org = {org.pk: key for key, org in organisations.items()}
    workers: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        memberships__team__in=list(teams.values()),
        memberships__role__in=["coordinator", "team_lead"],
    ).distinct():
        for membership in user.memberships.all():
            if membership.team_id:
                workers[membership.team_id].append(user)
    for users in workers.values():
        users.sort(key=lambda u: u.email)
    recorder = {team_id: users[0] for team_id, users in workers.items()}

    # Weekly meetings (Tuesdays) per team: created when first needed.
    meetings: dict[tuple[int, datetime.date], TeamMeeting] = {}
    writer = _Writer()
    summary = ChainSummary()
    state_count: dict[str, int] = defaultdict(int)
    collected = _Collected(country_of={org.pk: org.country for org in organisations.values()})

    follows = (
        Follow.objects.filter(organisation_id__in=key_of_org)
        .order_by("person_id", "id")
        .values_list("person_id", "team_id", "organisation_id")
    )
    people = dict(
        Person.objects.filter(organisation_id__in=key_of_org).values_list("pk", "birth_date")
    )
    seen: set[int] = set()
    pending_cases: list[tuple[Case, dict]] = []

    def meeting_on(team_id: int, organisation_id: int, day: datetime.date) -> TeamMeeting:
        tuesday = day + datetime.timedelta(days=(1 - day.weekday()) % 7)
        key = (team_id, tuesday)
        if key not in meetings:
            meetings[key] = TeamMeeting(
                organisation_id=organisation_id,
                team_id=team_id,
                starts_at=at(tuesday, 9),
                location="Møterom 2",
                closed_at=at(tuesday, 11) if tuesday < today else None,
                created_by=recorder.get(team_id),
            )
        return meetings[key]

    for person_id, team_id, organisation_id in follows:
        if person_id in seen:
            continue  # one case per person, in the first team that follows them
        seen.add(person_id)
        if team_id not in recorder or rng.random() > CASE_SHARE:
            continue
        org_key = key_of_org[organisation_id]
        team_users = workers[team_id]
        actor = recorder[team_id]
        # Two years of history, and a steady trickle of new referrals in the last weeks.
        recent = rng.random() < 0.08
        referred_on = today - datetime.timedelta(
            days=rng.randint(0, 20) if recent else rng.randint(21, 730)
        )
        birth_date = people[person_id]
        plan: dict[str, Any] = {
            "actor": actor,
            "team_id": team_id,
            "org_key": org_key,
            "referred_on": referred_on,
            "minor": age_on(birth_date, referred_on) < 18,
        }
        case = Case(
            organisation_id=organisation_id,
            team_id=team_id,
            person_id=person_id,
            opened_on=referred_on,
            created_at=at(referred_on),
        )
        events: list[tuple] = [(EventKind.REFERRED, referred_on, {"source": ""})]
        source = _weighted(rng, SOURCES)
        events[0][2]["source"] = source
        plan["source"] = source
        state = CaseState.REFERRED
        signed_on = referred_on + datetime.timedelta(days=rng.randint(2, 12))
        if signed_on <= today:
            plan["signed_on"] = signed_on
            events.append((EventKind.APPLICATION_SIGNED, signed_on, {}))
            events.append((EventKind.CONSENT_GIVEN, signed_on, {"purpose": "team_meeting"}))
            events.append((EventKind.STATE_CHANGED, signed_on, {"from": state, "to": "assessment"}))
            state = CaseState.ASSESSMENT
            meeting = meeting_on(team_id, organisation_id, signed_on + datetime.timedelta(days=1))
            plan["meeting"] = meeting
            decided_on = meeting.starts_at.date()
            if decided_on < today:
                decision = _weighted(
                    rng,
                    (
                        (Decision.ACCEPT, 80),
                        (Decision.WAITING_LIST, 8),
                        (Decision.REDIRECT, 8),
                        (Decision.MORE_INFORMATION, 4),
                    ),
                )
                plan["decision"] = decision
                events.append((EventKind.DECISION, decided_on, {"decision": decision}))
                new_state = {
                    Decision.ACCEPT: CaseState.ACCEPTED,
                    Decision.WAITING_LIST: CaseState.WAITING_LIST,
                    Decision.REDIRECT: CaseState.REDIRECTED,
                }.get(decision)
                if new_state:
                    events.append(
                        (EventKind.STATE_CHANGED, decided_on, {"from": state, "to": new_state})
                    )
                    state = new_state
                if decision == Decision.ACCEPT:
                    contact = rng.choice(team_users)
                    case.contact_person = contact
                    events.append(
                        (
                            EventKind.CONTACT_PERSON_ASSIGNED,
                            decided_on,
                            {"from": None, "to": contact.pk, "to_name": contact.full_name},
                        )
                    )
                    category = _weighted(rng, ((1, 30), (2, 20), (3, 35), (4, 15)))
                    category_on = min(
                        today, decided_on + datetime.timedelta(days=rng.randint(0, 14))
                    )
                    plan["category"] = (category, category_on)
                    events.append((EventKind.CATEGORY_SET, category_on, {"category": category}))
                    start = decided_on + datetime.timedelta(days=rng.randint(3, 21))
                    if start <= today:
                        state = _enrol(rng, plan, events, measures[org_key], start, today, state)
        case.state = state
        if state == CaseState.ENDED:
            case.ended_on = plan["exit"][1]
        state_count[state] += 1
        writer.add(case)
        pending_cases.append((case, {"events": events, **plan}))
        if len(pending_cases) >= BATCH:
            summary.events += _write_cases(pending_cases, writer, collected)
            pending_cases = []
    summary.events += _write_cases(pending_cases, writer, collected)

    _write_meetings(meetings, workers, today, collected)
    _write_details(rng, today, collected)
    write_sessions_and_attendance(measures, today)
    summary.cases = sum(state_count.values())
    summary.exits = state_count.get(CaseState.ENDED, 0)
    summary.by_state = dict(state_count)
    return summary


def _enrol(rng, plan, events, measures, start, today, state) -> CaseState:
    """Enrolments from `start`: first step, maybe a move up, maybe an exit."""
    first = measures[0] if len(measures) == 1 else rng.choice(measures[: max(1, len(measures) - 1)])
    stay = rng.randint(180, 365)  # time from first start to exit
    exit_on = start + datetime.timedelta(days=stay)
    enrolments = []
    second_start = None
    if len(measures) > 1 and rng.random() < 0.5:
        later = [m for m in measures if (m.step or 0) > (first.step or 0)]
        if later:
            second_start = start + datetime.timedelta(days=rng.randint(30, max(31, stay - 30)))
            enrolments.append([first, start, second_start, Enrolment.EndReason.MOVED_UP])
            enrolments.append([rng.choice(later), second_start, None, ""])
    if not enrolments:
        enrolments.append([first, start, None, ""])
    plan["enrolments"] = []
    events.append((EventKind.ENROLMENT_STARTED, start, {"measure": first.name}))
    events.append((EventKind.STATE_CHANGED, start, {"from": state, "to": "active"}))
    state = CaseState.ACTIVE
    for measure, begin, end, reason in enrolments:
        if begin > today:
            continue
        if begin != start:
            events.append((EventKind.ENROLMENT_STARTED, begin, {"measure": measure.name}))
        if end is not None and end <= today:
            events.append(
                (EventKind.ENROLMENT_ENDED, end, {"measure": measure.name, "reason": reason})
            )
        else:
            end, reason = None, ""
        plan["enrolments"].append((measure, begin, end, reason))
    if exit_on <= today:
        code = _weighted(rng, EXIT_CODES)
        for item in plan["enrolments"]:
            if item[2] is None:
                measure, begin, _end, _reason = item
                plan["enrolments"][plan["enrolments"].index(item)] = (
                    measure,
                    begin,
                    exit_on,
                    Enrolment.EndReason.CASE_ENDED,
                )
                events.append(
                    (
                        EventKind.ENROLMENT_ENDED,
                        exit_on,
                        {"measure": measure.name, "reason": "case_ended"},
                    )
                )
        plan["exit"] = (code, exit_on)
        outcome = codes.get(code)
        events.append(
            (
                EventKind.EXIT,
                exit_on,
                {
                    "code": code,
                    "top_code": outcome.top,
                    "version": codes.CODE_LIST_VERSION,
                    "ot_code": outcome.ot_code,
                },
            )
        )
        events.append((EventKind.STATE_CHANGED, exit_on, {"from": state, "to": "ended"}))
        state = CaseState.ENDED
        plan["follow_ups"] = []
        for months in (6, 12):
            due = add_months(exit_on, months)
            registered = None
            if due <= today and rng.random() < 0.85:
                reached = rng.random() < 0.8
                later_code = ""
                if reached:
                    later_code = code if rng.random() < 0.75 else _weighted(rng, EXIT_CODES)
                registered = (
                    min(today, due + datetime.timedelta(days=rng.randint(0, 20))),
                    reached,
                    later_code,
                )
                events.append(
                    (
                        EventKind.FOLLOW_UP_REGISTERED,
                        registered[0],
                        {"months": months, "reached": reached, "code": later_code},
                    )
                )
            plan["follow_ups"].append((months, due, registered))
    return state


def _write_cases(pending: list[tuple[Case, dict]], writer: _Writer, collected: _Collected) -> int:
    if not pending:
        return 0
    writer.flush(Case)
    count = 0
    for case, plan in pending:
        actor = plan["actor"]
        writer.add(
            Referral(
                organisation_id=case.organisation_id,
                team_id=case.team_id,
                person_id=case.person_id,
                case=case,
                source=plan["source"],
                referrer_name=""
                if plan["source"] == ReferralSource.SELF
                else collected.texts(case.organisation_id)["referrer"],
                referrer_organisation={
                    ReferralSource.NAV: "NAV Demo",
                    ReferralSource.SCHOOL: "Demo videregående skole",
                }.get(plan["source"], ""),
                reason=_pick(collected.texts(case.organisation_id)["reasons"], case.person_id),
                referred_on=plan["referred_on"],
                created_by=actor,
                created_at=at(plan["referred_on"], 12),
            )
        )
        signed_on = plan.get("signed_on")
        writer.add(
            Application(
                case=case,
                organisation_id=case.organisation_id,
                method=Application.Method.ON_SCREEN if signed_on else "",
                youth_signed_name="Signert" if signed_on else "",
                youth_signed_at=at(signed_on, 11) if signed_on else None,
                guardian_signed_name=collected.texts(case.organisation_id)["guardian"]
                if signed_on and plan["minor"]
                else "",
                guardian_signed_at=at(signed_on, 11) if signed_on and plan["minor"] else None,
                witnessed_by=actor if signed_on else None,
                created_at=at(plan["referred_on"], 12),
            )
        )
        if signed_on:
            for purpose in (ConsentPurpose.FOLLOW_UP, ConsentPurpose.TEAM_MEETING):
                writer.add(
                    Consent(
                        organisation_id=case.organisation_id,
                        case=case,
                        person_id=case.person_id,
                        purpose=purpose,
                        recipient=ConsentRecipient.MEETING_MEMBERS,
                        given_on=signed_on,
                        given_by="guardian" if plan["minor"] else "youth",
                        recorded_by=actor,
                    )
                )
        if "category" in plan:
            category, set_on = plan["category"]
            writer.add(
                CategoryAssessment(case=case, category=category, set_on=set_on, set_by=actor)
            )
        meeting = plan.get("meeting")
        if meeting is not None:
            plan["agenda"] = (meeting, case, plan.get("decision", ""))
        for measure, begin, end, reason in plan.get("enrolments", []):
            writer.add(
                Enrolment(
                    organisation_id=case.organisation_id,
                    case=case,
                    measure=measure,
                    status=Enrolment.Status.ENDED if end else Enrolment.Status.ACTIVE,
                    start_on=begin,
                    planned_end_on=(
                        begin + datetime.timedelta(weeks=measure.planned_weeks)
                        if measure.planned_weeks
                        else None
                    ),
                    end_on=end,
                    end_reason=reason,
                    created_by=actor,
                )
            )
        for kind, effective_on, data in plan["events"]:
            writer.add(
                CaseEvent(
                    organisation_id=case.organisation_id,
                    case=case,
                    person_id=case.person_id,
                    kind=kind,
                    effective_on=effective_on,
                    recorded_at=at(effective_on, 15),
                    recorded_by=actor,
                    data=data,
                )
            )
            count += 1
        collected.agenda.append(plan.get("agenda"))
        if "exit" in plan:
            code, exit_on = plan["exit"]
            collected.exits.append((case, code, exit_on, actor, plan["follow_ups"]))
        if case.state in (CaseState.ACCEPTED, CaseState.ACTIVE):
            collected.details.append((case, actor))
    writer.flush(Referral, Application, Consent, CategoryAssessment, Enrolment)
    # CaseEvent.save refuses updates; bulk_create inserts only.
    writer.flush(CaseEvent)
    _flush_exits(collected)
    return count


@dataclass
class _Collected:
    """What is written after all cases exist: agenda items, exits, detailed work."""

    agenda: list = field(default_factory=list)
    exits: list = field(default_factory=list)
    details: list = field(default_factory=list)
    # Organisation id → "NO" or "SE": the texts are written in the organisation's language.
    country_of: dict = field(default_factory=dict)

    def texts(self, organisation_id: int) -> dict:
        return TEXTS[self.country_of.get(organisation_id, "NO")]


def _flush_exits(collected: _Collected) -> None:
    exits = []
    for case, code, exit_on, actor, _follow_ups in collected.exits:
        outcome = codes.get(code)
        exits.append(
            ExitOutcome(
                organisation_id=case.organisation_id,
                case=case,
                exited_on=exit_on,
                code=code,
                top_code=outcome.top,
                recorded_by=actor,
                recorded_at=at(exit_on, 15),
            )
        )
    ExitOutcome.objects.bulk_create(exits, batch_size=BATCH)
    follow_ups = []
    for exit_row, (case, _code, _exit_on, actor, planned) in zip(
        exits, collected.exits, strict=True
    ):
        for months, due, registered in planned:
            row = FollowUp(
                organisation_id=case.organisation_id,
                case=case,
                exit=exit_row,
                months=months,
                due_on=due,
            )
            if registered:
                row.registered_on, row.reached, later = registered
                if later:
                    row.code = later
                    row.top_code = codes.get(later).top
                    row.code_list_version = codes.CODE_LIST_VERSION
                row.registered_by = actor
            follow_ups.append(row)
    FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
    collected.exits.clear()


def _write_meetings(meetings, workers, today, collected: _Collected) -> None:
    rows = list(meetings.values())
    # And next week's meeting for every team, so the work list has one to show.
    next_tuesday = today + datetime.timedelta(days=(1 - today.weekday()) % 7 or 7)
    # (Not for a team that already meets then: a team holds one meeting at a time.)
    meets_then = {m.team_id for m in rows if m.starts_at == at(next_tuesday, 9)}
    planned_teams = {meeting.team_id for meeting in rows} - meets_then
    for team in Team.objects.filter(pk__in=planned_teams):
        rows.append(
            TeamMeeting(
                organisation_id=team.organisation_id,
                team=team,
                starts_at=at(next_tuesday, 9),
                location="Møterom 2",
                created_by=workers[team.pk][0] if workers[team.pk] else None,
            )
        )
    TeamMeeting.objects.bulk_create(rows, batch_size=BATCH)
    attendees = []
    for meeting in rows:
        for user in workers.get(meeting.team_id, []):
            attendees.append(
                MeetingAttendee(meeting=meeting, user=user, organisation_id=meeting.organisation_id)
            )
    MeetingAttendee.objects.bulk_create(attendees, batch_size=BATCH)
    items = []
    positions: dict[int, int] = defaultdict(int)
    for entry in collected.agenda:
        if entry is None:
            continue
        meeting, case, decision = entry
        positions[meeting.pk] += 1
        items.append(
            AgendaItem(
                meeting=meeting,
                case=case,
                reason=AgendaItem.Reason.NEW_APPLICATION,
                position=positions[meeting.pk],
                decision=decision,
                contact_person=case.contact_person if decision == Decision.ACCEPT else None,
                redirect_to="Helsetjenesten" if decision == Decision.REDIRECT else "",
                redirect_reason=(
                    "Behovet er først og fremst helsehjelp."
                    if decision == Decision.REDIRECT
                    else ""
                ),
                decided_at=meeting.starts_at if decision else None,
                decided_by=meeting.created_by if decision else None,
            )
        )
    AgendaItem.objects.bulk_create(items, batch_size=BATCH)


def _write_details(rng: random.Random, today: datetime.date, collected: _Collected) -> None:
    """Mappings, plans and journal notes for the most recent open cases."""
    chosen = sorted(collected.details, key=lambda item: item[0].opened_on, reverse=True)[
        :DETAILED_CASES
    ]
    mappings, plans = [], []
    for case, actor in chosen:
        first = min(today, case.opened_on + datetime.timedelta(days=rng.randint(10, 30)))
        mappings.append(Mapping(case=case, mapped_on=first, recorded_by=actor))
        second = first + datetime.timedelta(days=rng.randint(60, 120))
        if second <= today:
            mappings.append(Mapping(case=case, mapped_on=second, recorded_by=actor))
        plans.append(ActionPlan(case=case, updated_by=actor, updated_at=at(first, 14)))
    Mapping.objects.bulk_create(mappings, batch_size=BATCH)
    ActionPlan.objects.bulk_create(plans, batch_size=BATCH)
    scores = []
    base: dict[int, int] = {}
    for mapping in mappings:
        lift = 1 if mapping.case_id in base else 0
        base.setdefault(mapping.case_id, rng.randint(1, 3))
        for domain in MappingDomain.values:
            for aspect in MappingAspect.values:
                youth = min(5, base[mapping.case_id] + lift + rng.randint(0, 1))
                scores.append(
                    MappingScore(
                        mapping=mapping,
                        domain=domain,
                        aspect=aspect,
                        youth_score=youth,
                        coordinator_score=max(1, min(5, youth + rng.choice((-1, 0, 0, 1)))),
                    )
                )
    MappingScore.objects.bulk_create(scores, batch_size=BATCH)
    goals, steps, notes = [], [], []
    for plan, (case, actor) in zip(plans, chosen, strict=True):
        texts = collected.texts(case.organisation_id)
        for position, (kind, text) in enumerate(rng.sample(texts["goals"], 2)):
            goals.append(Goal(plan=plan, kind=kind, text=text, position=position))
        for position, (owner, text) in enumerate(rng.sample(texts["steps"], 2)):
            steps.append(
                PlanStep(
                    plan=plan,
                    text=text,
                    owner=owner,
                    owner_name=texts["other_owner"] if owner == "other" else "",
                    deadline=today + datetime.timedelta(days=rng.randint(-10, 40)),
                    status=rng.choice(("planned", "in_progress", "done")),
                    position=position,
                )
            )
        notes.append(
            JournalNote(
                organisation_id=case.organisation_id,
                case=case,
                author=actor,
                written_on=min(today, case.opened_on + datetime.timedelta(days=20)),
                text=texts["note"],
            )
        )
    Goal.objects.bulk_create(goals, batch_size=BATCH)
    PlanStep.objects.bulk_create(steps, batch_size=BATCH)
    JournalNote.objects.bulk_create(notes, batch_size=BATCH)


def delete_chain(org_ids: list[int]) -> None:
    """Remove the chain's rows of these organisations, children before parents."""
    cases = Case.objects.filter(organisation_id__in=org_ids)
    ImportedCase.objects.filter(organisation_id__in=org_ids).delete()
    Attendance.objects.filter(enrolment__organisation_id__in=org_ids).delete()
    Session.objects.filter(measure__organisation_id__in=org_ids).delete()
    FollowUp.objects.filter(organisation_id__in=org_ids).delete()
    ExitOutcome.objects.filter(organisation_id__in=org_ids).delete()
    Enrolment.objects.filter(organisation_id__in=org_ids).delete()
    Measure.objects.filter(organisation_id__in=org_ids).delete()
    Staircase.objects.filter(organisation_id__in=org_ids).delete()
    AgendaItem.objects.filter(meeting__organisation_id__in=org_ids).delete()
    AgendaItem.objects.filter(case__in=cases).delete()
    MeetingAttendee.objects.filter(meeting__organisation_id__in=org_ids).delete()
    TeamMeeting.objects.filter(organisation_id__in=org_ids).delete()
    JournalNote.objects.filter(organisation_id__in=org_ids).delete()
    PlanStep.objects.filter(plan__case__in=cases).delete()
    Goal.objects.filter(plan__case__in=cases).delete()
    ActionPlan.objects.filter(case__in=cases).delete()
    MappingScore.objects.filter(mapping__case__in=cases).delete()
    Mapping.objects.filter(case__in=cases).delete()
    CategoryAssessment.objects.filter(case__in=cases).delete()
    Consent.objects.filter(organisation_id__in=org_ids).delete()
    Application.objects.filter(organisation_id__in=org_ids).delete()
    Referral.objects.filter(organisation_id__in=org_ids).delete()
    # Case events are append-only; a retention rule (here: removing the demo world) is
    # the one thing that may purge them.
    CaseEvent.objects.filter(organisation_id__in=org_ids).order_by().purge()
    cases.delete()
