"""Norwegian first: the interface language unless the user chose another.

Django's LocaleMiddleware would follow the browser's Accept-Language header and show
English to everyone with an English browser. Losen's users work in Norwegian or
Swedish, so the order here is: the language chosen with the switch (cookie), then
Swedish if the browser prefers Swedish to Norwegian, then Norwegian Bokmål.
"""

from __future__ import annotations

from django.conf import settings
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
