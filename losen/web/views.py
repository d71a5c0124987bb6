from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from losen.accounts.http import AuthenticatedHttpRequest
from losen.accounts.scope import scope_of
from losen.cases.queries.meetings import invitations_for
from losen.programs.queries import upcoming_sessions
from losen.web.worklist import work_list_for

# How many coming sessions a volunteer's first page lists (the rest: /sessions/).
HOME_SESSIONS = 8


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with a small JSON body when the application and its database answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Coordinators and team leads start at their work list; the others as before."""
    scope = scope_of(request.user)
    if scope.casework_team_ids:
        return render(
            request, "web/worklist.html", {"work": work_list_for(request.user), "scope": scope}
        )
    if scope.can_read_people:
        return redirect("people:list")
    sessions = []
    if scope.volunteer_team_ids:
        # A volunteer's day starts with the sessions she helps at (today's stay all day).
        since = timezone.make_aware(
            datetime.datetime.combine(timezone.localdate(), datetime.time())
        )
        sessions = list(upcoming_sessions(request.user, since=since)[:HOME_SESSIONS])
    return render(
        request,
        "web/home.html",
        {
            "scope": scope,
            "invitations": list(invitations_for(request.user)),
            "sessions": sessions,
        },
    )
