"""`@once_per_submission`: two posts of the same form make one object.

Every form rendered with `{% csrf_token %}` carries a fresh random token (see
templatetags/submissions.py). A view that creates something wears the decorator; on a
POST with a token it runs in one transaction that first claims the token, a row under a
unique constraint, and then calls the view, whose action's own transaction becomes part
of it. So the claim and what it guards commit together or not at all:

* the first post claims the token and runs the view. Its answer is kept: a redirect
  (the form was saved) keeps the claim and where it sent the browser; a page shown again
  with the form's errors gives the claim up (nothing was saved, and the page shown
  carries a new token); an htmx answer keeps the claim.
* a second post of the same token, at the same time or later, finds it claimed. The
  database makes it wait for the first transaction (PostgreSQL on the unique index,
  SQLite on the write lock) and then refuses the insert; it is sent where the first
  went, with a message that the form was saved once. An htmx request is answered 204
  No Content, so the first answer stays on the page.

A POST without a token (an API client, a test posting by hand) runs as before. A user's
claims older than a day are deleted when they make a new one. A claim is bookkeeping of
the request, not a record of the domain: it writes no change log.
"""

from __future__ import annotations

import datetime
import uuid
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from losen.accounts.http import AuthenticatedHttpRequest
from losen.submissions.models import Submission

SUBMISSION_FIELD = "submission_token"
REDIRECTS = (301, 302, 303, 307, 308)
KEPT = datetime.timedelta(days=1)


def _token(request: AuthenticatedHttpRequest) -> uuid.UUID | None:
    if request.method != "POST" or not request.user.is_authenticated:
        return None
    try:
        return uuid.UUID(request.POST.get(SUBMISSION_FIELD, ""))
    except ValueError:
        return None


def once_per_submission(view):
    @wraps(view)
    def once(request: AuthenticatedHttpRequest, *args, **kwargs) -> HttpResponse:
        token = _token(request)
        if token is None:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = Submission.objects.create(
                        token=token, user=request.user, path=request.path[:300]
                    )
            except IntegrityError:
                return _already_submitted(request, token)
            # A token is kept a day: long enough for any double post, and the table stays small.
            Submission.objects.filter(
                user=request.user, submitted_at__lt=claim.submitted_at - KEPT
            ).delete()
            response = view(request, *args, **kwargs)
            if response.status_code in REDIRECTS:
                claim.result_url = response["Location"][:500]
                claim.save(update_fields=["result_url"])
            elif not getattr(request, "htmx", False):
                claim.delete()
            return response

    return once


def _already_submitted(request: AuthenticatedHttpRequest, token: uuid.UUID) -> HttpResponse:
    first = Submission.objects.filter(token=token, user=request.user).first()
    if getattr(request, "htmx", False):
        return HttpResponse(status=204)
    messages.info(request, _("The form was sent twice; it is saved once."))
    url = first.result_url if first is not None else ""
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = "/"
    return redirect(url)
