from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from losen.accounts.scope import scope_of


def navigation(request: HttpRequest) -> dict[str, object]:
    """Navigation by role: each link appears only for those it can serve."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_of(user)
    items = []
    if scope.can_read_people:
        items.append({"url": reverse("people:list"), "label": _("Young people"), "key": "people"})
    if scope.can_register_people:
        items.append({"url": reverse("people:new"), "label": _("Register"), "key": "people_new"})
    if user.is_staff:
        items.append({"url": reverse("admin:index"), "label": _("Administration"), "key": "admin"})
    current = request.path
    new_url = reverse("people:new")
    for item in items:
        item["current"] = current == item["url"] or (
            item["key"] == "people" and current.startswith(item["url"]) and current != new_url
        )
    return {"nav_items": items, "nav_scope": scope}
