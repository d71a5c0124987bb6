"""Team meetings: agenda, attendees and guests, decisions, minutes."""

from __future__ import annotations

# Under /meetings/ (namespace "meetings").
urlpatterns: list = []
