"""Norwegian first: the interface language unless the user chose another.

Django's LocaleMiddleware would follow the browser's Accept-Language header and show
English to everyone with an English browser. Losen's users work in Norwegian or
Swedish, so the order here is: the language chosen with the switch (cookie), then
Swedish if the browser prefers Swedish to Norwegian, then Norwegian Bokmål.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

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
