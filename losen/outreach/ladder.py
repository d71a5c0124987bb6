"""The contact ladder and the daily work queue.

A ladder is a list of steps, each a method (phone, sms, letter, home_visit) and a wait
in days: the first step's wait counts from the day the person appeared on the list, each
later step's from the day of the unanswered attempt before it. The default ladder is in
``rules/ladder.json``; an organisation may have its own per scheme (LadderConfig).

The promise: contact (a conversation: reached, or declined) within `promise_days` of
appearing on the list. A person not reached after that is overdue.

The queue on a day holds everyone of a team (or organisation) who is in the target group
that day, has not been reached, has a step left, and whose next step is due that day or
earlier.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import F, Q, QuerySet

from losen.outreach import eligibility
from losen.outreach.models import LadderConfig, TargetEntry
from losen.outreach.models.ladder import Method

LADDER_FILE = eligibility.RULES_DIR / "ladder.json"


class LadderError(ValueError):
    pass


@dataclass(frozen=True)
class Step:
    method: str
    wait_days: int


@dataclass(frozen=True)
class Ladder:
    steps: tuple[Step, ...]
    promise_days: int
    letter_sender: str = ""

    def due_on(self, entry: TargetEntry) -> datetime.date | None:
        """The day the entry's next step is due (None when no step is left)."""
        if entry.step_index >= len(self.steps):
            return None
        step = self.steps[entry.step_index]
        start = entry.last_attempt_on if entry.last_attempt_on else entry.listed_on
        return start + datetime.timedelta(days=step.wait_days)

    def promise_on(self, entry: TargetEntry) -> datetime.date:
        return entry.listed_on + datetime.timedelta(days=self.promise_days)

    def is_overdue(self, entry: TargetEntry, day: datetime.date) -> bool:
        """The promise is broken: not reached, and `day` is past the promised day."""
        if entry.reached_on is not None:
            return entry.reached_on > self.promise_on(entry)
        return day > self.promise_on(entry)

    def index_of(self, method: str) -> int | None:
        for index, step in enumerate(self.steps):
            if step.method == method:
                return index
        return None


def parse_steps(raw: object) -> tuple[Step, ...]:
    if not isinstance(raw, list) or not raw:
        raise LadderError("The steps must be a non-empty list.")
    steps = []
    methods = set(Method.values)
    for item in raw:
        if not isinstance(item, dict):
            raise LadderError("Each step must be an object with method and wait_days.")
        method, wait = item.get("method"), item.get("wait_days")
        if method not in methods:
            raise LadderError(f"Unknown method {method!r} (one of {', '.join(Method.values)}).")
        if not isinstance(wait, int) or isinstance(wait, bool) or not 0 <= wait <= 365:
            raise LadderError(f"wait_days of {method} must be a whole number from 0 to 365.")
        steps.append(Step(method, wait))
    if len({s.method for s in steps}) != len(steps):
        raise LadderError("Each method may appear only once.")
    return tuple(steps)


@lru_cache(maxsize=1)
def default_ladder() -> Ladder:
    data = json.loads(LADDER_FILE.read_text(encoding="utf-8"))
    return Ladder(parse_steps(data["steps"]), int(data["promise_days"]))


def ladder_for(organisation_id: int, scheme: str) -> Ladder:
    config = LadderConfig.objects.filter(organisation_id=organisation_id, scheme=scheme).first()
    if config is None:
        return default_ladder()
    return Ladder(parse_steps(config.steps), config.promise_days, config.letter_sender)


# --- who is in the target group on a day -------------------------------------------------


