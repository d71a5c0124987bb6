"""The case's timeline (its events in the order they took effect) and corrections to it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from losen.accounts.http import AuthenticatedHttpRequest
from losen.audit.models import Purpose
from losen.cases.actions.core import do_correct_event
from losen.cases.actions.work import can_work_on
from losen.cases.forms.work import CorrectionForm
from losen.cases.models import Case, CaseEvent, CaseState, Category, EventKind
from losen.cases.models.core import ReportKind
from losen.cases.queries.core import get_case_for, timeline
from losen.submissions.once import once_per_submission


@dataclass
class TimelineEntry:
    event: CaseEvent
    summary: str
    recorded_later: bool
    corrections: list[CaseEvent] = field(default_factory=list)


def _state_label(value: str | None) -> str:
    if value is None:
        return "–"
    try:
        return str(CaseState(value).label)
    except ValueError:
        return value or "–"


def describe_event(event: CaseEvent) -> str:
    """A short line on what the event says, from its structured data."""
    data = event.data or {}
    kind = event.kind
    if kind == EventKind.STATE_CHANGED:
        return _("From “%(from)s” to “%(to)s”") % {
            "from": _state_label(data.get("from")),
            "to": _state_label(data.get("to")),
        }
    if kind == EventKind.CONTACT_PERSON_ASSIGNED and data.get("to_name"):
        return _("Contact person: %(name)s") % {"name": data["to_name"]}
    if kind == EventKind.CATEGORY_SET and data.get("category"):
        try:
            return str(Category(int(data["category"])).label)
        except ValueError:
            return ""
    if kind == EventKind.MAPPING_RECORDED and "scores" in data:
        return _("Scores given: %(count)s") % {"count": data["scores"]}
    if kind == EventKind.PLAN_CHANGED and "version" in data:
        summary = _("Version %(version)s; goals: %(goals)s, steps: %(steps)s") % {
            "version": data["version"],
            "goals": data.get("goals", 0),
            "steps": data.get("steps", 0),
        }
        if "changed" not in data:  # versions saved before the count was recorded
            return summary
        return _("%(summary)s; rows changed: %(changed)s") % {
            "summary": summary,
            "changed": data["changed"],
        }
    if kind == EventKind.SCHOOL_RIGHTS_RECORDED:
        return _("Years used: %(used)s, years left: %(left)s") % {
            "used": data.get("years_used") or "–",
            "left": data.get("years_left") or "–",
        }
    if kind == EventKind.REFERRED_OUT:
        return _("To %(to)s, %(organisation)s (referral %(referral)s)") % {
            "to": data.get("to", ""),
            "organisation": data.get("to_organisation", ""),
            "referral": data.get("referral", "–"),
        }
    if kind == EventKind.REPORTED_BACK:
        try:
            report = str(ReportKind(str(data.get("report", ""))).label)
        except ValueError:
            report = str(data.get("report", ""))
        if data.get("report") == ReportKind.ATTENDANCE:
            report = _("%(report)s: present at %(present)s of %(sessions)s sessions") % {
                "report": report,
                "present": data.get("present", 0),
                "sessions": data.get("sessions", 0),
            }
        return _("%(organisation)s reported: %(report)s (%(by)s; referral %(referral)s)") % {
            "organisation": data.get("by_organisation", ""),
            "report": report,
            "by": data.get("by", ""),
            "referral": data.get("referral", "–"),
        }
    corrected = event.corrects if kind == EventKind.CORRECTION else None
    if corrected is not None:
        return _("Corrects “%(kind)s” of %(date)s") % {
            "kind": corrected.get_kind_display(),
            "date": corrected.effective_on.strftime("%d.%m.%Y"),
        }
    return ""


def timeline_entries(case: Case) -> list[TimelineEntry]:
    events = list(timeline(case))
    corrections: dict[int, list[CaseEvent]] = {}
    for event in events:
        if event.corrects_id:
            corrections.setdefault(event.corrects_id, []).append(event)
    return [
        TimelineEntry(
            event=event,
            summary=describe_event(event),
            recorded_later=timezone.localdate(event.recorded_at) > event.effective_on,
            corrections=corrections.get(event.pk, []),
        )
        for event in events
    ]


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def event_correct(request: AuthenticatedHttpRequest, case_id: int, event_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.REGISTRATION, what="case_event")
    if not can_work_on(request.user, case):
        raise Http404("Only the case's team corrects its events.")
    event = get_object_or_404(
        CaseEvent.objects.select_related("recorded_by", "corrects"), pk=event_id, case=case
    )
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        correction = do_correct_event(
            request.user,
            event,
            note=form.cleaned_data["note"],
            effective_on=form.cleaned_data["effective_on"],
        )
        messages.success(request, _("The correction is recorded in the timeline."))
        return redirect(reverse("cases:detail", args=[case.pk]) + f"#event-{correction.pk}")
    return render(
        request,
        "cases/event_correct.html",
        {
            "case": case,
            "entry": TimelineEntry(
                event=event,
                summary=describe_event(event),
                recorded_later=timezone.localdate(event.recorded_at) > event.effective_on,
                corrections=list(event.corrections.all()),
            ),
            "form": form,
        },
    )
