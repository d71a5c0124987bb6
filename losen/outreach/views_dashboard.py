"""The outreach dashboard page: the team's own figures, or an organisation's suppressed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from losen.accounts.models import Organisation, Team
from losen.accounts.scope import scope_of
from losen.lib.dates import add_months
from losen.outreach.dashboard import monthly
from losen.outreach.forms import DashboardForm

MONTHS = 12


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Month by month. A team member sees their team's figures as they are; anyone else
    (managers, administrators) sees an organisation's, with small counts hidden."""
    scope = scope_of(request.user)
    teams = Team.objects.filter(pk__in=scope.casework_team_ids).select_related("organisation")
    organisations = Organisation.objects.filter(
        pk__in=scope.aggregate_org_ids | scope.admin_org_ids
    )
    if not teams.exists() and not organisations.exists():
        raise Http404("No dashboard for this user.")
    form = DashboardForm(request.GET or None, teams=teams, organisations=organisations)
    team = organisation = None
    scheme = ""
    if form.is_valid():
        team = form.cleaned_data.get("team")
        organisation = form.cleaned_data.get("organisation")
        scheme = form.cleaned_data.get("scheme") or ""
    if team is None and organisation is None:
        team = teams.first()
        organisation = None if team else organisations.first()
    owner = team.organisation if team else organisation
    assert owner is not None
    scheme = scheme or ("kaa" if owner.country == "SE" else "ot")
    today = timezone.localdate()
    end = today.replace(day=1)
    rows = monthly(
        organisation_id=owner.pk,
        scheme=scheme,
        start=add_months(end, -(MONTHS - 1)),
        end=end,
        team_id=team.pk if team else None,
        today=today,
        suppress=team is None,
    )
    return render(
        request,
        "outreach/dashboard.html",
        {
            "form": form,
            "rows": rows,
            "team": team,
            "organisation": owner,
            "scheme": scheme,
            "suppressed": team is None,
        },
    )
