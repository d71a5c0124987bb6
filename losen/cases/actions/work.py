"""The work inside a case: category, mapping, goals and action plan, journal, school rights.

Who may do what (one condition per line, read by the views and enforced here again):

- working on a case (category, mapping, plan, notes, corrections, flag) is for the
  coordinators and team leads of the case's team;
- changing the contact person is for a team lead of the team, the organisation's
  administrator, or the current contact person;
- journal notes are the team's; a confidential note is also hidden from the team, except
  for the contact person, the team leads and its author; only its author edits a note.

Every action writes its change-log row; those that change the course of the case write a
case event too (journal notes are content, not events).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from losen.accounts.models import Country, User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_change
from losen.cases.actions.core import do_record_event
from losen.cases.models import (
    ActionPlan,
    Case,
    CaseEvent,
    Category,
    CategoryAssessment,
    EventKind,
    Goal,
    JournalNote,
    Mapping,
    MappingAspect,
    MappingDomain,
    MappingScore,
    PlanStep,
)
from losen.cases.queries.core import is_team_lead_of
from losen.lib.errors import NotAllowed, StaleEdit

# ---------------------------------------------------------------------------------------
# Who may do what


def can_work_on(actor: User, case: Case) -> bool:
    """Coordinators and team leads of the case's team."""
    return case.team_id in scope_of(actor).casework_team_ids


def can_change_contact_person(actor: User, case: Case) -> bool:
    if is_team_lead_of(actor, case):
        return True
    return case.contact_person_id is not None and case.contact_person_id == actor.pk


def can_read_confidential_notes(actor: User, case: Case) -> bool:
    """Besides its author: the contact person and the team leads of the case's team."""
    scope = scope_of(actor)
    if case.team_id not in scope.casework_team_ids:
        return False
    if case.team_id in scope.lead_team_ids:
        return True
    return case.contact_person_id == actor.pk


def can_edit_note(actor: User, note: JournalNote) -> bool:
    if note.author_id != actor.pk:
        return False
    return can_work_on(actor, note.case)


def hand_over_team_ids(actor: User) -> frozenset[int]:
    """Teams whose cases the actor may hand over: those they lead or administer."""
    from losen.accounts.models import Team

    scope = scope_of(actor)
    administered = Team.objects.filter(organisation_id__in=scope.admin_org_ids).values_list(
        "pk", flat=True
    )
    return scope.lead_team_ids | frozenset(administered)


def shows_school_rights(case: Case) -> bool:
    """Remaining right to upper secondary education is a Norwegian notion."""
    return case.organisation.country == Country.NORWAY


def _require_work(actor: User, case: Case) -> None:
    if not can_work_on(actor, case):
        raise NotAllowed("Only the case's team works on it.")


def _log(actor: User, action: str, obj, case: Case, fields: Iterable[str]) -> None:
    do_log_change(
        actor,
        action=action,
        obj=obj,
        organisation_id=case.organisation_id,
        person_id=case.person_id,
        changed_fields=fields,
    )


# ---------------------------------------------------------------------------------------
# Category (P 1824, four categories)


@transaction.atomic
def do_set_category(
    actor: User,
    case: Case,
    *,
    category: int,
    set_on: datetime.date | None = None,
    note: str = "",
) -> CategoryAssessment:
    """A new assessment of the case's category; the earlier ones stay as its history."""
    _require_work(actor, case)
    category = Category(int(category))
    previous = case.categories.values_list("category", flat=True).first()
    assessment = CategoryAssessment.objects.create(
        case=case,
        category=category,
        set_on=set_on or timezone.localdate(),
        set_by=actor,
        note=note,
    )
    do_record_event(
        actor,
        case,
        EventKind.CATEGORY_SET,
        effective_on=assessment.set_on,
        data={"category": int(category), "previous": previous},
    )
    _log(actor, "case.category_set", assessment, case, ["category", "set_on", "note"])
    return assessment


# ---------------------------------------------------------------------------------------
# Mapping (kartlegging)


@dataclass(frozen=True)
class Score:
    domain: str
    aspect: str
    youth: int | None = None
    coordinator: int | None = None


