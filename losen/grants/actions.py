"""Every write to grant reports; each writes its change-log row (no personal data, no
access log).

Saving answers never overwrites: each save is a new version, and a save based on an
older version than the latest is refused (`StaleEdit`), the way the action plan is
(losen.cases.actions.work.do_save_plan): the report's `version` moves on with a
conditional update, so of two racing saves exactly one wins.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from losen.accounts.models import User
from losen.audit.actions import do_log_change
from losen.grants import queries
from losen.grants.figures import compute
from losen.grants.models import GrantReport, GrantReportVersion
from losen.grants.questions import changed_keys, missing, normalise
from losen.lib.errors import NotAllowed, StaleEdit
from losen.programs.models import Measure


class ReportExists(Exception):
    """The measure already has a report of this type for the year."""

    def __init__(self, report: GrantReport):
        super().__init__("grant report exists")
        self.report = report


class ReportSubmitted(Exception):
    """A submitted report is not changed; a team lead or administrator reopens it first."""


class Incomplete(Exception):
    """The report cannot be submitted with unanswered questions."""

    def __init__(self, questions: list):
        super().__init__("unanswered questions")
        self.questions = questions


def _log(actor: User, action: str, report: GrantReport, fields: list[str] | tuple = ()) -> None:
    do_log_change(
        actor,
        action=action,
        obj=report,
        organisation_id=report.organisation_id,
        changed_fields=fields,
    )


@transaction.atomic
def do_create_grant_report(
    actor: User, measure: Measure, *, year: int, kind: GrantReport.Kind | str
) -> GrantReport:
    """A new, empty report; its first answers will start from last year's, if any."""
    if measure.organisation_id not in queries.writer_org_ids(actor):
        raise NotAllowed("Only the organisation's teams and administrators write grant reports.")
    existing = GrantReport.objects.filter(measure=measure, year=year, kind=kind).first()
    if existing is not None:
        raise ReportExists(existing)
    try:
        with transaction.atomic():
            report = GrantReport.objects.create(
                organisation_id=measure.organisation_id,
                measure=measure,
                year=year,
                kind=kind,
                started_from=queries.last_years_version(measure, year),
                created_by=actor,
            )
    except IntegrityError:
        raise ReportExists(GrantReport.objects.get(measure=measure, year=year, kind=kind)) from None
    _log(actor, "grants.report_created", report, ["measure", "year", "kind"])
    return report


@transaction.atomic
def do_save_grant_answers(
    actor: User, report: GrantReport, *, expected_version: int, answers: dict[str, Any]
) -> GrantReportVersion:
    """Save the answers as a new version, unless someone saved one since `expected_version`.

    `expected_version` is the version the editor started from (0 before the first save).
    Raises StaleEdit with the latest version when it moved on; nothing is overwritten.
    Saving the latest version's answers unchanged makes no new version.
    """
    if report.organisation_id not in queries.writer_org_ids(actor):
        raise NotAllowed("Only the organisation's teams and administrators write grant reports.")
    current = GrantReport.objects.get(pk=report.pk)
    if current.is_submitted:
        raise ReportSubmitted()
    latest = queries.latest_version(current)
    if current.version != expected_version:
        raise StaleEdit(latest)
    clean = normalise(answers)
    if latest is not None and normalise(latest.answers) == clean:
        return latest
    moved = GrantReport.objects.filter(
        pk=report.pk, version=expected_version, status=GrantReport.Status.DRAFT
    ).update(version=F("version") + 1)
    if moved == 0:
        raise StaleEdit(queries.latest_version(GrantReport.objects.get(pk=report.pk)))
    try:
        with transaction.atomic():
            version = GrantReportVersion.objects.create(
                report=report,
                number=expected_version + 1,
                answers=clean,
                saved_by=actor,
                saved_at=timezone.now(),
            )
    except IntegrityError:
        raise StaleEdit(queries.latest_version(GrantReport.objects.get(pk=report.pk))) from None
    report.version = version.number
    before = (
        latest.answers if latest else (report.started_from.answers if report.started_from else None)
    )
    _log(actor, "grants.answers_saved", report, changed_keys(before, clean))
    return version


@transaction.atomic
def do_submit_grant_report(
    actor: User, report: GrantReport, *, expected_version: int, with_costs: bool
) -> GrantReport:
    """Mark the report submitted with the figures as they are now; it is read-only after.

    The submitter confirms the version they looked at: a newer save refuses the submit.
    The figures (losen.grants.figures, with costs or not) are kept with the report.
    """
    if not queries.can_submit(actor, report):
        raise NotAllowed("Only team leads and administrators submit grant reports.")
    current = GrantReport.objects.get(pk=report.pk)
    if current.is_submitted:
        raise ReportSubmitted()
    latest = queries.latest_version(current)
    if current.version != expected_version or latest is None:
        raise StaleEdit(latest)
    gaps = missing(latest.answers)
    if gaps:
        raise Incomplete(gaps)
    figures = compute(current, with_costs=with_costs)
    moved = GrantReport.objects.filter(
        pk=report.pk, version=expected_version, status=GrantReport.Status.DRAFT
    ).update(
        status=GrantReport.Status.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=actor,
        submitted_figures=figures,
    )
    if moved == 0:
        raise StaleEdit(queries.latest_version(GrantReport.objects.get(pk=report.pk)))
    report.refresh_from_db()
    _log(actor, "grants.report_submitted", report, ["status", "submitted_at", "submitted_figures"])
    return report


@transaction.atomic
def do_reopen_grant_report(actor: User, report: GrantReport) -> GrantReport:
    """Back to a draft, for corrections; the submitted figures are dropped (live again)."""
    if not queries.can_submit(actor, report):
        raise NotAllowed("Only team leads and administrators reopen grant reports.")
    GrantReport.objects.filter(pk=report.pk, status=GrantReport.Status.SUBMITTED).update(
        status=GrantReport.Status.DRAFT,
        submitted_at=None,
        submitted_by=None,
        submitted_figures=None,
    )
    report.refresh_from_db()
    _log(actor, "grants.report_reopened", report, ["status", "submitted_at", "submitted_figures"])
    return report
