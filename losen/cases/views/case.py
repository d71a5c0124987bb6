"""The case page (/cases/<id>/) and the work inside it."""

from __future__ import annotations

urlpatterns: list = []