@transaction.atomic
def do_record_mapping(
    actor: User,
    case: Case,
    *,
    mapped_on: datetime.date,
    scores: Iterable[Score],
    note: str = "",
) -> Mapping:
    """One mapping with its scores (1–5, by the young person and the coordinator).

    A score left empty is not stored; a domain and aspect with neither score has no row.
    """
    _require_work(actor, case)
    rows = []
    for score in scores:
        MappingDomain(score.domain)
        MappingAspect(score.aspect)
        for value in (score.youth, score.coordinator):
            if value is not None and not 1 <= value <= 5:
                raise ValueError("A mapping score is between 1 and 5.")
        if score.youth is None and score.coordinator is None:
            continue
        rows.append(score)
    mapping = Mapping.objects.create(case=case, mapped_on=mapped_on, recorded_by=actor, note=note)
    MappingScore.objects.bulk_create(
        MappingScore(
            mapping=mapping,
            domain=score.domain,
            aspect=score.aspect,
            youth_score=score.youth,
            coordinator_score=score.coordinator,
        )
        for score in rows
    )
    do_record_event(
        actor,
        case,
        EventKind.MAPPING_RECORDED,
        effective_on=mapped_on,
        data={"mapping": mapping.pk, "scores": len(rows)},
    )
    _log(actor, "case.mapping_recorded", mapping, case, ["mapped_on", "scores", "note"])
    return mapping


# ---------------------------------------------------------------------------------------
# Goals and action plan


@dataclass(frozen=True)
class GoalData:
    kind: str
    text: str
    achieved_on: datetime.date | None = None
    id: int | None = None  # an existing goal of the plan, or None for a new one


@dataclass(frozen=True)
class StepData:
    text: str
    owner: str
    owner_name: str = ""
    deadline: datetime.date | None = None
    status: str = PlanStep.Status.PLANNED
    goal_id: int | None = None  # an existing goal of the plan (after this save)
    id: int | None = None


GOAL_FIELDS = ("kind", "text", "achieved_on")
STEP_FIELDS = ("text", "owner", "owner_name", "deadline", "status", "goal_id")


def _check_plan_data(goals: Sequence[GoalData], steps: Sequence[StepData]) -> None:
    for goal in goals:
        Goal.Kind(goal.kind)
        if not goal.text.strip():
            raise ValueError("A goal needs its text.")
    for step in steps:
        PlanStep.Owner(step.owner)
        PlanStep.Status(step.status)
        if not step.text.strip():
            raise ValueError("A step needs its text.")
        if step.owner == PlanStep.Owner.OTHER and not step.owner_name.strip():
            raise ValueError("A step done by another actor names that actor.")


def _plan_differs(plan: ActionPlan, goals: Sequence[GoalData], steps: Sequence[StepData]) -> bool:
    saved_goals = [(g.id, *(getattr(g, f) for f in GOAL_FIELDS)) for g in plan.goals.all()]
    new_goals = [(g.id, *(getattr(g, f) for f in GOAL_FIELDS)) for g in goals]
    saved_steps = [(s.id, *(getattr(s, f) for f in STEP_FIELDS)) for s in plan.steps.all()]
    new_steps = [(s.id, *(getattr(s, f) for f in STEP_FIELDS)) for s in steps]
    return saved_goals != new_goals or saved_steps != new_steps


def _sync_rows(model, manager, rows: Sequence, fields: Sequence[str], plan: ActionPlan) -> int:
    """Make the plan's goals (or steps) be `rows`, in order; returns how many changed."""
    existing = {obj.pk: obj for obj in manager.all()}
    wanted = {row.id for row in rows if row.id is not None}
    unknown = wanted - set(existing)
    if unknown:
        raise ValueError(f"Not part of this plan: {sorted(unknown)}")
    changed = 0
    gone = [pk for pk in existing if pk not in wanted]
    if gone:
        model.objects.filter(pk__in=gone).delete()
        changed += len(gone)
    for position, row in enumerate(rows):
        values = {name: getattr(row, name) for name in fields}
        values["position"] = position
        if row.id is None:
            model.objects.create(plan=plan, **values)
            changed += 1
            continue
        obj = existing[row.id]
        update = [name for name, value in values.items() if getattr(obj, name) != value]
        if update:
            for name in update:
                setattr(obj, name, values[name])
            obj.save(update_fields=update)
            changed += 1
    return changed


