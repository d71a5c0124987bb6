"""Who reads, writes and submits grant reports; every read goes through these.

Grant reports are an organisation's, like its measures, and hold no personal data:

- coordinators and team leads of a team in the organisation, and its administrators,
  write them (create, save answers);
- team leads and administrators submit them to the funder, and reopen them;
- managers read them all;
- funders of the organisation read the submitted ones (not their earlier versions);
- everyone else gets 404, exactly as if the report did not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from losen.accounts.models import Organisation, Role, User
from losen.accounts.scope import scope_of
from losen.grants.models import GrantReport, GrantReportVersion
from losen.grants.questions import empty_answers, normalise
from losen.programs.models import Measure

WRITER_ROLES = (Role.COORDINATOR, Role.TEAM_LEAD, Role.ADMIN)
SUBMITTER_ROLES = (Role.TEAM_LEAD, Role.ADMIN)
READER_ROLES = (*WRITER_ROLES, Role.MANAGER)


def _org_ids(actor: User, roles: tuple[Role, ...]) -> frozenset[int]:
    scope = scope_of(actor)
    return frozenset(m.organisation_id for m in scope.memberships if m.role in roles)


def writer_org_ids(actor: User) -> frozenset[int]:
    return _org_ids(actor, WRITER_ROLES)


def can_create(actor: User) -> bool:
    return bool(writer_org_ids(actor))


def can_write(actor: User, report: GrantReport) -> bool:
    """Save answers: a writer of the organisation, while the report is a draft."""
    if report.is_submitted:
        return False
    return report.organisation_id in writer_org_ids(actor)


def can_see_history(actor: User, report: GrantReport) -> bool:
    """Earlier versions are the organisation's; a funder reads the submitted report only."""
    return report.organisation_id in _org_ids(actor, READER_ROLES)


def can_submit(actor: User, report: GrantReport) -> bool:
    """Submit a draft, or reopen a submitted report: team leads and administrators."""
    return report.organisation_id in _org_ids(actor, SUBMITTER_ROLES)


def can_read_any(actor: User) -> bool:
    return bool(_org_ids(actor, (*READER_ROLES, Role.FUNDER)))


def reports_visible_to(actor: User) -> QuerySet[GrantReport]:
    readers = _org_ids(actor, READER_ROLES)
    funders = _org_ids(actor, (Role.FUNDER,))
    return GrantReport.objects.filter(
        Q(organisation_id__in=readers)
        | Q(organisation_id__in=funders, status=GrantReport.Status.SUBMITTED)
    )


def get_report_for(actor: User, report_id: int | str) -> GrantReport:
    """The report, if the actor may read it. 404 otherwise."""
    try:
        return (
            reports_visible_to(actor)
            .select_related("measure", "organisation", "submitted_by", "started_from__report")
            .get(pk=int(report_id))
        )
    except (GrantReport.DoesNotExist, ValueError, TypeError):
        raise Http404("No such grant report.") from None


def get_report_to_write(actor: User, report_id: int | str) -> GrantReport:
    """The report, if the actor may save its answers now. 404 otherwise."""
    report = get_report_for(actor, report_id)
    if report.organisation_id not in writer_org_ids(actor):
        raise Http404("Only the organisation's teams and administrators write grant reports.")
    return report


def get_report_with_history(actor: User, report_id: int | str) -> GrantReport:
    """The report, if the actor may read its earlier versions. 404 otherwise."""
    report = get_report_for(actor, report_id)
    if not can_see_history(actor, report):
        raise Http404("A funder reads the submitted report, not its drafts.")
    return report


def get_report_to_submit(actor: User, report_id: int | str) -> GrantReport:
    report = get_report_for(actor, report_id)
    if not can_submit(actor, report):
        raise Http404("Only team leads and administrators submit grant reports.")
    return report


def measures_to_report_on(actor: User) -> QuerySet[Measure]:
    """The measures the actor may start a grant report for."""
    return (
        Measure.objects.filter(organisation_id__in=writer_org_ids(actor))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def latest_version(report: GrantReport) -> GrantReportVersion | None:
    return (
        report.versions.select_related("saved_by").filter(number=report.version).first()
        if report.version
        else None
    )


def get_version(report: GrantReport, number: int) -> GrantReportVersion:
    try:
        return report.versions.select_related("saved_by").get(number=number)
    except GrantReportVersion.DoesNotExist:
        raise Http404("No such version.") from None


def last_years_version(measure: Measure, year: int) -> GrantReportVersion | None:
    """The latest saved version of the measure's reports for the year before `year`."""
    return (
        GrantReportVersion.objects.filter(report__measure=measure, report__year=year - 1)
        .select_related("report")
        .order_by("-saved_at", "-pk")
        .first()
    )


def starting_answers(report: GrantReport, actor: User) -> dict[str, Any]:
    """The answers a report's form starts with before its first save.

    Last year's latest answers for the measure when there are any (the form says so);
    the measure's name always from the measure; the NAV office from the organisation
    when it is one, and the contact e-mail from the person writing, when still empty.
    """
    answers = normalise(report.started_from.answers) if report.started_from else empty_answers()
    answers["measure_name"] = report.measure.name
    if not answers["nav_office"] and report.organisation.kind == Organisation.Kind.NAV_OFFICE:
        answers["nav_office"] = report.organisation.name
    if not answers["contact_email"]:
        answers["contact_email"] = actor.email
    return answers
