"""The largest request Losen reads: a bigger one is answered 413 before its body is read.

Django limits a request's fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not its files: without
this an upload of any size would be written to a temporary file before a form could say
it is too large. The limit is LOSEN_UPLOAD_MAX_BYTES for the file, with room for the
form's other fields.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

# The form's other fields and the multipart boundaries around the file.
ROOM_FOR_FIELDS = 1024 * 1024


def max_request_bytes() -> int:
    return settings.LOSEN_UPLOAD_MAX_BYTES + ROOM_FOR_FIELDS


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_request_bytes():
            return render(
                request,
                "413.html",
                {"limit": filesizeformat(settings.LOSEN_UPLOAD_MAX_BYTES)},
                status=413,
            )
        return self.get_response(request)
