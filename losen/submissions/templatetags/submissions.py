"""`{% csrf_token %}` also renders a one-time submission token (see losen/submissions/once.py).

Registered as a template builtin after Django's own tags, so the tag every POST form of
Losen already has carries the token too: no form can be left without one. The token is
new each time the form is rendered, so a form shown again (with its errors, or in a new
tab) is a new submission, while the same form sent twice (a double click, a reload of
the answer, a second tab of the same page) is the same one.
"""

from __future__ import annotations

import uuid

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from losen.submissions.once import SUBMISSION_FIELD

register = template.Library()


class CsrfAndSubmissionTokenNode(CsrfTokenNode):
    def render(self, context) -> str:
        csrf = super().render(context)
        if not csrf:
            return csrf
        return format_html(
            '{}<input type="hidden" name="{}" value="{}">', csrf, SUBMISSION_FIELD, uuid.uuid4()
        )


@register.tag
def csrf_token(parser, token):
    return CsrfAndSubmissionTokenNode()
