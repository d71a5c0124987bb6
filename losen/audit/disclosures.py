"""What can cross between organisations, named once for the consents and for the logs.

A referral consent lists the fields it lets cross (cases.Consent.shared_fields); every
crossing is written in both organisations' access logs with the fields it carried
(losen/exchange). The logs outlive the referral, so they keep the field keys and the
other organisation's name as they were, and name them in the reader's language here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class SharedField(models.TextChoices):
    NAME = "name", gettext_lazy("Name")
    BIRTH_DATE = "birth_date", gettext_lazy("Birth date")
    CONTACT = "contact", gettext_lazy("Contact details")
    GUARDIAN = "guardian", gettext_lazy("Guardian")
    REASON = "reason", gettext_lazy("The reason for the referral")
    CATEGORY = "category", gettext_lazy("Category")
    PLAN = "plan", gettext_lazy("The action plan")
    MAPPING = "mapping", gettext_lazy("The mapping")
    IDENTITY_NUMBER = "identity_number", gettext_lazy("Identity number")


# The fields every referral carries: whom it is about, and why.
REQUIRED_FIELDS = (SharedField.NAME, SharedField.BIRTH_DATE, SharedField.REASON)


def field_names(keys: list[str]) -> str:
    labels = dict(SharedField.choices)
    return ", ".join(str(labels.get(key, key)) for key in keys)


# How each side of a crossing words its row: what left, and what came in.
_WORDS = {
    "disclosed": gettext_lazy(
        "Disclosed to %(organisation)s: %(fields)s, under consent %(consent)s"
    ),
    "received": gettext_lazy("Received from %(organisation)s: %(fields)s (referral %(referral)s)"),
    "reported": gettext_lazy("Reported to %(organisation)s: %(report)s (referral %(referral)s)"),
    "report_received": gettext_lazy(
        "Report received from %(organisation)s: %(report)s (referral %(referral)s)"
    ),
}


def describe(what: str, detail: dict) -> str | None:
    """A disclosure's log row in words, or None when the row is not a disclosure's."""
    words = _WORDS.get(what)
    if words is None:
        return None
    return str(words) % {
        "organisation": detail.get("organisation", ""),
        "fields": field_names(detail.get("fields", [])),
        "consent": detail.get("consent", "–"),
        "referral": detail.get("referral", "–"),
        "report": detail.get("report_label", detail.get("report", "")),
    }
