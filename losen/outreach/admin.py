"""The administration of outreach: each organisation's own contact ladder per scheme."""

from __future__ import annotations

from django.contrib import admin

from losen.accounts.admin import OrganisationScopedAdmin
from losen.outreach.models import LadderConfig


@admin.register(LadderConfig)
class LadderConfigAdmin(OrganisationScopedAdmin):
    list_display = ("organisation", "scheme", "promise_days", "letter_sender")
    list_filter = ("scheme",)
