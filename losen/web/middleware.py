"""Norwegian first: the interface language unless the user chose another.

Django's LocaleMiddleware would follow the browser's Accept-Language header and show
English to everyone with an English browser. Losen's users work in Norwegian or
Swedish, so the order here is: the language chosen with the switch (cookie), then
Swedish if the browser prefers Swedish to Norwegian, then Norwegian Bokmål.

Once the user is known (`UserLanguageMiddleware`, after authentication), their own
setting and then their organisation's default come before all of that: the language is
the user's, not the browser's (`losen.accounts.language`).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from losen.accounts.language import language_of

NORWEGIAN = ("nb", "no", "nn")


def language_for(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen and chosen in dict(settings.LANGUAGES):
        return chosen
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        primary = code.split("-")[0].lower()
        if primary == "sv":
            return "sv"
        if primary in NORWEGIAN:
            return "nb"
    return settings.LANGUAGE_CODE


class NorwegianFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class UserLanguageMiddleware:
    """The logged-in user's language: their setting, else their organisation's default.

    Without either (and for anonymous visitors, on the login page) the language stays
    the one `NorwegianFirstLocaleMiddleware` chose from the cookie or the browser. A
    user's own setting is also written to the language cookie, so the login page after
    logging out speaks it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = language_of(user)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        own = user.language if user is not None and user.is_authenticated else ""
        if own and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != own:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                own,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a request marked `session_read_only` writes no session.

    Sessions are saved on every request (idle expiry). A progress bar polled every
    second would then write the session table every second; on SQLite that write waits
    for, and fails behind, the long import whose progress it shows.
    """

    def process_response(self, request, response):
        if getattr(request, "session_read_only", False):
            return response
        return super().process_response(request, response)


class NoStoreMiddleware:
    """Nothing a logged-in user is shown is kept by the browser or a proxy.

    Every response to a logged-in user may hold personal data (a page, a PDF, a CSV or
    XLSX export, a job's file), so each one says `Cache-Control: no-store, private`,
    whatever the view set. Static files never get here: WhiteNoise, earlier in the
    chain, answers them itself (and lets them be cached).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response
