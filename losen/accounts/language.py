"""Which language Losen speaks to a user: their own choice, else their organisation's.

The order is the user's setting (`User.language`), then the default of the organisation
of their first membership (`Organisation.default_language`), then nothing: the request's
language (the cookie of the language switch, or the browser's) decides. Pages get it from
`losen.web.middleware.UserLanguageMiddleware`; what is made for a user outside their
request (a password-reset e-mail, a background job's messages and files) uses
`language_of(user)` with `translation.override`.
"""

from __future__ import annotations

from django.conf import settings

from losen.accounts.models import User
from losen.accounts.scope import scope_of


def organisation_language_of(user: User) -> str:
    """The default language of the organisation of the user's first membership, or ''.

    The memberships are the ones `scope_of` has read (and cached) for the request.
    """
    memberships = scope_of(user).memberships
    first = min(memberships, key=lambda m: (m.created_at, m.pk), default=None)
    return first.organisation.default_language if first is not None else ""


def language_of(user: User | None) -> str:
    """The language chosen for the user (theirs, else their organisation's), or ''."""
    if user is None or not user.is_authenticated:
        return ""
    language = user.language or organisation_language_of(user)
    return language if language in dict(settings.LANGUAGES) else ""
