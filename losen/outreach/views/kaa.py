"""The KAA register of one person: planned occupation, individual measures, and the end
of the municipality's responsibility (its day and reason)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from losen.accounts.http import AuthenticatedHttpRequest
from losen.lib.errors import StaleEdit
from losen.outreach.actions.kaa import (
    KAA_LEAVE_REASONS,
    LeavingRefused,
    do_add_kaa_measure,
    do_record_kaa_leaving,
    do_save_planned_occupation,
    do_update_kaa_measure,
)
from losen.outreach.forms.kaa import KaaLeavingForm, KaaMeasureForm, PlannedOccupationForm
from losen.outreach.models import KaaMeasure, KaaRecord
from losen.outreach.queries.ladder import get_entry_for
from losen.outreach.views.ladder import require_casework
from losen.submissions.once import once_per_submission


def _kaa_entry(request: AuthenticatedHttpRequest, entry_id: int):
    require_casework(request)
    entry = get_entry_for(request.user, entry_id)
    if entry.scheme != "kaa":
        raise Http404("Only KAA lists have the KAA register.")
    return entry


def _planned_initial(entry) -> dict:
    record = KaaRecord.objects.filter(entry=entry).first()
    if record is None:
        return {}
    return {
        "planned_occupation": record.planned_occupation,
        "planned_occupation_text": record.planned_occupation_text,
        "planned_from": record.planned_from,
    }


def _leaving_initial(entry) -> dict:
    if entry.left_reason in KAA_LEAVE_REASONS:
        return {"left_on": entry.left_on, "reason": entry.left_reason}
    return {"left_on": entry.left_on}


def _render_register(request, entry, *, form, leaving_form, status=200) -> HttpResponse:
    measures = KaaMeasure.objects.filter(entry=entry).prefetch_related("versions")
    return render(
        request,
        "outreach/kaa.html",
        {
            "entry": entry,
            "person": entry.person,
            "form": form,
            "leaving_form": leaving_form,
            "measures": measures,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def kaa_register(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    entry = _kaa_entry(request, entry_id)
    form = PlannedOccupationForm(request.POST or None, initial=_planned_initial(entry))
    if request.method == "POST" and form.is_valid():
        do_save_planned_occupation(request.user, entry, **form.cleaned_data)
        messages.success(request, _("The planned occupation is saved."))
        return redirect("outreach:kaa", entry_id=entry.pk)
    leaving_form = KaaLeavingForm(initial=_leaving_initial(entry))
    return _render_register(request, entry, form=form, leaving_form=leaving_form)


LEAVING_ERRORS = {
    "day": ("left_on", gettext_lazy("The date must be between the day on the list and today.")),
    "not_20": ("left_on", gettext_lazy("The young person had not turned 20 on that day.")),
    "later_list": (
        "left_on",
        gettext_lazy("A later list took the young person in again before that day."),
    ),
    "reason": ("reason", gettext_lazy("Choose one of the reasons in the list.")),
}


@login_required
@require_POST
def kaa_leaving(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    """The day and reason the responsibility ended (the half-yearly file reports both)."""
    entry = _kaa_entry(request, entry_id)
    form = KaaLeavingForm(request.POST)
    if form.is_valid():
        try:
            do_record_kaa_leaving(request.user, entry, **form.cleaned_data)
        except LeavingRefused as refused:
            field, message = LEAVING_ERRORS[refused.code]
            form.add_error(field, message)
        else:
            messages.success(request, _("The end of the responsibility is recorded."))
            return redirect("outreach:kaa", entry_id=entry.pk)
    planned = PlannedOccupationForm(initial=_planned_initial(entry))
    return _render_register(request, entry, form=planned, leaving_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def kaa_measure(
    request: AuthenticatedHttpRequest, entry_id: int, measure_id: int | None = None
) -> HttpResponse:
    entry = _kaa_entry(request, entry_id)
    measure = None
    initial = {}
    if measure_id is not None:
        measure = KaaMeasure.objects.filter(entry=entry, pk=measure_id).first()
        if measure is None:
            raise Http404("No such measure.")
        initial = {
            **{
                name: getattr(measure, name)
                for name in KaaMeasureForm.base_fields
                if name != "version"
            },
            "follow_up_dates": ", ".join(measure.follow_up_dates),
            "version": measure.version,
        }
    form = KaaMeasureForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        if measure is None:
            do_add_kaa_measure(request.user, entry, **form.values())
            messages.success(request, _("The measure is saved."))
            return redirect("outreach:kaa", entry_id=entry.pk)
        try:
            do_update_kaa_measure(
                request.user,
                measure,
                expected_version=form.cleaned_data["version"] or 0,
                **form.values(),
            )
        except StaleEdit as edit:
            conflict = edit.current
            form.add_error(
                None,
                _("Someone else changed the measure after you opened it. Nothing was saved."),
            )
        else:
            messages.success(request, _("The measure is saved."))
            return redirect("outreach:kaa", entry_id=entry.pk)
    return render(
        request,
        "outreach/kaa_measure.html",
        {
            "entry": entry,
            "person": entry.person,
            "form": form,
            "measure": measure,
            "conflict": conflict,
        },
    )
