"""Hand-over: a team lead moves a leaving or absent coordinator's cases in one step."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from losen.accounts.http import AuthenticatedHttpRequest
from losen.accounts.models import CASEWORK_ROLES, User
from losen.cases.actions.core import NotAContactPerson, do_hand_over_cases
from losen.cases.actions.work import hand_over_team_ids
from losen.cases.forms.work import HandOverForm, HandOverPickForm
from losen.cases.models import Case
from losen.cases.models.core import OPEN_STATES
from losen.cases.queries.core import cases_visible_to, log_cases_shown


def _open_cases(actor: User, team_ids: frozenset[int]) -> QuerySet[Case]:
    return (
        cases_visible_to(actor)
        .filter(team_id__in=team_ids, state__in=OPEN_STATES, contact_person__isnull=False)
        .select_related("person", "team")
        .order_by("person__last_name", "person__first_name", "id")
    )


def _receivers(team_ids: frozenset[int], handing: User) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            memberships__team_id__in=team_ids,
            memberships__role__in=[role.value for role in CASEWORK_ROLES],
        )
        .exclude(pk=handing.pk)
        .distinct()
        .order_by("full_name", "email")
    )


@login_required
@require_http_methods(["GET", "POST"])
def handover(request: AuthenticatedHttpRequest) -> HttpResponse:
    team_ids = hand_over_team_ids(request.user)
    if not team_ids:
        raise Http404("Only team leads hand over cases.")
    open_cases = _open_cases(request.user, team_ids)
    handing_over = (
        User.objects.filter(contact_cases__in=open_cases).distinct().order_by("full_name", "email")
    )
    data = request.POST if request.method == "POST" else request.GET
    pick = HandOverPickForm(data or None, handing_over=handing_over)
    form = None
    if pick.is_valid():
        handing = pick.cleaned_data["from_user"]
        theirs = open_cases.filter(contact_person=handing)
        form = HandOverForm(
            request.POST if request.method == "POST" else None,
            initial={"from_user": handing.pk, "cases": [c.pk for c in theirs]},
            handing_over=handing_over,
            cases=theirs,
            receivers=_receivers(team_ids, handing),
        )
        if request.method == "POST" and form.is_valid():
            receiver = form.cleaned_data["to_user"]
            chosen = list(form.cleaned_data["cases"])
            try:
                do_hand_over_cases(request.user, chosen, receiver, note=form.cleaned_data["note"])
            except NotAContactPerson:
                form.add_error(
                    "to_user", _("The receiving coordinator must work in the team of every case.")
                )
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s case is handed over to %(name)s.",
                        "%(count)s cases are handed over to %(name)s.",
                        len(chosen),
                    )
                    % {"count": len(chosen), "name": receiver.get_full_name()},
                )
                return redirect("cases:handover")
    if form is not None:
        offered = cast(forms.ModelChoiceField, form.fields["cases"]).queryset
        log_cases_shown(request.user, offered if offered is not None else [], what="list:handover")
    context = {"pick": pick, "form": form, "has_anyone": handing_over.exists()}
    if request.htmx and request.method == "GET" and not request.htmx.boosted:
        return render(request, "cases/_handover_form.html", context)
    return render(request, "cases/handover.html", context)