def in_group_on(
    entries: QuerySet[TargetEntry],
    scheme: str,
    day: datetime.date,
    *,
    known_at: datetime.datetime | None = None,
) -> QuerySet:
    """Entries whose person is in the scheme's target group on `day` (list and age).

    With `known_at`, as Losen knew it at that moment: entries recorded later are left
    out, and a leaving recorded later is not yet known.
    """
    rule = eligibility.rule_on(scheme, day)
    entries = entries.filter(scheme=scheme, listed_on__lte=day)
    still_there = Q(left_on__isnull=True) | Q(left_on__gt=day)
    if known_at is not None:
        entries = entries.filter(created_at__lte=known_at)
        still_there |= Q(left_recorded_at__gt=known_at)
    entries = entries.filter(still_there)
    earliest, latest = rule.birth_date_range(day)
    if earliest is not None:
        entries = entries.filter(person__birth_date__gte=earliest)
    if latest is not None:
        entries = entries.filter(person__birth_date__lte=latest)
    if rule.excluded_school_statuses:
        entries = entries.exclude(school_status__in=rule.excluded_school_statuses)
    return entries


def in_group_during(
    entries: QuerySet[TargetEntry],
    scheme: str,
    start: datetime.date,
    end: datetime.date,
    *,
    known_at: datetime.datetime | None = None,
) -> QuerySet:
    """Entries whose person is in the target group on at least one day from `start` to
    `end` (both included): everyone the municipality was responsible for in the period,
    also those who left it or came during it. `known_at` as for `in_group_on`.

    A person is in on some day when listed by `end`, not gone by `start` (nor on the day
    they were listed), young enough on `start` and old enough on `end`.
    """
    first, last = eligibility.rule_on(scheme, start), eligibility.rule_on(scheme, end)
    entries = entries.filter(scheme=scheme, listed_on__lte=end)
    still_there = Q(left_on__isnull=True) | (Q(left_on__gt=start) & Q(left_on__gt=F("listed_on")))
    if known_at is not None:
        entries = entries.filter(created_at__lte=known_at)
        still_there |= Q(left_recorded_at__gt=known_at)
    entries = entries.filter(still_there)
    earliest, _latest = first.birth_date_range(start)
    _earliest, latest = last.birth_date_range(end)
    if earliest is not None:
        entries = entries.filter(person__birth_date__gte=earliest)
    if latest is not None:
        entries = entries.filter(person__birth_date__lte=latest)
    excluded = first.excluded_school_statuses & last.excluded_school_statuses
    if excluded:
        entries = entries.exclude(school_status__in=excluded)
    return entries


# --- the queue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    entry: TargetEntry
    step: str
    step_number: int
    due_on: datetime.date
    overdue: bool
    promise_on: datetime.date
    minor: bool

    @property
    def person(self):
        return self.entry.person


def queue(
    entries: QuerySet[TargetEntry],
    *,
    day: datetime.date,
    schemes: tuple[str, ...] = eligibility.SCHEMES,
) -> list[QueueRow]:
    """The rows due on `day` from `entries` (already limited to what the actor may see).

    Sorted: overdue first, then by due day, then by name.
    """
    from losen.people.models import age_on

    rows: list[QueueRow] = []
    ladders: dict[tuple[int, str], Ladder] = {}
    for scheme in schemes:
        candidates = (
            in_group_on(entries, scheme, day)
            .filter(reached_on__isnull=True)
            .select_related("person", "assigned_to")
            .only(
                "id",
                "organisation_id",
                "team_id",
                "scheme",
                "listed_on",
                "step_index",
                "last_attempt_on",
                "reached_on",
                "assigned_to__full_name",
                "assigned_to__email",
                "person__first_name",
                "person__last_name",
                "person__birth_date",
            )
        )
        for entry in candidates.iterator(chunk_size=2000):
            key = (entry.organisation_id, scheme)
            if key not in ladders:
                ladders[key] = ladder_for(*key)
            ladder = ladders[key]
            due = ladder.due_on(entry)
            if due is None or due > day:
                continue
            rows.append(
                QueueRow(
                    entry=entry,
                    step=ladder.steps[entry.step_index].method,
                    step_number=entry.step_index + 1,
                    due_on=due,
                    overdue=ladder.is_overdue(entry, day),
                    promise_on=ladder.promise_on(entry),
                    minor=age_on(entry.person.birth_date, day) < 18,
                )
            )
    rows.sort(
        key=lambda r: (
            not r.overdue,
            r.due_on,
            r.person.last_name,
            r.person.first_name,
            r.entry.pk,
        )
    )
    return rows
