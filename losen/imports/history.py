"""Importing a programme's history: one row per case, all or nothing.

The columns (header row, any order; see rows.py for reading and checking):

``person_ref``       the programme's own id for the young person (unique in the file)
``birth_date``       YYYY-MM-DD or DD.MM.YYYY (as every date column); the person must be
                     10–40 years old on the referral date. The files have no identity
                     numbers: this is the birth date the age rules read
``referral_date``    a date
``referral_source``  nav, municipality, county, relative, self, outreach, other
                     (municipality → social services, see rows.SOURCES)
``measure``          the name of one of the organisation's measures (needed with a start)
``start_date``       the enrolment's start; empty if the person never started
``exit_date``        empty while the case is still open
``exit_outcome``     a code of the exit code list; a top-level code alone (``work``) is
                     stored as a documented default sub-code (rows.TOP_CODE_DEFAULTS) and
                     the outcome's note says what the file said
``followup_6m``, ``followup_12m``  (optional) a code, ``not_reached``, or empty

What each row becomes, mirroring the demo's chain (losen/demo/chain.py):

* a Person. The files carry no names, so the person is registered as first name
  "(importert)" and last name the ``person_ref``: visible in every list as imported, and
  easy to find and correct. No identity number.
* a Follow by the team (since the referral date), a Case of the team, a Referral whose
  reason names the file and line;
* the case's state: ended with an exit date, active with a start date, else accepted.
  There is no application or team-meeting decision in the files, so the case goes
  straight from referred to accepted on the referral date;
* case events with the day they took effect and the import as the moment they were
  recorded: REFERRED, STATE_CHANGED (referred → accepted), ENROLMENT_STARTED and
  STATE_CHANGED (→ active) at the start, ENROLMENT_ENDED (case_ended), EXIT and
  STATE_CHANGED (→ ended) at the exit, FOLLOW_UP_REGISTERED for each registered
  follow-up. Each event's note names the file and line;
* an Enrolment in the measure (ended at the exit with reason case_ended);
* an ExitOutcome, and FollowUps at 6 and 12 months (both always, as the chain does;
  registered on the due day when the file has a value: ``not_reached`` → not reached,
  a code → reached with that status);
* an ImportedCase row (the organisation and ``person_ref``) and a change-log entry.

A ``person_ref`` imported before is not imported again: it is counted as unchanged, or,
when the file's values for it differ from those imported, reported as changed and left
as it is (the import never overwrites what coordinators may have edited since).

The outcome and events need someone who recorded them: a user of the organisation given
with ``recorded_by``, or else the shared inactive user "Historisk import"
(``audit.actors.HISTORY_IMPORT_USER``), who cannot log in.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from losen.accounts.actions import system_user
from losen.accounts.models import Organisation, Team, User
from losen.audit.actions import do_log_changes
from losen.audit.actors import HISTORY_IMPORT_USER
from losen.cases.models import Case, CaseEvent, CaseState, EventKind, Referral
from losen.imports import runs
from losen.imports.models import ImportedCase
from losen.imports.rows import HistoryRow, Outcome, RowError, check_rows, read_rows
from losen.lib.bulk import insert_rows, let_waiting_writers_in
from losen.lib.dates import add_months
from losen.lib.sheets import FileProblem
from losen.outcomes import codes
from losen.outcomes.models import FOLLOW_UP_MONTHS, ExitOutcome, FollowUp
from losen.people.models import Follow, Person
from losen.programs.models import Enrolment, Measure

IMPORTED_FIRST_NAME = "(importert)"
# A measure made by --create-measures: kind and cost are for someone to fill in later.
CREATED_MEASURE_KIND = Measure.Kind.INDIVIDUAL_FOLLOW_UP

__all__ = ["FileProblem", "ImportRefused", "ImportSummary", "do_import_history"]


class ImportRefused(Exception):
    """Nothing was imported: the file or its rows have problems (all of them listed)."""

    def __init__(self, message: str, errors: list[RowError] | None = None):
        super().__init__(message)
        self.errors = errors or []


@dataclass
class ImportSummary:
    rows: int = 0
    people_created: int = 0
    cases_created: int = 0
    events_created: int = 0
    exits_created: int = 0
    unchanged: int = 0
    # (line, person_ref) of rows imported before whose values now differ: not applied.
    changed: list[tuple[int, str]] = field(default_factory=list)
    measures_created: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return self.unchanged + len(self.changed)


def find_recorder(organisation: Organisation, email: str | None) -> User:
    if email:
        user = User.objects.filter(
            email__iexact=email.strip(), is_active=True, memberships__organisation=organisation
        ).first()
        if user is None:
            raise ImportRefused(f"No active user {email!r} works in {organisation.name}.")
        return user
    return system_user(HISTORY_IMPORT_USER)


def do_import_history(
    actor: User,
    path: Path,
    *,
    organisation: Organisation,
    team: Team,
    create_measures: bool = False,
    today: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = runs.CHUNK,
) -> ImportSummary:
    """Check every row, then write all new cases, or nothing.

    The cases are written a chunk at a time (losen/imports/runs.py) and shown only when
    the last chunk is in; an import that fails on the way is undone.
    """
    today = today or timezone.localdate()
    # First of all, what a crashed run left (its measures among them) goes.
    runs.do_clean_up_abandoned(organisation=organisation)
    measures = {m.name.casefold(): m for m in Measure.objects.filter(organisation=organisation)}
    try:
        rows, errors = check_rows(
            read_rows(path), today=today, measures=set(measures), any_measure=create_measures
        )
    except FileProblem as problem:
        raise ImportRefused(
            _("%(file)s: %(problem)s.") % {"file": path.name, "problem": problem}
        ) from None
    if errors:
        read = len(rows) + len(errors)
        raise ImportRefused(
            ngettext(
                "%(file)s: %(errors)s of %(rows)s row has problems; nothing was imported.",
                "%(file)s: %(errors)s of %(rows)s rows have problems; nothing was imported.",
                read,
            )
            % {"file": path.name, "errors": len(errors), "rows": read},
            errors,
        )
    # The measures the file names that the organisation does not have (create_measures).
    wanted: dict[str, str] = {}
    for row in rows:
        if row.measure and row.measure.casefold() not in measures:
            wanted.setdefault(row.measure.casefold(), row.measure)

    try:
        run = runs.do_start_run(organisation, path.name)
    except runs.RunBusy:
        raise ImportRefused(
            _("Another import into %(organisation)s is running; try again when it has finished.")
            % {"organisation": organisation.name}
        ) from None
    try:
        summary = ImportSummary(rows=len(rows))
        known = dict(
            ImportedCase.objects.filter(organisation=organisation).values_list(
                "person_ref", "row_digest"
            )
        )
        new_rows = []
        for row in rows:
            if row.person_ref not in known:
                new_rows.append(row)
            elif known[row.person_ref] == row.digest:
                summary.unchanged += 1
            else:
                summary.changed.append((row.line, row.person_ref))

        with transaction.atomic():
            # Only the measures the new rows use are created.
            used = {row.measure.casefold() for row in new_rows if row.measure}
            for key, name in wanted.items():
                if key in used:
                    measures[key] = Measure.objects.create(
                        organisation=organisation,
                        name=name,
                        kind=CREATED_MEASURE_KIND,
                        description=f"Opprettet av historikkimporten ({path.name}).",
                    )
                    summary.measures_created.append(name)
                    run.created_measure_ids.append(measures[key].pk)
            run.save(update_fields=["created_measure_ids"])
        writer = _Writer(actor, organisation, team, measures, path.name, summary, run)
        step = max(1, len(new_rows) // 10)
        next_report = step
        # Each chunk is its own short transaction (see runs.py): pages write between them.
        held = 0.0
        for start in range(0, len(new_rows), chunk):
            if start:
                let_waiting_writers_in(held)
            began = time.perf_counter()
            with transaction.atomic():
                writer.write(new_rows[start : start + chunk])
                runs.do_note_alive(run)
            held = time.perf_counter() - began
            done = min(start + chunk, len(new_rows))
            if progress and (done >= next_report or done == len(new_rows)):
                progress(done, len(new_rows))
                next_report = (done // step + 1) * step
        let_waiting_writers_in(held)
        with transaction.atomic():
            runs.do_complete_run(run)
    except BaseException:
        runs.do_discard_run(run)
        raise
    return summary


class _Writer:
    """Writes a batch of checked rows, parents before children (losen.lib.bulk).

    The people's and cases' keys are read back once per batch: the people by their
    `person_ref` (their last name) among those made after the batch's first key, the
    cases by person, the exits by case.
    """

    def __init__(self, actor, organisation, team, measures, file_name, summary, run):
        self.run = run
        self.actor = actor
        self.organisation = organisation
        self.team = team
        self.measures = measures
        self.file_name = file_name
        self.summary = summary
        self.now = timezone.now()

    def _where(self, row: HistoryRow) -> str:
        return f"Importert fra {self.file_name}, linje {row.line}."

    def write(self, rows: list[HistoryRow]) -> None:
        org = self.organisation
        common = {"organisation_id": org.pk}
        made_by = {"created_by_id": self.actor.pk}
        before = Person.objects.aggregate(last=Max("pk"))["last"] or 0
        insert_rows(
            Person,
            (
                {
                    **common,
                    "first_name": IMPORTED_FIRST_NAME,
                    "last_name": row.person_ref,
                    "birth_date": row.birth_date,
                    "country": org.country,
                    "preferred_language": "sv" if org.country == "SE" else "nb",
                }
                for row in rows
            ),
        )
        person_of = dict(
            Person.objects.filter(
                organisation=org,
                pk__gt=before,
                first_name=IMPORTED_FIRST_NAME,
                last_name__in=[row.person_ref for row in rows],
            ).values_list("last_name", "pk")
        )
        people = [person_of[row.person_ref] for row in rows]
        insert_rows(
            Case,
            (
                {
                    **common,
                    "team_id": self.team.pk,
                    "person_id": person,
                    "state": _state(row),
                    "opened_on": row.referral_date,
                    "ended_on": row.exit_date,
                }
                for row, person in zip(rows, people, strict=True)
            ),
        )
        case_of = dict(
            Case.objects.filter(organisation=org, person_id__in=people).values_list(
                "person_id", "pk"
            )
        )
        cases = [case_of[person] for person in people]
        follows, referrals, enrolments, events, exits = [], [], [], [], []
        exit_rows: dict[int, HistoryRow] = {}
        for row, person, case in zip(rows, people, cases, strict=True):
            where = self._where(row)
            follows.append(
                {**common, "person_id": person, "team_id": self.team.pk, "since": row.referral_date}
            )
            referrals.append(
                {
                    **common,
                    **made_by,
                    "team_id": self.team.pk,
                    "person_id": person,
                    "case_id": case,
                    "source": row.source,
                    "reason": where,
                    "referred_on": row.referral_date,
                }
            )
            measure = self.measures.get(row.measure.casefold()) if row.measure else None
            if row.start_date and measure is not None:
                enrolments.append(
                    {
                        **common,
                        **made_by,
                        "case_id": case,
                        "measure_id": measure.pk,
                        "status": Enrolment.Status.ENDED
                        if row.exit_date
                        else Enrolment.Status.ACTIVE,
                        "start_on": row.start_date,
                        "planned_end_on": (
                            row.start_date + datetime.timedelta(weeks=measure.planned_weeks)
                            if measure.planned_weeks
                            else None
                        ),
                        "end_on": row.exit_date,
                        "end_reason": Enrolment.EndReason.CASE_ENDED if row.exit_date else "",
                    }
                )
            events += [
                {
                    **common,
                    "case_id": case,
                    "person_id": person,
                    "kind": kind,
                    "effective_on": day,
                    "recorded_at": self.now,
                    "recorded_by_id": self.actor.pk,
                    "data": data,
                    "note": where,
                }
                for kind, day, data in _events(row, measure.name if measure else row.measure)
            ]
            if row.exit_date and row.exit_outcome:
                exit_rows[case] = row
                exits.append(
                    {
                        **common,
                        "case_id": case,
                        "exited_on": row.exit_date,
                        "code": row.exit_outcome.code,
                        "top_code": codes.get(row.exit_outcome.code).top,
                        "note": _default_note(row.exit_outcome),
                        "recorded_by_id": self.actor.pk,
                    }
                )
        insert_rows(Follow, follows)
        insert_rows(Referral, referrals)
        insert_rows(Enrolment, enrolments)
        insert_rows(CaseEvent, events)  # insert only: the events stay append-only
        insert_rows(ExitOutcome, exits)
        exit_of = dict(
            ExitOutcome.objects.filter(case_id__in=list(exit_rows)).values_list("case_id", "pk")
        )
        insert_rows(FollowUp, self._follow_ups(exit_rows, exit_of))
        insert_rows(
            ImportedCase,
            (
                {
                    **common,
                    "person_ref": row.person_ref,
                    "person_id": person,
                    "case_id": case,
                    "row_digest": row.digest,
                    "source_file_name": self.file_name[:255],
                    "source_line": row.line,
                    "imported_at": self.now,
                    "run_id": self.run.pk,
                }
                for row, person, case in zip(rows, people, cases, strict=True)
            ),
        )
        do_log_changes(
            self.actor,
            action="import_history_case",
            model=Case,
            objects=zip(cases, people, strict=True),
            organisation_id=org.pk,
            at=self.now,
        )
        self.summary.people_created += len(people)
        self.summary.cases_created += len(cases)
        self.summary.events_created += len(events)
        self.summary.exits_created += len(exits)

    def _follow_ups(self, exit_rows: dict[int, HistoryRow], exit_of: dict[int, int]):
        for case, row in exit_rows.items():
            if row.exit_date is None:  # not an exit row: exit_rows holds only rows with one
                continue
            given = {value.months: value for value in row.follow_ups}
            for months in FOLLOW_UP_MONTHS:
                follow_up = {
                    "organisation_id": self.organisation.pk,
                    "case_id": case,
                    "exit_id": exit_of[case],
                    "months": months,
                    "due_on": add_months(row.exit_date, months),
                }
                value = given.get(months)
                if value is not None:
                    follow_up.update(
                        registered_on=value.due_on,
                        reached=value.reached,
                        registered_by_id=self.actor.pk,
                    )
                    if value.outcome:
                        follow_up.update(
                            code=value.outcome.code,
                            top_code=codes.get(value.outcome.code).top,
                            code_list_version=codes.CODE_LIST_VERSION,
                            note=_default_note(value.outcome),
                        )
                yield follow_up


def _state(row: HistoryRow) -> str:
    if row.exit_date:
        return CaseState.ENDED
    if row.start_date:
        return CaseState.ACTIVE
    return CaseState.ACCEPTED


def _events(row: HistoryRow, measure_name: str) -> list[tuple[str, datetime.date, dict]]:
    """The case events of one row, as the demo's chain writes them."""
    state = CaseState.ACCEPTED
    events: list[tuple[str, datetime.date, dict]] = [
        (EventKind.REFERRED, row.referral_date, {"source": row.source}),
        (
            EventKind.STATE_CHANGED,
            row.referral_date,
            {"from": CaseState.REFERRED, "to": CaseState.ACCEPTED},
        ),
    ]
    if row.start_date:
        events.append((EventKind.ENROLMENT_STARTED, row.start_date, {"measure": measure_name}))
        events.append(
            (EventKind.STATE_CHANGED, row.start_date, {"from": state, "to": CaseState.ACTIVE})
        )
        state = CaseState.ACTIVE
    if row.exit_date and row.exit_outcome:
        if row.start_date:
            events.append(
                (
                    EventKind.ENROLMENT_ENDED,
                    row.exit_date,
                    {"measure": measure_name, "reason": Enrolment.EndReason.CASE_ENDED},
                )
            )
        outcome = codes.get(row.exit_outcome.code)
        events.append(
            (
                EventKind.EXIT,
                row.exit_date,
                {
                    "code": outcome.code,
                    "top_code": outcome.top,
                    "version": codes.CODE_LIST_VERSION,
                    "ot_code": outcome.ot_code,
                },
            )
        )
        events.append(
            (EventKind.STATE_CHANGED, row.exit_date, {"from": state, "to": CaseState.ENDED})
        )
        for value in row.follow_ups:
            events.append(
                (
                    EventKind.FOLLOW_UP_REGISTERED,
                    value.due_on,
                    {
                        "months": value.months,
                        "reached": value.reached,
                        "code": value.outcome.code if value.outcome else "",
                    },
                )
            )
    return events


def _default_note(outcome: Outcome) -> str:
    if not outcome.defaulted:
        return ""
    return f"Filen oppga bare «{outcome.given}»; lagret som {outcome.code} ved importen."
