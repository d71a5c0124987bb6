from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from losen.audit.disclosures import describe
from losen.audit.models import AccessLog
from losen.lib.exporters import Exporter


class AccessLogExporter(Exporter):
    """Who has read a person's data: the person's right to see it (GDPR art. 15)."""

    def __init__(
        self,
        entries: QuerySet[AccessLog],
        *,
        person_label: str,
        person_id: int,
        about: str = "",
    ):
        self.entries = entries
        self.title = _("Access log for %(person)s") % {"person": person_label}
        self.about = about
        self.filename = f"access-log-{person_id}"

    def header(self) -> list[str]:
        return [_("Time"), _("Reader"), _("Organisation"), _("Team"), _("Purpose"), _("What")]

    def rows(self) -> Iterable[list[Any]]:
        for entry in self.entries.select_related("organisation", "team").iterator(chunk_size=2000):
            yield [
                entry.at,
                entry.actor_label,
                entry.organisation.name if entry.organisation else "",
                entry.team.name if entry.team else "",
                entry.get_purpose_display(),
                what_label(entry.what, entry.detail),
            ]


def what_label(what: str, detail: dict | None = None) -> str:
    described = describe(what, detail or {})
    if described is not None:
        return described
    return {
        "person": _("Person record"),
        "identity_number": _("Identity number"),
        "contact_details": _("Contact details"),
        # Lists that showed the person's name (losen.people.queries.log_people_shown).
        "list:worklist": _("Shown in the work list"),
        "list:people": _("Shown in the list of young people"),
        "list:cases": _("Shown in the list of cases"),
        "list:handover": _("Shown in the hand-over of cases"),
        "list:referrals": _("Shown in the referral queue"),
        "list:person_search": _("Shown in a search when registering a referral"),
        "list:referrals_out": _("Shown among the referrals to other organisations"),
        "list:referrals_in": _("Shown among the referrals from other organisations"),
        "referral_out": _("A referral to another organisation"),
        "referral_in": _("A referral from another organisation"),
        "list:participants": _("Shown among a measure's participants"),
        "list:claims": _("Shown among an outcome contract's claims"),
        "claim": _("A claim of an outcome contract"),
        "claim_evidence": _("The evidence of an outcome contract's claim"),
        "list:attendance": _("Shown in the attendance at a session"),
        "list:outreach": _("Shown in the outreach queue"),
        "list:target_list": _("Shown in a target list"),
    }.get(what, what)
