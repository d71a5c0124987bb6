"""The request of a logged-in view, for the type checker.

Behind ``@login_required`` the request's user is a ``User``, never an ``AnonymousUser``;
views and their helpers annotate ``request: AuthenticatedHttpRequest`` so that mypy knows
it (the pattern of healthchecks' ``AuthenticatedHttpRequest``). Nothing changes at run
time: Django passes its own ``HttpRequest``.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from losen.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    # Set by django-htmx's middleware on every request.
    htmx: HtmxDetails
    # A view polled often sets it: the session is then not written (losen.web.middleware).
    session_read_only: bool