@transaction.atomic
def do_save_plan(
    actor: User,
    case: Case,
    *,
    expected_version: int,
    goals: Sequence[GoalData],
    steps: Sequence[StepData],
) -> ActionPlan:
    """Save the whole plan, unless someone else saved it since `expected_version`.

    `expected_version` is 0 for a case without a plan yet. Raises StaleEdit with the
    saved plan when the version moved on: the second of two racing edits is refused and
    the first one is kept, never merged silently.

    `goals` and `steps` are the whole plan: a saved row left out is removed. A save that
    changes nothing writes no new version, event or change-log row.
    """
    _require_work(actor, case)
    _check_plan_data(goals, steps)
    now = timezone.now()
    plan = ActionPlan.objects.filter(case=case).first()
    if plan is None:
        if expected_version != 0:
            raise StaleEdit(None)
        if not goals and not steps:
            raise ValueError("A new plan has at least one goal or step.")
        try:
            with transaction.atomic():
                plan = ActionPlan.objects.create(
                    case=case, version=1, updated_at=now, updated_by=actor
                )
        except IntegrityError:
            # Two first plans raced; the other one won.
            raise StaleEdit(ActionPlan.objects.get(case=case)) from None
    else:
        if plan.version != expected_version:
            raise StaleEdit(plan)
        if not _plan_differs(plan, goals, steps):
            return plan
        updated = ActionPlan.objects.filter(pk=plan.pk, version=expected_version).update(
            version=F("version") + 1, updated_at=now, updated_by=actor
        )
        if updated == 0:
            raise StaleEdit(ActionPlan.objects.get(pk=plan.pk))
        plan.refresh_from_db()
    goal_ids = {g.pk for g in plan.goals.all()}
    new_goal_ids = {g.id for g in goals if g.id is not None}
    for step in steps:
        if step.goal_id is not None and step.goal_id not in goal_ids & new_goal_ids:
            raise ValueError("A step's goal is one of the plan's goals.")
    changed_goals = _sync_rows(Goal, plan.goals, goals, GOAL_FIELDS, plan)
    changed_steps = _sync_rows(PlanStep, plan.steps, steps, STEP_FIELDS, plan)
    do_record_event(
        actor,
        case,
        EventKind.PLAN_CHANGED,
        data={
            "version": plan.version,
            "goals": len(goals),
            "steps": len(steps),
            # Rows added, changed or removed in this version (a moved row counts too).
            "changed": changed_goals + changed_steps,
        },
    )
    fields = [name for name, n in (("goals", changed_goals), ("steps", changed_steps)) if n]
    _log(actor, "case.plan_changed", plan, case, fields)
    return plan


# ---------------------------------------------------------------------------------------
# Journal notes (content, not case events)


@transaction.atomic
def do_add_note(
    actor: User,
    case: Case,
    *,
    text: str,
    written_on: datetime.date | None = None,
    confidential: bool = False,
) -> JournalNote:
    _require_work(actor, case)
    if not text.strip():
        raise ValueError("A journal note has text.")
    now = timezone.now()
    note = JournalNote.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        author=actor,
        written_on=written_on or timezone.localdate(),
        text=text,
        confidential=confidential,
        created_at=now,
        updated_at=now,
    )
    _log(actor, "journal_note.added", note, case, ["text", "written_on", "confidential"])
    return note


@transaction.atomic
def do_update_note(
    actor: User,
    note: JournalNote,
    *,
    text: str,
    written_on: datetime.date,
    confidential: bool,
    expected_version: int,
) -> list[str]:
    """Save the author's edit, unless the note was saved since `expected_version`.

    Returns the changed fields; raises StaleEdit with the saved note otherwise.
    """
    if not can_edit_note(actor, note):
        raise NotAllowed("Only the author edits a journal note.")
    if not text.strip():
        raise ValueError("A journal note has text.")
    wanted = {"text": text, "written_on": written_on, "confidential": confidential}
    changes = {name: value for name, value in wanted.items() if getattr(note, name) != value}
    if not changes:
        if note.version != expected_version:
            raise StaleEdit(JournalNote.objects.get(pk=note.pk))
        return []
    updated = JournalNote.objects.filter(pk=note.pk, version=expected_version).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated == 0:
        raise StaleEdit(JournalNote.objects.get(pk=note.pk))
    note.refresh_from_db()
    _log(actor, "journal_note.updated", note, note.case, list(changes))
    return list(changes)


# ---------------------------------------------------------------------------------------
# Remaining right to upper secondary education (Norway)


@transaction.atomic
def do_record_school_rights(
    actor: User,
    case: Case,
    *,
    years_used: Decimal | None,
    years_left: Decimal | None,
    recorded_on: datetime.date | None = None,
    note: str = "",
) -> CaseEvent:
    """Record the years of upper secondary education used and left, as found out."""
    _require_work(actor, case)
    if not shows_school_rights(case):
        raise NotAllowed("School rights are recorded for Norwegian cases only.")
    for value in (years_used, years_left):
        if value is not None and value < 0:
            raise ValueError("Years are not negative.")
    Case.objects.filter(pk=case.pk).update(
        school_years_used=years_used, school_years_left=years_left
    )
    case.refresh_from_db()
    _log(
        actor, "case.school_rights_recorded", case, case, ["school_years_used", "school_years_left"]
    )
    return do_record_event(
        actor,
        case,
        EventKind.SCHOOL_RIGHTS_RECORDED,
        effective_on=recorded_on,
        data={
            "years_used": None if years_used is None else str(years_used),
            "years_left": None if years_left is None else str(years_left),
        },
        note=note,
    )
