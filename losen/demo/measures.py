"""The demo world's measures: the staircases, their sessions and who attended them.

Part of the follow-up chain (losen/demo/chain.py): PitStop's six steps, Drammen's
"Klart jeg kan" course and follow-up in Ungteam, one measure in each other organisation;
the course's eight sessions and PitStop's weekly groups, with attendance for the
participants enrolled by then.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from losen.accounts.models import Organisation
from losen.programs.models import Attendance, Enrolment, Measure, Session, Staircase

BATCH = 2000

# (measure name, kind, weeks, capacity, monthly cost, step, adults per group)
PITSTOP_STAIRS = (
    ("Brobygger", Measure.Kind.OUTREACH, None, None, 4500, 1, "2.0"),
    ("Hangout", Measure.Kind.MEETING_PLACE, None, None, 4500, 2, "3.0"),
    ("Restart", Measure.Kind.CLARIFICATION, 13, 12, 4500, 3, "2.0"),
    ("Klar-Ferdig-Gå", Measure.Kind.QUALIFICATION, 26, 15, 4500, 4, "2.0"),
    ("Spisevenn", Measure.Kind.WORK_TRAINING, None, None, 4500, 5, "3.0"),
    ("Eldrevenn", Measure.Kind.WORK_TRAINING, None, None, 4500, 6, "3.0"),
)
UNGTEAM_STAIRS = (
    ("Klart jeg kan", Measure.Kind.COURSE, 8, 16, 6000, 1, "2.0"),
    ("Individuell oppfølging", Measure.Kind.INDIVIDUAL_FOLLOW_UP, None, None, 9000, 2, "1.0"),
    ("Arbeidstrening", Measure.Kind.WORK_TRAINING, 26, None, 12000, 3, "1.0"),
)
SINGLE_MEASURE = {
    "nav": ("Ungdomsoppfølging", Measure.Kind.INDIVIDUAL_FOLLOW_UP, 17000),
    "kommun": ("Individuell insats", Measure.Kind.INDIVIDUAL_FOLLOW_UP, 8000),
    "utenfor": ("Jobbtrening", Measure.Kind.WORK_TRAINING, 11000),
}
# The eight sessions of "Klart jeg kan" (Drammen), twice a week, and the follow-up.
KLART_JEG_KAN_SESSIONS = (
    "Bevisstgjøring – hvem er jeg?",
    "Egne valg – hvordan?",
    "Ressursavklaring",
    "Selvfølelse og selvtillit",
    "Endringsprosesser",
    "Motivasjon",
    "Nettverk",
    "Veien videre",
    "Oppfølgingssamling",
)

# PitStop's weekly groups: (measure, weekdays (0 = Monday), hour, titles in turn).
PITSTOP_SESSIONS = (
    ("Hangout", (1, 3), 15, ("Felles middag", "Spill og prat", "Tur i nærområdet")),
    ("Restart", (0,), 10, ("Hverdagsrutiner", "Mine styrker", "Møte med arbeidsgiver")),
)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """`day` at `hour` o'clock, local time: the times of day of the demo's chain."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def create_measures(organisations: dict[str, Organisation], teams) -> dict[str, list[Measure]]:
    """The staircases: PitStop's six steps, Drammen's course and follow-up, one elsewhere."""
    by_key: dict[str, list[Measure]] = {}
    for key, name, stairs in (
        ("pitstop", "PitStop-trappen", PITSTOP_STAIRS),
        ("kommune", "Ungteamets trapp", UNGTEAM_STAIRS),
    ):
        staircase = Staircase.objects.create(
            organisation=organisations[key],
            name=name,
            description="Trinnene fra kontakt til skole eller arbeid.",
        )
        by_key[key] = [
            Measure.objects.create(
                organisation=organisations[key],
                name=measure_name,
                kind=kind,
                planned_weeks=weeks,
                capacity=capacity,
                monthly_cost=Decimal(cost),
                staircase=staircase,
                step=step,
                adults=Decimal(adults),
                description=f"{measure_name} ({staircase.name}, trinn {step}).",
            )
            for measure_name, kind, weeks, capacity, cost, step, adults in stairs
        ]
    for key, (measure_name, kind, cost) in SINGLE_MEASURE.items():
        by_key[key] = [
            Measure.objects.create(
                organisation=organisations[key],
                name=measure_name,
                kind=kind,
                monthly_cost=Decimal(cost),
                adults=Decimal("1.0"),
            )
        ]
    return by_key


def _klart_jeg_kan_sessions(measure: Measure, today: datetime.date) -> list[Session]:
    """A run that started two weeks ago: Tuesdays and Thursdays, then a month later."""
    start = today - datetime.timedelta(days=today.weekday() + 14 - 1)  # a Tuesday
    days = []
    for week in range(4):
        days += [
            start + datetime.timedelta(weeks=week),
            start + datetime.timedelta(weeks=week, days=2),
        ]
    days.append(days[-1] + datetime.timedelta(days=28))
    return Session.objects.bulk_create(
        Session(measure=measure, number=n, title=title, starts_at=at(day, 13))
        for n, (title, day) in enumerate(zip(KLART_JEG_KAN_SESSIONS, days, strict=True), 1)
    )


def _pitstop_sessions(measures: list[Measure], today: datetime.date) -> list[Session]:
    """PitStop's weekly groups: Hangout on Tuesday and Thursday afternoons, Restart on
    Monday mornings; from nine weeks back (so the month before always has sessions, whose
    attendance PitStop reports to whoever referred) to three weeks ahead."""
    monday = today - datetime.timedelta(days=today.weekday())
    by_name = {m.name: m for m in measures}
    sessions = []
    for name, weekdays, hour, titles in PITSTOP_SESSIONS:
        measure = by_name[name]
        number = 0
        for week in range(-9, 4):
            for weekday in weekdays:
                day = monday + datetime.timedelta(weeks=week, days=weekday)
                number += 1
                title = titles[(number - 1) % len(titles)]
                sessions.append(
                    Session(measure=measure, number=number, title=title, starts_at=at(day, hour))
                )
    return Session.objects.bulk_create(sessions)


def write_sessions_and_attendance(measures: dict[str, list[Measure]], today) -> None:
    course = next(m for m in measures["kommune"] if m.name == "Klart jeg kan")
    sessions = _klart_jeg_kan_sessions(course, today) + _pitstop_sessions(
        measures["pitstop"], today
    )
    rows = []
    for measure_sessions in _by_measure(sessions).values():
        measure = measure_sessions[0].measure
        taking_part = list(
            Enrolment.objects.filter(measure=measure, status=Enrolment.Status.ACTIVE).order_by(
                "start_on", "id"
            )[: measure.capacity or 16]
        )
        rows += [
            Attendance(
                session=session, enrolment=enrolment, present=(session.pk + enrolment.pk) % 5 != 0
            )
            for session in measure_sessions
            if session.starts_at.date() <= today
            for enrolment in taking_part
            if enrolment.start_on is not None and enrolment.start_on <= session.starts_at.date()
        ]
    Attendance.objects.bulk_create(rows, batch_size=BATCH)


def _by_measure(sessions: list[Session]) -> dict[int, list[Session]]:
    grouped: dict[int, list[Session]] = {}
    for session in sessions:
        grouped.setdefault(session.measure_id, []).append(session)
    return grouped
