from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from losen.accounts.scope import scope_of
from losen.contracts.queries import contracts_visible_to
from losen.imports.queries import can_import


def navigation(request: HttpRequest) -> dict[str, object]:
    """Navigation by role: each link appears only for those it can serve."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_of(user)
    items: list[dict[str, Any]] = []
    if scope.casework_team_ids:
        items.append({"url": reverse("home"), "label": _("Work list"), "key": "home"})
    if scope.can_read_people:
        items.append({"url": reverse("people:list"), "label": _("Young people"), "key": "people"})
        items.append({"url": reverse("cases:list"), "label": _("Cases"), "key": "cases"})
    if scope.casework_team_ids:
        items.append(
            {"url": reverse("referrals:queue"), "label": _("Referrals"), "key": "referrals"}
        )
        items.append(
            {"url": reverse("meetings:list"), "label": _("Team meetings"), "key": "meetings"}
        )
        items.append({"url": reverse("outreach:queue"), "label": _("Outreach"), "key": "outreach"})
    if scope.casework_team_ids or scope.admin_org_ids or scope.aggregate_org_ids:
        items.append(
            {"url": reverse("programs:measures"), "label": _("Measures"), "key": "measures"}
        )
    if scope.casework_team_ids or scope.admin_org_ids or scope.aggregate_org_ids:
        items.append({"url": reverse("reports:dashboard"), "label": _("Results"), "key": "results"})
        items.append({"url": reverse("grants:list"), "label": _("Grant reports"), "key": "grants"})
    items.append(
        {"url": reverse("catalogue:catalogue"), "label": _("Catalogue"), "key": "catalogue"}
    )
    if contracts_visible_to(user).exists():
        items.append(
            {"url": reverse("contracts:list"), "label": _("Outcome contracts"), "key": "contracts"}
        )
    if scope.volunteer_team_ids:
        items.append(
            {"url": reverse("programs:sessions"), "label": _("Sessions"), "key": "sessions"}
        )
    if can_import(user):
        items.append({"url": reverse("imports:history"), "label": _("Import"), "key": "imports"})
    if user.is_staff:
        items.append({"url": reverse("admin:index"), "label": _("Administration"), "key": "admin"})
    # The current section: the longest menu address the page's address starts with.
    current = request.path
    best = max(
        (item for item in items if current.startswith(item["url"]) and item["url"] != "/"),
        key=lambda item: len(item["url"]),
        default=None,
    )
    for item in items:
        item["current"] = item is best or (item["url"] == "/" and current == "/")
    return {"nav_items": items, "nav_scope": scope}
